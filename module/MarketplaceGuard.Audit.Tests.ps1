<#
    The MarketplaceGuard audit library: one Pester test per least-privilege rule, with the rule id in its title and
    as its tag, run on an account snapshot. Invoke-MarketplaceAudit runs it; you can also run it yourself:

        $container = New-PesterContainer -Path (Join-Path (Get-Module MarketplaceGuard).ModuleBase 'MarketplaceGuard.Audit.Tests.ps1') -Data @{
            AuthorizationDetailsPath = './account.json'; ProcurementPrincipal = 'Procurement'; ViewerPrincipal = 'Billing' }
        Invoke-Pester -Container $container -Output Detailed
#>
param(
    [Parameter(Mandatory)] [string] $AuthorizationDetailsPath,
    [Parameter(Mandatory)] [string[]] $ProcurementPrincipal,
    [string[]] $ViewerPrincipal,
    [string] $SuppressionPath,
    [string[]] $ServiceControlPolicyPath,
    [switch] $AllowIncomplete
)

BeforeAll {
    $audit = @{
        AuthorizationDetailsPath = $AuthorizationDetailsPath
        ProcurementPrincipal     = $ProcurementPrincipal
    }
    if ($ViewerPrincipal) { $audit.ViewerPrincipal = $ViewerPrincipal }
    if ($SuppressionPath) { $audit.SuppressionPath = $SuppressionPath }
    if ($ServiceControlPolicyPath) { $audit.ServiceControlPolicyPath = $ServiceControlPolicyPath }
    if ($AllowIncomplete) { $audit.AllowIncomplete = $true }
    $script:Findings = @(Test-MarketplaceLeastPrivilege @audit -WarningAction SilentlyContinue -WarningVariable auditWarnings)
    # With -AllowIncomplete a truncated snapshot is audited, and Test-MarketplaceLeastPrivilege says so in a warning;
    # what the snapshot does not hold was never audited, so no rule can pass on it.
    $script:Incomplete = @($auditWarnings | Where-Object { "$_" -like '* is incomplete (it says IsTruncated)*' })

    function Assert-NoFinding([string] $RuleId) {
        $script:Incomplete.Count | Should -Be 0 -Because "no rule passes on a snapshot that is not the whole account: $($script:Incomplete -join ' ')"
        $open = @($script:Findings | Where-Object { $_.RuleId -eq $RuleId -and -not $_.Suppressed })
        $explanation = ($open | ForEach-Object { "$($_.Severity) $($_.PrincipalArn): $($_.Reason) Fix: $($_.Recommendation)" }) -join [Environment]::NewLine
        $open.Count | Should -Be 0 -Because "$($open.Count) principal(s) break ${RuleId}:$([Environment]::NewLine)$explanation"
    }
}

Describe 'MarketplaceGuard least privilege' -Tag 'MarketplaceGuard' {
    It 'MG1001: no unauthorized principal can procure' -Tag 'MG1001' { Assert-NoFinding 'MG1001' }
    It 'MG1002: no unauthorized principal can cancel subscriptions' -Tag 'MG1002' { Assert-NoFinding 'MG1002' }
    It 'MG1003: every authorized procurement principal can procure' -Tag 'MG1003' { Assert-NoFinding 'MG1003' }
    It 'MG1004: billing viewers can view and cannot procure or cancel' -Tag 'MG1004' { Assert-NoFinding 'MG1004' }
    It 'MG1005: everyone outside procurement is explicitly denied procurement' -Tag 'MG1005' { Assert-NoFinding 'MG1005' }
    It 'MG1006: only the procurement team administers the Private Marketplace' -Tag 'MG1006' { Assert-NoFinding 'MG1006' }
    It 'MG1007: every principal''s policies can be judged' -Tag 'MG1007' { Assert-NoFinding 'MG1007' }
}
