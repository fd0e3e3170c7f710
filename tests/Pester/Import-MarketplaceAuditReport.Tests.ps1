BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Import-Module $ManifestPath -Force
    $script:Sample = Join-Path $RepoRoot 'examples/sample-account.json'
    $script:AuditArgs = @{
        ProcurementPrincipal = 'Procurement'
        ViewerPrincipal      = 'Billing'
        SuppressionPath      = Join-Path $RepoRoot 'examples/suppressions.json'
        LauncherPrincipal    = 'AmiOperators', 'cfn-deployer'
        GovernancePrincipal  = 'DistributionAdmins'
        WarningAction        = 'SilentlyContinue'
    }

    # Two more accounts: the sample under another account id, and one where the procurement team is all there is.
    $script:Dev = Join-Path $TestDrive 'dev-account.json'
    (Get-Content $Sample -Raw).Replace('111122223333', '222233334444') | Set-Content $Dev
    $script:Clean = Join-Path $TestDrive 'clean-account.json'
    @'
{ "UserDetailList": [ { "UserName": "pat", "Arn": "arn:aws:iam::444455556666:user/pat", "GroupList": ["Procurement"] } ],
  "GroupDetailList": [ { "GroupName": "Procurement", "Arn": "arn:aws:iam::444455556666:group/Procurement",
    "GroupPolicyList": [ { "PolicyName": "Buy", "PolicyDocument": { "Version": "2012-10-17", "Statement": [
      { "Effect": "Allow", "Action": "aws-marketplace:*", "Resource": "*" } ] } } ] } ] }
'@ | Set-Content $Clean

    $script:Report = Join-Path $TestDrive 'sample.json'
    $script:Findings = Test-MarketplaceLeastPrivilege -AuthorizationDetailsPath $Sample @AuditArgs -ReportPath $Report
    $script:DevReport = Join-Path $TestDrive 'dev.json'
    $null = Test-MarketplaceLeastPrivilege -AuthorizationDetailsPath $Dev @AuditArgs -ReportPath $DevReport

    # The engine's organization types live in the module's private load context: reached through the runs' assembly,
    # as the organization fan-out builds them.
    function New-Scope([int] $Requested) {
        $type = $Findings[0].GetType().Assembly.GetType('MarketplaceGuard.Engine.Organizations.OrganizationScope')
        [Activator]::CreateInstance($type, @('o-a1b2c3d4e5', '999988887777', $true, $null, $Requested))
    }

    function Add-Account($Scope, $Run, [string] $Name, [string] $Path) {
        $type = $Findings[0].GetType().Assembly.GetType('MarketplaceGuard.Engine.Organizations.ServiceControlPolicyAssessment')
        $assessment = [Activator]::CreateInstance($type, @($true, "applied: root r-a1b2, account $Name", [string[]] @()))
        $Run.SetOrganizationContext($Name, $Path, $Scope, $assessment)
        $Scope.AddRun($Run)
    }

    function Add-Unaudited($Scope) {
        $type = $Findings[0].GetType().Assembly.GetType('MarketplaceGuard.Engine.Organizations.UnauditedAccount')
        $Scope.AddUnaudited([Activator]::CreateInstance($type, @('333344445555', 'legacy', 'AssumeRole was denied (AccessDenied)')))
    }

    # The JSON text without the one value that differs between two writes of the same runs.
    function Get-ReportText([string] $Path) {
        (Get-Content $Path -Raw) -replace '"generatedAt": "[^"]+"', '"generatedAt": ""'
    }
}

