<#
    The MarketplaceGuard audit library: one Pester test per rule of the least-privilege audit, with the rule id in its
    title and as its tag, run on an account snapshot. The rules come from the module itself (the same list
    Test-MarketplaceLeastPrivilege applies), so a new rule is a new test without any change here. Each test is named
    after the finding it looks for, e.g. "MG1003: An authorized procurement principal cannot procure", and passes
    when the audit has no such finding that is not suppressed.
    Invoke-MarketplaceAudit runs it; you can also run it yourself:

        $container = New-PesterContainer -Path (Join-Path (Get-Module MarketplaceGuard).ModuleBase 'MarketplaceGuard.Audit.Tests.ps1') -Data @{
            AuthorizationDetailsPath = './account.json'; ProcurementPrincipal = 'Procurement'; ViewerPrincipal = 'Billing'
            LauncherPrincipal = 'AmiOperators'; GovernancePrincipal = 'DistributionAdmins' }
        Invoke-Pester -Container $container -Output Detailed
#>
param(
    [string] $AuthorizationDetailsPath,
    # Instead of one account: an organization snapshot folder, every account audited with its SCPs (-AccountId narrows).
    [string] $OrganizationSnapshotPath,
    [string[]] $AccountId,
    [Parameter(Mandatory)] [string[]] $ProcurementPrincipal,
    [string[]] $ViewerPrincipal,
    [string[]] $LauncherPrincipal,
    # Who may administer distribution (Rule 3: License Manager, Service Catalog, Private Marketplace); nobody when omitted.
    [string[]] $GovernancePrincipal,
    [string] $SuppressionPath,
    [string[]] $ServiceControlPolicyPath,
    [switch] $AllowIncomplete
)

BeforeDiscovery {
    $rules = [MarketplaceGuard.Cmdlets.Audit.AuditRuleList]::All
}

BeforeAll {
    $audit = @{ ProcurementPrincipal = $ProcurementPrincipal }
    if ($OrganizationSnapshotPath) {
        $audit.OrganizationSnapshotPath = $OrganizationSnapshotPath
        if ($AccountId) { $audit.AccountId = $AccountId }
    }
    else {
        $audit.AuthorizationDetailsPath = $AuthorizationDetailsPath
    }
    if ($ViewerPrincipal) { $audit.ViewerPrincipal = $ViewerPrincipal }
    if ($LauncherPrincipal) { $audit.LauncherPrincipal = $LauncherPrincipal }
    if ($GovernancePrincipal) { $audit.GovernancePrincipal = $GovernancePrincipal }
    if ($SuppressionPath) { $audit.SuppressionPath = $SuppressionPath }
    if ($ServiceControlPolicyPath) { $audit.ServiceControlPolicyPath = $ServiceControlPolicyPath }
    if ($AllowIncomplete) { $audit.AllowIncomplete = $true }
    # The audit run, not only its findings: it says whether the snapshot was the whole account (with -AllowIncomplete
    # a truncated one is audited, and what it does not hold was never audited, so no rule can pass on it).
    # An organization gives its scope: every account's run, and the accounts that could not be audited.
    $result = Test-MarketplaceLeastPrivilege @audit -PassThru -WarningAction SilentlyContinue -ErrorAction SilentlyContinue -ErrorVariable auditErrors
    $script:Runs = if ($OrganizationSnapshotPath) { @($result.Runs) } else { @($result) }
    $script:Unaudited = if ($OrganizationSnapshotPath) { @($result.Unaudited) } else { @() }
    $script:AuditErrors = @($auditErrors)

    # Should -Be 0 -Because with the reason kept whole (Pester's -Because deletes every "because "): the module's own
    # assertion, placed at the test's line.
    $script:AuditModule = (Get-Command Invoke-MarketplaceAudit).Module
    function Assert-Zero([object[]] $Items, [string] $Because) {
        & $script:AuditModule { param($items, $because, $caller) Assert-NoItem $items $because $caller } $Items $Because (Get-PSCallStack)[1]
    }

    # No rule passes for what was never audited: an account that failed, or a principal selector that named nobody.
    function Assert-EveryAccountAudited {
        $reasons = @($script:Unaudited | ForEach-Object { "$($_.AccountId): $($_.Reason)" }) + @($script:AuditErrors | ForEach-Object { "$_" })
        Assert-Zero $reasons ($reasons -join [Environment]::NewLine)
        $script:Runs.Count | Should -BeGreaterThan 0 -Because 'an audit that audited no account proves nothing'
    }

    function Assert-NoFinding([string] $RuleId) {
        Assert-EveryAccountAudited
        foreach ($run in $script:Runs) {
            $run.Incomplete | Should -BeFalse -Because "no rule passes on a snapshot that is not the whole account ($($run.Source) says IsTruncated)"
        }
        $open = @($script:Runs | ForEach-Object { $_.Findings } | Where-Object { $_.RuleId -eq $RuleId -and -not $_.Suppressed })
        $explanation = ($open | ForEach-Object { "$($_.Severity) $($_.PrincipalArn): $($_.Reason) Fix: $($_.Recommendation)" }) -join [Environment]::NewLine
        Assert-Zero $open "$($open.Count) principal(s) break ${RuleId}:$([Environment]::NewLine)$explanation"
    }
}

Describe 'MarketplaceGuard least privilege' -Tag 'MarketplaceGuard' {
    if ($OrganizationSnapshotPath) {
        It 'Every account of the organization was audited' { Assert-EveryAccountAudited }
    }

    # One It per rule, each with its own tag, so -Tag MG1003 runs that rule alone.
    foreach ($rule in $rules) {
        It "$($rule.Id): $($rule.Title)" -Tag $rule.Id -TestCases @{ RuleId = $rule.Id } { Assert-NoFinding $RuleId }
    }
}
