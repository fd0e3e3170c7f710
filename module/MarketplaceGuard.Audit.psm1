# Runs the shipped Pester audit library (MarketplaceGuard.Audit.Tests.ps1). A script function rather than a compiled
# cmdlet because its whole job is to drive Pester, a PowerShell module.

function Invoke-MarketplaceAudit {
    # .ExternalHelp MarketplaceGuard.dll-Help.xml
    [CmdletBinding()]
    [OutputType([void], [pscustomobject])]
    param(
        [Parameter(Mandatory)] [Alias('Path', 'SnapshotPath')] [string] $AuthorizationDetailsPath,
        [Parameter(Mandatory)] [string[]] $ProcurementPrincipal,
        [string[]] $ViewerPrincipal,
        [string] $SuppressionPath,
        [string[]] $ServiceControlPolicyPath,
        [string[]] $Tag,
        [string] $OutputPath,
        [ValidateSet('NUnitXml', 'JUnitXml')] [string] $OutputFormat = 'NUnitXml',
        [switch] $AllowIncomplete,
        [switch] $PassThru
    )

    $pester = Get-Module Pester | Where-Object Version -GE '5.0' | Sort-Object Version -Descending | Select-Object -First 1
    if (-not $pester) {
        $pester = Import-Module Pester -MinimumVersion 5.0 -PassThru -ErrorAction SilentlyContinue
    }
    if (-not $pester) {
        $PSCmdlet.ThrowTerminatingError([System.Management.Automation.ErrorRecord]::new(
                [System.IO.FileNotFoundException]::new('Invoke-MarketplaceAudit needs Pester 5 or later. Install it, or import it first (Import-Module <path>/Pester.psd1).'),
                'InvokeMarketplaceAuditPesterMissing', 'NotInstalled', 'Pester'))
    }

    $data = @{
        AuthorizationDetailsPath = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($AuthorizationDetailsPath)
        ProcurementPrincipal     = $ProcurementPrincipal
    }
    if ($ViewerPrincipal) { $data.ViewerPrincipal = $ViewerPrincipal }
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

    $result = Invoke-Pester -Configuration $configuration
    if ($PassThru) { $result }
}

Export-ModuleMember -Function Invoke-MarketplaceAudit