Describe 'Import-MarketplaceAuditReport' {
    It 'reads a report back into the findings the audit returned, with their run' {
        $read = Import-MarketplaceAuditReport $Report

        $read | Should -HaveCount 47
        $read[0].GetType().FullName | Should -Be 'MarketplaceGuard.Engine.Audit.Finding'
        ($read | ForEach-Object { "$($_.RuleId) $($_.Principal) $($_.Cause) $($_.Suppressed) $($_.Reason)" }) |
            Should -Be ($Findings | ForEach-Object { "$($_.RuleId) $($_.Principal) $($_.Cause) $($_.Suppressed) $($_.Reason)" })
        $read[0].AccountId | Should -Be '111122223333'
        $read[0].Run.Source | Should -Be $Sample
        $read[0].Run.DeclaredLauncherPrincipals | Should -Be 'AmiOperators', 'cfn-deployer'
        $read[0].Run.DeclaredGovernancePrincipals | Should -Be 'DistributionAdmins'
        $read[0].Run.GovernancePrincipals | Should -Be 'user/gwen', 'user/gary'
        ($read | Where-Object Suppressed).Suppression.Justification | Should -Be ($Findings | Where-Object Suppressed).Suppression.Justification
        @($read.Run | Select-Object -Unique).Count | Should -Be 1
    }

    It 'writes the same report again from what it read, but for the who-can matrix and the time' {
        $again = Join-Path $TestDrive 'again.json'
        Import-MarketplaceAuditReport $Report | Export-MarketplaceAuditReport -Format Json -Path $again
        $a = Get-Content $Report -Raw | ConvertFrom-Json
        $b = Get-Content $again -Raw | ConvertFrom-Json

        # A run read back has no matrix (it is the size of the account); everything else is the same.
        $a.audits[0].matrix.Count | Should -Be (24 * 10)
        $b.audits[0].matrix.Count | Should -Be 0
        $a.audits[0].PSObject.Properties.Remove('matrix')
        $b.audits[0].PSObject.Properties.Remove('matrix')
        ($b.audits | ConvertTo-Json -Depth 10) | Should -Be ($a.audits | ConvertTo-Json -Depth 10)

        # Read back again, it is the same file but for the time.
        $third = Join-Path $TestDrive 'third.json'
        Import-MarketplaceAuditReport $again | Export-MarketplaceAuditReport -Format Json -Path $third
        Get-ReportText $third | Should -BeExactly (Get-ReportText $again)
    }

    It 'joins the reports of the shards of an organization into the report of the whole organization' {
        $prod = Test-MarketplaceLeastPrivilege -AuthorizationDetailsPath $Sample @AuditArgs -PassThru
        $dev = Test-MarketplaceLeastPrivilege -AuthorizationDetailsPath $Dev @AuditArgs -PassThru
        $clean = Test-MarketplaceLeastPrivilege -AuthorizationDetailsPath $Clean -ProcurementPrincipal Procurement -PassThru

        # One fan-out of four accounts, one of them not audited; the runs let go of their models as the fan-out does.
        $whole = New-Scope 4
        Add-Account $whole $prod 'prod' 'Root / Workloads / Prod'
        Add-Account $whole $dev 'dev' 'Root / Workloads / Dev'
        Add-Account $whole $clean 'tools' 'Root / Tools'
        Add-Unaudited $whole
        $prod, $dev, $clean | ForEach-Object { $_.Release() }
        $wholeReport = Join-Path $TestDrive 'whole.json'
        $prod | Export-MarketplaceAuditReport -Format Json -Path $wholeReport

        # The same accounts as two shards of one organization, each written by its own job.
        $shards = New-Item -ItemType Directory (Join-Path $TestDrive 'shards')
        $east = New-Scope 3
        Add-Account $east $prod 'prod' 'Root / Workloads / Prod'
        Add-Account $east $clean 'tools' 'Root / Tools'
        Add-Unaudited $east
        $west = New-Scope 1
        Add-Account $west $dev 'dev' 'Root / Workloads / Dev'
        $prod | Export-MarketplaceAuditReport -Format Json -Path (Join-Path $shards 'east.json')
        $dev | Export-MarketplaceAuditReport -Format Json -Path (Join-Path $shards 'west.json')

        $joined = Join-Path $TestDrive 'joined.json'
        Import-MarketplaceAuditReport (Join-Path $shards '*.json') | Export-MarketplaceAuditReport -Format Json -Path $joined

        # Only the time differs: the run ids and start times are the runs' own, read back.
        Get-ReportText $joined | Should -BeExactly (Get-ReportText $wholeReport)
        $report = Get-Content $joined -Raw | ConvertFrom-Json
        $report.summary.verdict | Should -Be 'Not passed: 1 account not audited (legacy (333344445555)), 92 findings to fix'
        $report.summary.accounts.accountId | Should -Be '111122223333', '222233334444', '333344445555', '444455556666'
        $report.audits.accountName | Should -Be 'prod', 'dev', 'tools'
        $html = Join-Path $TestDrive 'joined.html'
        Import-MarketplaceAuditReport (Join-Path $shards '*.json') | Export-MarketplaceAuditReport -Format Html -Path $html
        Get-Content $html -Raw | Should -Match '<a href="#account-444455556666">tools \(444455556666\)</a>'
    }

    It 'returns the run of an audit that found nothing with -PassThru, and warns without it' {
        $cleanReport = Join-Path $TestDrive 'clean.json'
        $null = Test-MarketplaceLeastPrivilege -AuthorizationDetailsPath $Clean -ProcurementPrincipal Procurement -ReportPath $cleanReport

        Import-MarketplaceAuditReport $cleanReport -WarningVariable warned -WarningAction SilentlyContinue | Should -BeNullOrEmpty
        $warned[0].Message | Should -BeLike "The audit of 444455556666 ($Clean) found nothing*give -PassThru*"

        $run = Import-MarketplaceAuditReport $cleanReport -PassThru
        $run.GetType().FullName | Should -Be 'MarketplaceGuard.Engine.Audit.AuditRun'
        $run.Passed | Should -BeTrue
        $again = Join-Path $TestDrive 'clean-again.json'
        $run | Export-MarketplaceAuditReport -Format Json -Path $again
        $audit = (Get-Content $again -Raw | ConvertFrom-Json).audits[0]
        $audit.summary.passed | Should -BeTrue
        $audit.summary.principals | Should -Be 1
        $audit.runId | Should -Be (Get-Content $cleanReport -Raw | ConvertFrom-Json).audits[0].runId
    }

    It 'reads the files wildcards and Get-ChildItem name, each file once' {
        $folder = New-Item -ItemType Directory (Join-Path $TestDrive 'two')
        Copy-Item $Report, $DevReport $folder

        Import-MarketplaceAuditReport (Join-Path $folder '*.json') | Should -HaveCount 94
        Get-ChildItem $folder -Filter *.json | Import-MarketplaceAuditReport | Should -HaveCount 94
        Import-MarketplaceAuditReport (Join-Path $folder 'sample.json'), (Join-Path $folder '*.json') | Should -HaveCount 94
        (Import-MarketplaceAuditReport (Join-Path $folder '*.json')).AccountId | Select-Object -Unique | Should -Be '111122223333', '222233334444'
    }

    It 'takes a run given in two files once' {
        $copy = Join-Path $TestDrive 'copy-of-sample.json'
        Copy-Item $Report $copy

        Import-MarketplaceAuditReport $Report, $copy -Verbose 4>&1 | ForEach-Object {
            if ($_ -is [System.Management.Automation.VerboseRecord]) { $verbose = $_.Message } else { $_ }
        } | Should -HaveCount 47
        $verbose | Should -Be 'Read 2 report(s): 1 audit run(s), 47 finding(s); 1 run(s) given twice (the same run id) were taken once.'
    }

    It 'refuses <Case> with <Id> naming the file and where, and still reads the other files' -ForEach @(
        @{ Case = 'a file that is not JSON'; Id = 'ReportInvalid'; Content = 'not json'; Where = '$: not valid JSON (line 1)' }
        @{ Case = 'a truncated report'; Id = 'ReportInvalid'; Cut = 2000; Where = ': the file ends before its JSON does' }
        @{ Case = 'a finding with an unknown rule id'; Id = 'ReportInvalid'; Replace = '"ruleId": "MG2005"', '"ruleId": "MG9005"'; Where = '.ruleId: "MG9005" is not a rule id this module knows' }
        @{ Case = 'a report with a finding cut out'; Id = 'ReportInvalid'; Replace = '"findings": 47,', '"findings": 48,'; Where = '$.audits[0].summary.findings: says 48 findings, but 47 are listed' }
        @{ Case = 'an authorization snapshot'; Id = 'NotMarketplaceGuardReport'; Content = '{ "UserDetailList": [] }'; Where = '$.tool: is not "MarketplaceGuard"' }
        @{ Case = 'a report of another format version'; Id = 'ReportVersionUnsupported'; Replace = '"formatVersion": 2', '"formatVersion": 7'; Where = '$.formatVersion: is 7; this module reads report format 2' }
    ) {
        $bad = Join-Path $TestDrive 'bad.json'
        $text = Get-Content $Report -Raw
        if ($Content) { $text = $Content }
        if ($Cut) { $text = $text.Substring(0, $Cut) }
        if ($Replace) {
            # The last occurrence: the file is bad only after a run and findings that are valid.
            $at = $text.LastIndexOf($Replace[0])
            $at | Should -BeGreaterThan 0
            $text = $text.Substring(0, $at) + $Replace[1] + $text.Substring($at + $Replace[0].Length)
        }
        Set-Content -LiteralPath $bad -Value $text -NoNewline

        $read = Import-MarketplaceAuditReport $bad, $DevReport -ErrorVariable errors -ErrorAction SilentlyContinue

        # Nothing of the bad file, everything of the other.
        $read | Should -HaveCount 47
        $read.AccountId | Select-Object -Unique | Should -Be '222233334444'
        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $errors[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $errors[0].TargetObject | Should -Be $bad
        $errors[0].Exception.Message | Should -BeLike "$($bad): *"
        $errors[0].Exception.Message.Contains($Where) | Should -BeTrue -Because $errors[0].Exception.Message
        $errors[0].Exception.Message | Should -BeLike '*Nothing of the file was read.'
    }

    It 'reports a missing file, a folder and a wildcard that matches nothing as FileNotFound, and reads the rest' {
        $paths = (Join-Path $TestDrive 'missing.json'), $TestDrive, (Join-Path $TestDrive 'nothing-*.json'), $Report
        $read = Import-MarketplaceAuditReport $paths -ErrorVariable errors -ErrorAction SilentlyContinue

        $read | Should -HaveCount 47
        $errors | Should -HaveCount 3
        $errors | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'FileNotFound,*' }
        $errors.TargetObject | Should -Be $paths[0..2]
        $errors[1].Exception.Message | Should -BeLike '*is a directory; give the report files*'
        $errors[2].Exception.Message | Should -BeLike '*matches no file.'
    }

    It 'returns nothing when a bad file stops it (-ErrorAction Stop)' {
        $bad = Join-Path $TestDrive 'stop.json'
        'not json' | Set-Content $bad
        $out = [System.Collections.Generic.List[object]]::new()
        { Import-MarketplaceAuditReport $Report, $bad -ErrorAction Stop | ForEach-Object { $out.Add($_) } } | Should -Throw -ErrorId 'ReportInvalid,*'
        $out | Should -HaveCount 0
    }
}

