# Runs the shipped Pester audit library (MarketplaceGuard.Audit.Tests.ps1). A script function rather than a compiled
# cmdlet because its whole job is to drive Pester, a PowerShell module.

function Invoke-MarketplaceAudit {
    # .ExternalHelp MarketplaceGuard.dll-Help.xml
    [CmdletBinding(DefaultParameterSetName = 'Snapshot')]
    [OutputType([void], [pscustomobject])]
    param(
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'Snapshot')] [Alias('Path', 'SnapshotPath')] [string] $AuthorizationDetailsPath,
        [Parameter(Mandatory, Position = 1)] [ArgumentCompleter([MarketplaceGuard.Cmdlets.Audit.PrincipalNameCompleter])] [string[]] $ProcurementPrincipal,
        [Parameter(Position = 2)] [ArgumentCompleter([MarketplaceGuard.Cmdlets.Audit.PrincipalNameCompleter])] [string[]] $ViewerPrincipal,
        [Parameter(Position = 3)] [string] $SuppressionPath,
        [Parameter(Position = 4, ParameterSetName = 'Snapshot')] [string[]] $ServiceControlPolicyPath,
        [Parameter(Position = 5)] [ArgumentCompleter([MarketplaceGuard.Cmdlets.Audit.RuleIdCompleter])] [string[]] $Tag,
        [Parameter(Position = 6)] [string] $OutputPath,
        [Parameter(Position = 7)] [ValidateSet('NUnitXml', 'JUnitXml')] [string] $OutputFormat = 'NUnitXml',
        # Last of the positional parameters, so that the positions of those before it did not move.
        [Parameter(Position = 8)] [ArgumentCompleter([MarketplaceGuard.Cmdlets.Audit.PrincipalNameCompleter])] [string[]] $LauncherPrincipal,
        [Parameter(Position = 9)] [ArgumentCompleter([MarketplaceGuard.Cmdlets.Audit.PrincipalNameCompleter])] [string[]] $GovernancePrincipal,
        [switch] $AllowIncomplete,
        [switch] $PassThru,
        # An organization snapshot folder (Export-MarketplaceOrganizationSnapshot): every account, with its SCPs.
        [Parameter(Mandatory, ParameterSetName = 'Organization')] [string] $OrganizationSnapshotPath,
        [Parameter(ParameterSetName = 'Organization')] [ValidateNotNullOrEmpty()] [string[]] $AccountId
    )

    # Fail closed before anything runs: a -Tag typo would run no test and pass; an -OutputPath that is a folder, or
    # one of the audit's own inputs, would fail after the audit or replace the evidence.
    $ruleIds = @([MarketplaceGuard.Cmdlets.Audit.AuditRuleList]::All | ForEach-Object Id) + 'MarketplaceGuard'
    foreach ($t in $Tag) {
        if ($t -notin $ruleIds) {
            $close = [MarketplaceGuard.Cmdlets.Audit.AuditRuleList]::Closest($t)
            $hint = if ($close) { " Did you mean $($close -join ' or ')?" } else { '' }
            $PSCmdlet.ThrowTerminatingError([MarketplaceGuard.Cmdlets.Errors.ModuleErrors]::Create(
                    "-Tag: '$t' is not a rule id, so no test would run.$hint Valid tags: $($ruleIds -join ', ').",
                    [MarketplaceGuard.Cmdlets.Errors.ErrorIds]::RuleIdUnknown, 'InvalidArgument', $t, $null))
        }
    }
    if ($OutputPath) {
        $checked = [MarketplaceGuard.Cmdlets.Output.OutputFile]::Check($PSCmdlet, $OutputPath, 'OutputPath')
        $checked.Dispose()
        $inputs = @($AuthorizationDetailsPath, $OrganizationSnapshotPath, $SuppressionPath) + @($ServiceControlPolicyPath) | Where-Object { $_ } |
            ForEach-Object { $PSCmdlet.GetUnresolvedProviderPathFromPSPath($_) }
        if ($checked.Path -in $inputs) {
            $PSCmdlet.ThrowTerminatingError([MarketplaceGuard.Cmdlets.Errors.ModuleErrors]::Create(
                    "-OutputPath: '$($checked.Path)' is also an input of the audit; the test results would replace it. Write them elsewhere.",
                    [MarketplaceGuard.Cmdlets.Errors.ErrorIds]::OutputPathInvalid, 'InvalidArgument', $OutputPath, $null))
        }
    }

    $shippedPester = Join-Path $PSScriptRoot 'Pester/Pester.psd1'
    $pester = Find-AuditPester -ShippedPath $shippedPester
    if (-not $pester) {
        $message = "Invoke-MarketplaceAudit needs Pester 5 or later and found none: none is imported, none is installed on " +
            "`$env:PSModulePath, and the copy that ships with MarketplaceGuard is missing ($shippedPester). Reinstall the " +
            "module from a build (artifacts/module holds Pester/), or import a Pester 5 first: the NuGet package Pester " +
            "(a .nupkg is a zip file; restore it from your NuGet source) has it at tools/Pester.psd1, so run " +
            "'Import-Module <package folder>/tools/Pester.psd1' before Invoke-MarketplaceAudit. Where the PowerShell " +
            "Gallery is reachable, 'Install-Module Pester -MinimumVersion 5.0' works too."
        $PSCmdlet.ThrowTerminatingError([MarketplaceGuard.Cmdlets.Errors.ModuleErrors]::Create(
                $message, [MarketplaceGuard.Cmdlets.Errors.ErrorIds]::PesterNotFound, 'ObjectNotFound', 'Pester', $null))
    }
    Write-Verbose "Running the audit library with Pester $($pester.Version) from $($pester.ModuleBase)."

    $data = @{ ProcurementPrincipal = $ProcurementPrincipal }
    if ($AuthorizationDetailsPath) { $data.AuthorizationDetailsPath = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($AuthorizationDetailsPath) }
    if ($OrganizationSnapshotPath) { $data.OrganizationSnapshotPath = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($OrganizationSnapshotPath) }
    if ($AccountId) { $data.AccountId = $AccountId }
    if ($ViewerPrincipal) { $data.ViewerPrincipal = $ViewerPrincipal }
    if ($LauncherPrincipal) { $data.LauncherPrincipal = $LauncherPrincipal }
    if ($GovernancePrincipal) { $data.GovernancePrincipal = $GovernancePrincipal }
    if ($SuppressionPath) { $data.SuppressionPath = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($SuppressionPath) }
    if ($AllowIncomplete) { $data.AllowIncomplete = $true }
    if ($ServiceControlPolicyPath) { $data.ServiceControlPolicyPath = @($ServiceControlPolicyPath | ForEach-Object { $PSCmdlet.GetUnresolvedProviderPathFromPSPath($_) }) }

    $configuration = & $pester { New-PesterConfiguration }
    $configuration.Run.Container = & $pester { param($path, $data) New-PesterContainer -Path $path -Data $data } (Join-Path $PSScriptRoot 'MarketplaceGuard.Audit.Tests.ps1') $data
    $configuration.Run.PassThru = $true
    $configuration.Output.Verbosity = if ($VerbosePreference -eq 'Continue') { 'Detailed' } else { 'Normal' }
    if ($Tag) { $configuration.Filter.Tag = $Tag }
    if ($OutputPath) {
        $configuration.TestResult.Enabled = $true
        $configuration.TestResult.OutputPath = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($OutputPath)
        $configuration.TestResult.OutputFormat = $OutputFormat
    }

    # That Pester's own command, so an older Pester imported beside it (Windows ships 3.4) cannot answer the call; called
    # from here, not from inside Pester's scope, so the library's tests run in this session and see its commands.
    $result = & $pester.ExportedCommands['Invoke-Pester'] -Configuration $configuration
    if ($PassThru) { $result }
}

function Find-AuditPester {
    <#
        The Pester that runs the audit library, first found of: a Pester 5 or later already imported (the caller's
        choice), one installed on $env:PSModulePath, the copy the build ships inside this module ($ShippedPath, from
        NuGet, so the module needs nothing from the PowerShell Gallery). $null when there is none.
    #>
    [OutputType([psmoduleinfo])]
    param([Parameter(Mandatory)] [string] $ShippedPath)

    $minimum = [version]'5.0'
    $loaded = Get-Module Pester | Where-Object Version -GE $minimum | Sort-Object Version -Descending | Select-Object -First 1
    if ($loaded) { return $loaded }

    $installed = Get-Module Pester -ListAvailable | Where-Object Version -GE $minimum | Sort-Object Version -Descending | Select-Object -First 1
    if ($installed) { return Import-Module $installed.Path -PassThru }

    if (Test-Path -LiteralPath $ShippedPath -PathType Leaf) { return Import-Module $ShippedPath -PassThru }
    $null
}

Export-ModuleMember -Function Invoke-MarketplaceAudit
