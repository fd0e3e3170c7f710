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

function Assert-NoItem {
    <#
        Should -Be 0 -Because, with the reason kept whole: Pester's -Because deletes every "because " from its text, and
        the module's reasons say "because". Where Pester can make its own assertion error, the message is written here in
        Should's words, placed at $Caller (the test's line); elsewhere -Because it is, or a plain error outside Pester.
        Shared by the audit library's Assert-Zero and the procurement checks.
    #>
    param([object[]] $Items, [string] $Because, [System.Management.Automation.CallStackFrame] $Caller)
    if ($Items.Count -eq 0) {
        return
    }

    $factory = 'Pester.Factory' -as [type]
    $create = if ($factory) { $factory.GetMethod('CreateShouldErrorRecord', [type[]] @([string], [string], [string], [string], [bool], [object])) }
    $message = "Expected 0, because $Because, but got $($Items.Count)."
    if ($create) {
        throw $create.Invoke($null, @($message, $Caller.ScriptName, [string] $Caller.ScriptLineNumber, $Caller.Position.StartScriptPosition.Line.Trim(), $true, $null))
    }
    if (Get-Command Should -ErrorAction SilentlyContinue) {
        $Items.Count | Should -Be 0 -Because $Because
        return
    }
    throw $message
}

function Assert-ProcurementRule {
    <#
        The procurement checks: the inventory (Get-MarketplaceProcurementReport -PassThru) has no gap (an account not read,
        an agreement without a product, a code without a mapping: nothing there can be judged clean) and no open finding of
        $RuleId that $Select keeps. Fails with every reason and fix.
    #>
    param($Cmdlet, $Inventory, [string] $RuleId, [scriptblock] $Select = { $true }, [System.Management.Automation.CallStackFrame] $Caller)
    $inventoryType = 'MarketplaceGuard.Engine.Procurement.ProcurementInventory'
    $value = if ($Inventory -is [psobject]) { $Inventory.psobject.BaseObject } else { $Inventory }
    if ($null -eq $value -or $value.GetType().FullName -ne $inventoryType) {
        $kind = if ($null -eq $value) { 'null' } else { $value.GetType().FullName }
        $Cmdlet.ThrowTerminatingError([MarketplaceGuard.Cmdlets.Errors.ModuleErrors]::Create(
                "-Inventory takes the inventory of Get-MarketplaceProcurementReport -PassThru, not $kind.",
                [MarketplaceGuard.Cmdlets.Errors.ErrorIds]::InputNotProcurementData, 'InvalidArgument', $Inventory, $null))
    }

    $gaps = @($value.Gaps | ForEach-Object { "$($_.Subject): $($_.Detail)" })
    Assert-NoItem $gaps "$RuleId cannot be judged on an incomplete inventory:$([Environment]::NewLine)$($gaps -join [Environment]::NewLine)" $Caller
    $open = @($value.Findings | Where-Object { $_.RuleId -eq $RuleId } | Where-Object $Select)
    $explanation = ($open | ForEach-Object { "$($_.Severity) $($_.AccountId): $($_.Reason) Fix: $($_.Recommendation)" }) -join [Environment]::NewLine
    Assert-NoItem $open "$($open.Count) finding(s) of ${RuleId}:$([Environment]::NewLine)$explanation" $Caller
}

function Assert-NoMarketplaceBillingLeak {
    # .ExternalHelp MarketplaceGuard.dll-Help.xml
    [CmdletBinding()]
    [OutputType([void])]
    param([Parameter(Mandatory, Position = 0, ValueFromPipeline)] [AllowNull()] [object] $Inventory)
    process { Assert-ProcurementRule $PSCmdlet $Inventory 'MG4001' -Caller (Get-PSCallStack)[1] }
}

function Assert-NoExpiringMarketplaceAgreement {
    # .ExternalHelp MarketplaceGuard.dll-Help.xml
    [CmdletBinding()]
    [OutputType([void])]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline)] [AllowNull()] [object] $Inventory,
        [Parameter(Position = 1)] [timespan] $Within
    )
    process {
        $window = $Inventory.ExpiresWithin
        if ($PSBoundParameters.ContainsKey('Within') -and $null -ne $window -and ($Within -le [timespan]::Zero -or $Within -gt $window)) {
            $PSCmdlet.ThrowTerminatingError([MarketplaceGuard.Cmdlets.Errors.ModuleErrors]::Create(
                    "-Within $Within must be more than zero and at most the inventory's window ($window): the inventory flagged only agreements ending within it. Run Get-MarketplaceProcurementReport -ExpiresWithin $Within.",
                    [MarketplaceGuard.Cmdlets.Errors.ErrorIds]::ExpiresWithinInvalid, 'InvalidArgument', $Within, $null))
        }
        $limit = if ($PSBoundParameters.ContainsKey('Within')) { $Inventory.GeneratedAt + $Within } else { [DateTimeOffset]::MaxValue }
        Assert-ProcurementRule $PSCmdlet $Inventory 'MG4002' { $_.EndTime -le $limit } -Caller (Get-PSCallStack)[1]
    }
}

function Assert-MarketplacePaidImageProtected {
    # .ExternalHelp MarketplaceGuard.dll-Help.xml
    [CmdletBinding()]
    [OutputType([void])]
    param([Parameter(Mandatory, Position = 0, ValueFromPipeline)] [AllowNull()] [object] $Inventory)
    process { Assert-ProcurementRule $PSCmdlet $Inventory 'MG4004' -Caller (Get-PSCallStack)[1] }
}

Export-ModuleMember -Function Invoke-MarketplaceAudit, Assert-NoMarketplaceBillingLeak, Assert-NoExpiringMarketplaceAgreement, Assert-MarketplacePaidImageProtected