Describe 'Organization audits read back' {
    BeforeAll {
        $script:OrgArgs = @{
            OrganizationSnapshotPath = Join-Path $RepoRoot 'examples/organization'
            ProcurementPrincipal     = 'Procurement'
            ViewerPrincipal          = 'Billing'
            LauncherPrincipal        = 'AmiOperators', 'cfn-deployer'
            GovernancePrincipal      = 'DistributionAdmins'
            SuppressionPath          = Join-Path $RepoRoot 'examples/suppressions.json'
            WarningAction            = 'SilentlyContinue'
        }
    }

    It 'joins shards audited by separate runs into the report of one run over all their accounts' {
        $shards = New-Item -ItemType Directory (Join-Path $TestDrive 'org-shards')
        $null = Test-MarketplaceLeastPrivilege @OrgArgs -AccountId 111122223333, 222233334444 -ReportPath (Join-Path $shards 'shard-1.json')
        $null = Test-MarketplaceLeastPrivilege @OrgArgs -AccountId 444455556666 -ReportPath (Join-Path $shards 'shard-2.json')
        $whole = Join-Path $TestDrive 'org-whole.json'
        $null = Test-MarketplaceLeastPrivilege @OrgArgs -AccountId 111122223333, 222233334444, 444455556666 -ReportPath $whole

        $merged = Join-Path $TestDrive 'org-merged.json'
        Import-MarketplaceAuditReport (Join-Path $shards '*.json') | Export-MarketplaceAuditReport -Format Json -Path $merged

        # The shards and the whole are separate audits: each run has its own id and start time, and each report the
        # time it was written. Nothing else may differ.
        $normalize = { param($path) (Get-Content $path -Raw) -replace '"(generatedAt|runId|startedAt)": "[^"]+"', '"$1": ""' }
        & $normalize $merged | Should -BeExactly (& $normalize $whole)
        $summary = (Get-Content $merged -Raw | ConvertFrom-Json).summary
        $summary.accountsAudited | Should -Be 3
        $summary.accounts.accountId | Should -Be '111122223333', '222233334444', '444455556666'
    }

    It 'writes the report of an organization run again from what it read, but for the time' {
        $report = Join-Path $TestDrive 'org.json'
        $null = Test-MarketplaceLeastPrivilege @OrgArgs -ReportPath $report
        $again = Join-Path $TestDrive 'org-again.json'

        Import-MarketplaceAuditReport $report | Export-MarketplaceAuditReport -Format Json -Path $again

        Get-ReportText $again | Should -BeExactly (Get-ReportText $report)
    }

    It 'returns the organization audit with -PassThru, as the audit does, and Export-MarketplaceAuditReport reports it whole' {
        $report = Join-Path $TestDrive 'org-passthru.json'
        $null = Test-MarketplaceLeastPrivilege @OrgArgs -ReportPath $report

        $scope = Import-MarketplaceAuditReport $report -PassThru
        $scope.GetType().FullName | Should -Be 'MarketplaceGuard.Engine.Organizations.OrganizationScope'
        $scope.OrganizationId | Should -Be 'o-ex12sample'
        $scope.Runs.AccountName | Should -Be 'management', 'sandbox', 'workloads'

        $fromAudit = Join-Path $TestDrive 'org-from-audit.json'
        Test-MarketplaceLeastPrivilege @OrgArgs -PassThru | Export-MarketplaceAuditReport -Format Json -Path $fromAudit
        (Get-Content $fromAudit -Raw | ConvertFrom-Json).summary.accounts.accountId | Should -Be '111122223333', '222233334444', '444455556666'
    }

    It 'keeps an account that was not audited in the report read back, which then does not pass' {
        $report = Join-Path $TestDrive 'org-suspended.json'
        $null = Test-MarketplaceLeastPrivilege @OrgArgs -AccountId 444455556666, 555566667777 -ReportPath $report -ErrorAction SilentlyContinue
        $junit = Join-Path $TestDrive 'org-suspended.xml'

        Import-MarketplaceAuditReport $report | Export-MarketplaceAuditReport -Format JUnit -Path $junit

        $summary = (Get-Content $report -Raw | ConvertFrom-Json).summary
        $summary.passed | Should -BeFalse
        $summary.verdict | Should -BeLike 'Not passed: 1 account not audited (* (555566667777)), * findings to fix'
        $xml = [xml](Get-Content $junit -Raw)
        $xml.testsuites.errors | Should -Be '1'
        $notAudited = $xml.testsuites.testsuite[0].testcase | Where-Object { $_.error }
        $notAudited.name | Should -BeLike '*(555566667777)'
        $notAudited.error.type | Should -Be 'AccountNotAudited'
    }

    It 'refuses an organization audit that went through serialization, saying how to move one' {
        $xml = Join-Path $TestDrive 'scope.xml'
        Test-MarketplaceLeastPrivilege @OrgArgs -PassThru | Export-Clixml $xml
        $path = Join-Path $TestDrive 'scope.json'
        $thrown = $null
        try { Import-Clixml $xml | Export-MarketplaceAuditReport -Format Json -Path $path -ErrorVariable errors -ErrorAction SilentlyContinue } catch { $thrown = $_ }
        $thrown.FullyQualifiedErrorId | Should -BeLike 'ReportHasNoAudit,*'
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'InputNotAFinding,*'
        $errors[0].Exception.Message | Should -BeLike '*organization audit cannot be rebuilt*Import-MarketplaceAuditReport*'
    }
}
