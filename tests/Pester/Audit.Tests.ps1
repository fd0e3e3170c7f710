BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Import-Module $ManifestPath -Force
    $script:Sample = Join-Path $RepoRoot 'examples/sample-account.json'
    $script:Suppressions = Join-Path $RepoRoot 'examples/suppressions.json'
    $script:AuditArgs = @{
        AuthorizationDetailsPath = $Sample
        ProcurementPrincipal     = 'Procurement'
        ViewerPrincipal          = 'Billing'
        SuppressionPath          = $Suppressions
        LauncherPrincipal        = 'AmiOperators', 'cfn-deployer'
        GovernancePrincipal      = 'DistributionAdmins'
    }

    # A small account where everything follows the article: procurement buys, billing views, everyone else is denied
    # the Marketplace (Rule 1), paid AMIs (Rule 2) and distribution (Rule 3): nobody launches paid AMIs nor administers
    # distribution, so no -LauncherPrincipal nor -GovernancePrincipal is needed.
    # Billing holds the Current edition's view: the article's denies Subscribe, not the Agreement API's purchase.
    $script:CleanAccount = Join-Path $TestDrive 'clean.json'
    $procurement = (Get-MarketplacePolicyTemplate Procurement -Edition Current).Document
    $viewer = (Get-MarketplacePolicyTemplate BillingViewer -Edition Current).Document
    $script:ArticleViewer = (Get-MarketplacePolicyTemplate BillingViewer).Document
    $deny = (Get-MarketplacePolicyTemplate DenyMarketplace).Document
    $denyLaunch = (Get-MarketplacePolicyTemplate DenyPaidAmiLaunch).Document
    $denyReplication = (Get-MarketplacePolicyTemplate DenyPaidAmiReplication).Document
    $denyDistribution = (Get-MarketplacePolicyTemplate DenyMarketplaceDistribution).Document
    @"
{
  "UserDetailList": [
    {"UserName": "pat", "Arn": "arn:aws:iam::111122223333:user/pat", "GroupList": ["Procurement"]},
    {"UserName": "bill", "Arn": "arn:aws:iam::111122223333:user/bill", "GroupList": ["Billing"]},
    {"UserName": "dev", "Arn": "arn:aws:iam::111122223333:user/dev", "GroupList": ["Everyone"], "AttachedManagedPolicies": [{"PolicyName": "PowerUserAccess", "PolicyArn": "arn:aws:iam::aws:policy/PowerUserAccess"}]}
  ],
  "GroupDetailList": [
    {"GroupName": "Procurement", "Arn": "arn:aws:iam::111122223333:group/Procurement", "GroupPolicyList": [{"PolicyName": "buy", "PolicyDocument": $procurement}]},
    {"GroupName": "Billing", "Arn": "arn:aws:iam::111122223333:group/Billing", "GroupPolicyList": [{"PolicyName": "view", "PolicyDocument": $viewer}]},
    {"GroupName": "Everyone", "Arn": "arn:aws:iam::111122223333:group/Everyone", "GroupPolicyList": [{"PolicyName": "deny", "PolicyDocument": $deny}, {"PolicyName": "deny-paid-ami-launch", "PolicyDocument": $denyLaunch}, {"PolicyName": "deny-paid-ami-replication", "PolicyDocument": $denyReplication}, {"PolicyName": "deny-distribution", "PolicyDocument": $denyDistribution}]}
  ],
  "RoleDetailList": [],
  "Policies": []
}
"@ | Set-Content $CleanAccount
}

Describe 'Get-MarketplaceAccess' {
    It 'returns one entry per principal and capability' {
        $entries = Get-MarketplaceAccess -AuthorizationDetailsPath $Sample
        $entries.Count | Should -Be (24 * 10) # 17 users and 7 roles, 10 capabilities
        ($entries | Select-Object -ExpandProperty PrincipalName -Unique).Count | Should -Be 24
    }

    It 'explains a decision with the policy, statement and group' {
        $entry = Get-MarketplaceAccess -AuthorizationDetailsPath $Sample -Principal dave -Capability Procure
        $entry.Decision | Should -Be 'Allowed'
        $entry.PrincipalType | Should -Be 'User'
        $entry.PrincipalArn | Should -Be 'arn:aws:iam::111122223333:user/dave'
        $entry.Evidence[0].PolicyName | Should -Be 'PowerUserAccess'
        $entry.Evidence[0].Via | Should -Be 'group Developers'
    }

    It 'names the conditions of a conditional decision' {
        $entry = Get-MarketplaceAccess -AuthorizationDetailsPath $Sample -Principal MarketplaceBuyer -Capability Procure
        $entry.Decision | Should -Be 'ConditionallyAllowed'
        $entry.Conditions | Should -Be 'only if aws:MultiFactorAuthPresent is true'
    }

    It 'takes names, ARNs, wildcards and groups (meaning their members)' {
        (Get-MarketplaceAccess -AuthorizationDetailsPath $Sample -Principal Procurement -Capability Procure).PrincipalName | Should -Be 'pat', 'priya'
        (Get-MarketplaceAccess -AuthorizationDetailsPath $Sample -Principal 'arn:aws:iam::111122223333:role/ci-*' -Capability Procure).PrincipalName | Should -Be 'ci-deploy'
    }

    It 'stops with ObjectNotFound for a principal that is not in the account' {
        { Get-MarketplaceAccess -AuthorizationDetailsPath $Sample -Principal nobody -ErrorAction Stop } |
            Should -Throw -ErrorId 'PrincipalNotFound,*'
    }

    It 'rejects an unknown capability, naming the valid ones' {
        { Get-MarketplaceAccess -AuthorizationDetailsPath $Sample -Capability Buy -ErrorAction Stop } |
            Should -Throw "*'Buy' is not a capability. Valid names: Procure, Cancel, ViewSubscriptions, ManagePrivateMarketplace, LaunchPaidAmi, ReplicatePaidAmi, SharePaidAmi, DistributeLicenses, ShareThroughServiceCatalog, BedrockAutoSubscribe.*"
    }

    It 'completes capability names on Tab' {
        $line = 'Get-MarketplaceAccess -Capability Vi'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be 'ViewSubscriptions'
        $line = 'Get-MarketplaceAccess -Capability Sh'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be 'SharePaidAmi', 'ShareThroughServiceCatalog'
    }

    It 'explains a Rule 3 decision: the Bedrock role holds both the invoke and the subscription rights' {
        $entry = Get-MarketplaceAccess -AuthorizationDetailsPath $Sample -Principal ml-research -Capability BedrockAutoSubscribe
        $entry.Decision | Should -Be 'Allowed'
        $entry.CapabilityDefinition.Rule | Should -Be 3
        $entry.Evidence.PolicyName | Select-Object -Unique | Should -Be 'BedrockModels'
        (Get-MarketplaceAccess -AuthorizationDetailsPath $Sample -Principal cora -Capability ManagePrivateMarketplace).Decision | Should -Be 'ConditionallyAllowed'
    }

    It 'shows a who-can matrix grouped by principal' {
        $text = Get-MarketplaceAccess -AuthorizationDetailsPath $Sample -Principal priya, dave | Out-String -Width 200
        $text | Should -Match 'Principal: user/priya'
        $text | Should -Match 'Capability\s+Decision\s+Why'
        $text | Should -Match 'Procure\s+ExplicitDeny\s+Deny MarketplaceGuard-DenyMarketplace statement 0 \(Sid DenyAWSMarketplaceAccess\) via group Everyone'
    }

    It 'reports a missing file as ObjectNotFound and a malformed one as InvalidData naming file, JSON path and line' {
        { Get-MarketplaceAccess -AuthorizationDetailsPath (Join-Path $TestDrive 'missing.json') -ErrorAction Stop } | Should -Throw -ErrorId 'FileNotFound,*'
        $bad = Join-Path $TestDrive 'bad.json'
        "{`n  `"UserDetailList`": {}`n}" | Set-Content $bad
        $errorRecord = $null
        try { Get-MarketplaceAccess -AuthorizationDetailsPath $bad -ErrorAction Stop } catch { $errorRecord = $_ }
        $errorRecord.CategoryInfo.Category | Should -Be 'InvalidData'
        $errorRecord.Exception.Message | Should -Be "${bad}: `$.UserDetailList (line 2): must be an array"
    }

    It 'reports timings and counts with -Verbose' {
        $verbose = Get-MarketplaceAccess -AuthorizationDetailsPath $Sample -Principal pat -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        $text = $verbose.Message -join "`n"
        $text | Should -Match '17 users, 8 groups, 7 roles, 10 managed policies in \d+ ms'
        $text | Should -Match 'distinct policy documents compiled in \d+ ms'
    }
}

Describe 'Test-MarketplaceLeastPrivilege' {
    It 'returns every finding of the sample account, suppressed ones marked' {
        $findings = Test-MarketplaceLeastPrivilege @AuditArgs -WarningAction SilentlyContinue
        $findings.Count | Should -Be 47
        @($findings | Where-Object Suppressed).Count | Should -Be 1
        ($findings | Where-Object Suppressed).PrincipalName | Should -Be 'ci-deploy'
        ($findings | Where-Object RuleId -EQ 'MG1003').PrincipalName | Should -Be 'priya'
        ($findings | Where-Object { $_.RuleId -eq 'MG1001' -and $_.PrincipalName -eq 'MarketplaceBuyer' }).Severity | Should -Be 'Medium'
    }

    It 'gives each finding a reason, a recommendation and a location in the snapshot' {
        $finding = Test-MarketplaceLeastPrivilege @AuditArgs -WarningAction SilentlyContinue | Where-Object { $_.RuleId -eq 'MG1001' -and $_.PrincipalName -eq 'sam' }
        $finding.Reason | Should -BeLike 'user/sam is not authorized to procure but can always procure (Allow LegacyMarketplaceAccess statement 0 (Sid LegacyMarketplace))'
        $finding.Recommendation | Should -Be "Revoke-MarketplaceAccess -UserName 'sam' -Rule 1"
        $finding.SourceFile | Should -Be $Sample
        $finding.JsonPath | Should -Be '$.UserDetailList[7]'
        $finding.Line | Should -BeGreaterThan 1
    }

    It 'warns about an expired suppression, which no longer applies' {
        $null = Test-MarketplaceLeastPrivilege @AuditArgs -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings | Should -HaveCount 1
        $warnings[0].Message | Should -Be 'The suppression of MG1001 for role/MarketplaceBuyer expired on 2026-09-30 and no longer applies (Pilot of MFA-gated buying, ended).'
    }

    It 'returns $false with -Quiet when findings remain, $true for an account that follows the rules' {
        Test-MarketplaceLeastPrivilege @AuditArgs -Quiet -WarningAction SilentlyContinue | Should -BeFalse
        Test-MarketplaceLeastPrivilege -AuthorizationDetailsPath $CleanAccount -ProcurementPrincipal Procurement -ViewerPrincipal Billing -Quiet | Should -BeTrue
        Test-MarketplaceLeastPrivilege -AuthorizationDetailsPath $CleanAccount -ProcurementPrincipal Procurement -ViewerPrincipal Billing | Should -BeNullOrEmpty
    }

    It 'reports the article''s billing view as only implicitly denying the Agreement API, fixed by the Current edition' {
        $article = Join-Path $TestDrive 'article-viewer.json'
        (Get-Content $CleanAccount -Raw).Replace((Get-MarketplacePolicyTemplate BillingViewer -Edition Current).Document, $ArticleViewer) | Set-Content $article
        $finding = Test-MarketplaceLeastPrivilege -AuthorizationDetailsPath $article -ProcurementPrincipal Procurement -ViewerPrincipal Billing
        $finding.RuleId | Should -Be 'MG1005'
        $finding.Principal | Should -Be 'user/bill'
        $finding.Reason | Should -BeLike '*no explicit deny protects aws-marketplace:CreateAgreementRequest, aws-marketplace:AcceptAgreementRequest'
        $finding.Recommendation | Should -Be "Grant-MarketplaceProcurement -UserName 'bill' -AccessLevel Viewer -Edition Current"
    }

    It 'stops with ObjectNotFound when -ProcurementPrincipal names nothing (a typo must not pass an audit)' {
        { Test-MarketplaceLeastPrivilege -AuthorizationDetailsPath $Sample -ProcurementPrincipal Procurment -ErrorAction Stop } |
            Should -Throw "*-ProcurementPrincipal: 'Procurment' (did you mean group/Procurement?) names no user, group or role*" -ErrorId 'PrincipalNotFound,*'
    }

    It 'gives the process back its garbage collector mode after an audit, passed or stopped' {
        [System.Runtime.GCSettings]::LatencyMode | Should -Be 'Interactive'
        # Batch mode (no background collections) while an account is evaluated: Get-MarketplaceAccess evaluates as it
        # writes its entries; Select-Object -First stops its pipeline early.
        Get-MarketplaceAccess -AuthorizationDetailsPath $Sample | ForEach-Object { [System.Runtime.GCSettings]::LatencyMode } | Select-Object -First 1 | Should -Be 'Batch'
        [System.Runtime.GCSettings]::LatencyMode | Should -Be 'Interactive'
        # The audit's findings go down the pipeline after the audit has given the mode back.
        Test-MarketplaceLeastPrivilege @AuditArgs | ForEach-Object { [System.Runtime.GCSettings]::LatencyMode } | Select-Object -First 1 | Should -Be 'Interactive'
        { Test-MarketplaceLeastPrivilege -AuthorizationDetailsPath $Sample -ProcurementPrincipal Procurment -ErrorAction Stop } | Should -Throw
        [System.Runtime.GCSettings]::LatencyMode | Should -Be 'Interactive'
    }

    It 'holds collections off while it audits a large snapshot file, and gives the collector back before the results' {
        # The region is sized from the file: the sample padded with whitespace gets one, and audits the same. 100 MB of
        # padding: the region (five times the file) is skipped when the process keeps more than a quarter of it, and this
        # process keeps Pester's and the other tests' objects too (a padded string here kept 120 MB).
        $padded = Join-Path $TestDrive 'padded-account.json'
        [IO.File]::Copy($Sample, $padded)
        $stream = [IO.File]::Open($padded, 'Append')
        try {
            $spaces = [byte[]]::new(1MB)
            [Array]::Fill($spaces, [byte]32)
            foreach ($i in 1..100) { $stream.Write($spaces, 0, $spaces.Length) }
        }
        finally { $stream.Dispose() }
        $expected = Test-MarketplaceLeastPrivilege @AuditArgs -WarningAction SilentlyContinue -Quiet

        [GC]::Collect()
        $verbose = Test-MarketplaceLeastPrivilege @AuditArgs -WarningAction SilentlyContinue -AuthorizationDetailsPath $padded -Quiet -Verbose 4>&1
        $verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'No garbage collection while the audit allocates up to 50? MB*' } | Should -HaveCount 1
        $verbose | Where-Object { $_ -is [bool] } | Should -Be $expected
        [System.Runtime.GCSettings]::LatencyMode | Should -Be 'Interactive'

        Test-MarketplaceLeastPrivilege @AuditArgs -WarningAction SilentlyContinue -AuthorizationDetailsPath $padded | ForEach-Object { [System.Runtime.GCSettings]::LatencyMode } | Select-Object -First 1 | Should -Be 'Interactive'
        # Get-MarketplaceAccess writes each entry as it is evaluated, inside the region, and ends it when its pipeline ends.
        [GC]::Collect()
        Get-MarketplaceAccess -AuthorizationDetailsPath $padded | ForEach-Object { [System.Runtime.GCSettings]::LatencyMode } | Select-Object -First 1 | Should -Be 'NoGCRegion'
        [System.Runtime.GCSettings]::LatencyMode | Should -Be 'Interactive'
        # The sample itself is small: no region, no collection first.
        Test-MarketplaceLeastPrivilege @AuditArgs -WarningAction SilentlyContinue -Quiet -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'No garbage collection*' } | Should -BeNullOrEmpty
    }

    It 'stops when -GovernancePrincipal is <Case>, naming it' -TestCases @(
        @{ Case = 'a typo'; Value = 'DistributionAdmin'; Id = 'PrincipalNotFound'; Message = "*-GovernancePrincipal: 'DistributionAdmin' (did you mean group/DistributionAdmins?) names no user, group or role*" }
        @{ Case = 'empty'; Value = ''; Id = 'ParameterArgumentValidationError'; Message = "*'GovernancePrincipal'*" }
        @{ Case = 'of the wrong type'; Value = [datetime]::new(2026, 1, 1); Id = 'PrincipalInvalid'; Message = "*-GovernancePrincipal: '*2026*'*" }
        @{ Case = 'huge'; Value = 'x' * 100000; Id = 'PrincipalNotFound'; Message = "*-GovernancePrincipal: 'xxx*' (100,000 characters) names no user, group or role*" }
    ) {
        try { Test-MarketplaceLeastPrivilege -AuthorizationDetailsPath $Sample -ProcurementPrincipal Procurement -GovernancePrincipal $Value -ErrorAction Stop } catch { $failed = $_ }
        $failed.FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $failed.Exception.Message | Should -BeLike $Message
    }

    It 'exempts the governance principals from MG3001 and MG3002 and checks them for MG3004' {
        $without = Test-MarketplaceLeastPrivilege -AuthorizationDetailsPath $Sample -ProcurementPrincipal Procurement -WarningAction SilentlyContinue
        ($without | Where-Object PrincipalName -EQ 'gwen').RuleId | Should -Be 'MG3001', 'MG3002'
        $with = Test-MarketplaceLeastPrivilege -AuthorizationDetailsPath $Sample -ProcurementPrincipal Procurement -GovernancePrincipal group/DistributionAdmins -WarningAction SilentlyContinue
        $with | Where-Object PrincipalName -EQ 'gwen' | Should -BeNullOrEmpty
        ($with | Where-Object RuleId -EQ 'MG3004').Principal | Should -Be 'user/gary'
    }

    It 'refuses a report path that is one of the audit''s inputs, and a directory given as a snapshot' {
        Copy-Item $Sample (Join-Path $TestDrive 'account.json')
        $before = Get-FileHash (Join-Path $TestDrive 'account.json')
        { Test-MarketplaceLeastPrivilege -AuthorizationDetailsPath (Join-Path $TestDrive 'account.json') -ProcurementPrincipal Procurement -ReportPath (Join-Path $TestDrive 'account.json') -ReportFormat Json -ErrorAction Stop } |
            Should -Throw -ErrorId 'OutputPathInvalid,*'
        (Get-FileHash (Join-Path $TestDrive 'account.json')).Hash | Should -Be $before.Hash
        { Test-MarketplaceLeastPrivilege -AuthorizationDetailsPath $TestDrive -ProcurementPrincipal Procurement -ErrorAction Stop } | Should -Throw '*is a directory; give the file.'
    }

    It 'refuses a region that is not a region code and an endpoint URL that carries a password, without echoing it' {
        { Test-MarketplaceLeastPrivilege -ProcurementPrincipal P -Region 'not a region!!' -AccessKey AKIAREGION0000000000 -SecretKey s -ErrorAction Stop } | Should -Throw "*'not a region!!' is not an AWS region code*"
        foreach ($url in 'http://user:SUPERSECRET@127.0.0.1:1/', 'http://127.0.0.1:1/?X-Amz-Security-Token=SUPERSECRET') {
            $failure = try { Test-MarketplaceLeastPrivilege -ProcurementPrincipal P -AccessKey AKIAREGION0000000000 -SecretKey s -EndpointUrl $url -ErrorAction Stop } catch { $_ }
            $failure.FullyQualifiedErrorId | Should -BeLike 'CredentialsUnresolved,*'
            "$failure" | Should -Not -BeLike '*SUPERSECRET*'
        }
    }

    It 'resolves -ProcurementPrincipal and -ViewerPrincipal as type/name, ARNs, wildcards and objects, like the change cmdlets' {
        $byName = Test-MarketplaceLeastPrivilege -AuthorizationDetailsPath $Sample -ProcurementPrincipal Procurement -ViewerPrincipal Billing
        $other = Test-MarketplaceLeastPrivilege -AuthorizationDetailsPath $Sample -ProcurementPrincipal 'group/procurement' -ViewerPrincipal ([pscustomobject]@{ GroupName = 'Billing'; Arn = 'arn:aws:iam::111122223333:group/Billing' })
        ($other | ForEach-Object { "$($_.RuleId) $($_.PrincipalName)" }) | Should -Be ($byName | ForEach-Object { "$($_.RuleId) $($_.PrincipalName)" })
        { Test-MarketplaceLeastPrivilege -AuthorizationDetailsPath $Sample -ProcurementPrincipal 'arn:aws:iam::999999999999:group/Procurement' -ErrorAction Stop } | Should -Throw -ErrorId 'PrincipalInvalid,*'
        { Test-MarketplaceLeastPrivilege -AuthorizationDetailsPath $Sample -ProcurementPrincipal ([pscustomobject]@{ Name = 'x' }) -ErrorAction Stop } | Should -Throw '*has no GroupName, UserName, RoleName, PrincipalArn, Arn or Principal property (it has Name)*'
        { Get-MarketplaceAccess -AuthorizationDetailsPath $Sample -Principal 'role/pat' -ErrorAction Stop } | Should -Throw -ErrorId 'PrincipalNotFound,*'
    }

    It 'rejects a suppression file without justification, naming the file and JSON path' {
        $file = Join-Path $TestDrive 'suppressions.json'
        '[{"ruleId":"MG1005","principal":"*","expires":"2027-01-01"}]' | Set-Content $file
        $errorRecord = $null
        try { Test-MarketplaceLeastPrivilege @AuditArgs -SuppressionPath $file -ErrorAction Stop } catch { $errorRecord = $_ }
        $errorRecord.CategoryInfo.Category | Should -Be 'InvalidData'
        $errorRecord.Exception.Message | Should -Be "${file}: `$[0].justification: required: a non-empty string"
    }

    It 'writes a report of the whole audit with -ReportPath, the format from the extension' {
        $report = Join-Path $TestDrive 'audit.json'
        $null = Test-MarketplaceLeastPrivilege @AuditArgs -ReportPath $report -WarningAction SilentlyContinue
        $json = Get-Content $report -Raw | ConvertFrom-Json
        $json.audits[0].findings.Count | Should -Be 47
        $json.audits[0].matrix.Count | Should -Be (24 * 10)
    }

    It 'shows findings as a table of rule, severity, principal, suppression and fix' {
        $text = Test-MarketplaceLeastPrivilege @AuditArgs -WarningAction SilentlyContinue | Out-String -Width 200
        $text | Should -Match 'RuleId\s+Severity\s+Principal\s+Suppressed\s+Recommendation'
        $text | Should -Match "MG1003\s+High\s+user/priya\s+False\s+Remove-IAMUserFromGroup -GroupName 'Everyone' -UserName 'priya'"
        $text | Should -Match "MG1005\s+Low\s+role/ci-deploy\s+True"
    }

    It 'writes a report even when nothing is found' {
        $report = Join-Path $TestDrive 'clean.html'
        Test-MarketplaceLeastPrivilege -AuthorizationDetailsPath $CleanAccount -ProcurementPrincipal Procurement -ViewerPrincipal Billing -Quiet -ReportPath $report | Should -BeTrue
        Get-Content $report -Raw | Should -Match 'user/dev'
    }
}

Describe 'Export-MarketplaceAuditReport' {
    BeforeAll {
        $script:Findings = Test-MarketplaceLeastPrivilege @AuditArgs -WarningAction SilentlyContinue
    }

    It 'writes <Format>' -ForEach @(
        @{ Format = 'Json'; File = 'r.json' }
        @{ Format = 'Sarif'; File = 'r.sarif' }
        @{ Format = 'JUnit'; File = 'r.xml' }
        @{ Format = 'Markdown'; File = 'r.md' }
        @{ Format = 'Html'; File = 'r.html' }
    ) {
        $path = Join-Path $TestDrive $File
        $file = $Findings | Export-MarketplaceAuditReport -Format $Format -Path $path -PassThru
        $file.FullName | Should -Be $path
        $text = Get-Content $path -Raw
        switch ($Format) {
            'Json' { ($text | ConvertFrom-Json).audits[0].findings.Count | Should -Be 47 }
            'Sarif' {
                $sarif = $text | ConvertFrom-Json
                $sarif.version | Should -Be '2.1.0'
                $sarif.runs[0].tool.driver.rules.Count | Should -Be 16
                $sarif.runs[0].results.Count | Should -Be 47
            }
            'JUnit' {
                $xml = [xml]$text
                [int]$xml.testsuites.testsuite.tests | Should -Be (16 * 24) # 16 rules, 24 principals
                [int]$xml.testsuites.testsuite.failures | Should -BeGreaterThan 0
                [int]$xml.testsuites.testsuite.skipped | Should -Be 1
            }
            'Markdown' { $text | Should -Match 'MG1003' }
            'Html' { $text | Should -Match '<html' ; $text | Should -Match 'priya' }
        }
    }

    It 'writes nothing with -WhatIf' {
        $path = Join-Path $TestDrive 'whatif.json'
        $Findings | Export-MarketplaceAuditReport -Format Json -Path $path -WhatIf
        $path | Should -Not -Exist
    }

    It 'rejects pipeline objects that are not findings, and then writes no report' {
        $path = Join-Path $TestDrive 'wrong.json'
        $thrown = $null
        try { 'not a finding' | Export-MarketplaceAuditReport -Format Json -Path $path -ErrorVariable errors -ErrorAction SilentlyContinue } catch { $thrown = $_ }
        $thrown.FullyQualifiedErrorId | Should -BeLike 'ReportHasNoAudit,*'
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'InputNotAFinding,*'
        $path | Should -Not -Exist
    }

    It 'writes no "passed" report from an empty pipeline, and leaves the previous report as it was' {
        $path = Join-Path $TestDrive 'previous.json'
        'previous report' | Set-Content $path
        $errorRecord = $null
        try { @() | Export-MarketplaceAuditReport -Format Json -Path $path } catch { $errorRecord = $_ }
        $errorRecord.FullyQualifiedErrorId | Should -BeLike 'ReportHasNoAudit,*'
        $errorRecord.CategoryInfo.Category | Should -Be 'InvalidData'
        $errorRecord.TargetObject | Should -Be $path
        Get-Content $path | Should -Be 'previous report'
        Get-ChildItem $TestDrive -Filter '*.partial' | Should -BeNullOrEmpty
    }

    It 'refuses findings reshaped by Select-Object, with a hint' {
        $path = Join-Path $TestDrive 'selected.json'
        $thrown = $null
        try { $Findings | Select-Object RuleId, Principal, Recommendation | Export-MarketplaceAuditReport -Format Json -Path $path -ErrorVariable errors -ErrorAction SilentlyContinue } catch { $thrown = $_ }
        $thrown.FullyQualifiedErrorId | Should -BeLike 'ReportHasNoAudit,*'
        $errors | Where-Object { $_.FullyQualifiedErrorId -like 'InputNotAFinding,*' } | Should -HaveCount 47
        $errors[0].Exception.Message | Should -BeLike '*Select-Object makes a new object*'
        $path | Should -Not -Exist
    }

    It 'reports findings read back with Import-Clixml like the live ones' {
        $live = Join-Path $TestDrive 'live.json'
        $Findings | Export-MarketplaceAuditReport -Format Json -Path $live
        $xml = Join-Path $TestDrive 'findings.xml'
        $Findings | Export-Clixml $xml
        $restored = Import-Clixml $xml
        $restored[0].pstypenames | Should -Contain 'Deserialized.MarketplaceGuard.Engine.Audit.Finding'
        $path = Join-Path $TestDrive 'restored.json'
        $restored | Export-MarketplaceAuditReport -Format Json -Path $path
        $a = (Get-Content $live -Raw | ConvertFrom-Json).audits[0]
        $b = (Get-Content $path -Raw | ConvertFrom-Json).audits[0]
        $b.accountId | Should -Be '111122223333'
        $b.suppressionFile | Should -Be $Suppressions
        $b.launcherPrincipals.declared | Should -Be 'AmiOperators', 'cfn-deployer'
        ($b.launcherPrincipals | ConvertTo-Json -Compress) | Should -Be ($a.launcherPrincipals | ConvertTo-Json -Compress)
        $b.governancePrincipals.declared | Should -Be 'DistributionAdmins'
        ($b.governancePrincipals | ConvertTo-Json -Compress) | Should -Be ($a.governancePrincipals | ConvertTo-Json -Compress)
        ($b.summary | ConvertTo-Json -Compress) | Should -Be ($a.summary | ConvertTo-Json -Compress)
        ($b.findings | ConvertTo-Json -Depth 5 -Compress) | Should -Be ($a.findings | ConvertTo-Json -Depth 5 -Compress)
        ($b.fixPlan | ConvertTo-Json -Depth 5 -Compress) | Should -Be ($a.fixPlan | ConvertTo-Json -Depth 5 -Compress)
        $b.expiredSuppressions[0].expires | Should -Be '2026-09-30'
    }

    It 'keeps the account name, OU path and SCP assessment of findings read back with Import-Clixml, not their organization' {
        $run = Test-MarketplaceLeastPrivilege @AuditArgs -PassThru -WarningAction SilentlyContinue
        $engine = $run.GetType().Assembly
        $scope = [Activator]::CreateInstance($engine.GetType('MarketplaceGuard.Engine.Organizations.OrganizationScope'), @('o-a1b2c3d4e5', $null, $true, $null, 1))
        $assessment = [Activator]::CreateInstance($engine.GetType('MarketplaceGuard.Engine.Organizations.ServiceControlPolicyAssessment'), @($true, 'applied: root r-a1b2', [string[]] @('DenyMarketplace (root r-a1b2)')))
        $run.SetOrganizationContext('prod', 'Root / Prod', $scope, $assessment)
        $xml = Join-Path $TestDrive 'organization-findings.xml'
        $run.Findings | Export-Clixml $xml
        $path = Join-Path $TestDrive 'organization-findings.json'
        Import-Clixml $xml | Export-MarketplaceAuditReport -Format Json -Path $path
        $report = Get-Content $path -Raw | ConvertFrom-Json
        $report.audits[0].accountName | Should -Be 'prod'
        $report.audits[0].organizationPath | Should -Be 'Root / Prod'
        $report.audits[0].serviceControlPolicies.considered | Should -BeTrue
        $report.audits[0].serviceControlPolicies.relevant | Should -Be 'DenyMarketplace (root r-a1b2)'
        $report.audits[0].findings[0].accountName | Should -Be 'prod'
        $report.organization | Should -BeNullOrEmpty
    }

    It 'reports findings that come back from a job' {
        $job = Start-Job -ScriptBlock {
            param($manifest, $audit)
            Import-Module $manifest
            Test-MarketplaceLeastPrivilege @audit -WarningAction SilentlyContinue
        } -ArgumentList $ManifestPath, $AuditArgs
        $fromJob = $job | Receive-Job -Wait -AutoRemoveJob
        $path = Join-Path $TestDrive 'job.json'
        $fromJob | Export-MarketplaceAuditReport -Format Json -Path $path
        $report = (Get-Content $path -Raw | ConvertFrom-Json).audits[0]
        $report.summary.findings | Should -Be 47
        $report.summary.principals | Should -Be 24
        $report.procurementPrincipals.declared | Should -Be 'Procurement'
        $report.launcherPrincipals.declared | Should -Be 'AmiOperators', 'cfn-deployer'
    }

    It 'reports findings that went through ForEach-Object -Parallel' {
        $path = Join-Path $TestDrive 'parallel.json'
        $Findings | ForEach-Object -Parallel { $_ } -ThrottleLimit 2 | Export-MarketplaceAuditReport -Format Json -Path $path
        (Get-Content $path -Raw | ConvertFrom-Json).audits[0].summary.findings | Should -Be 47
    }

    It 'reports a clean audit as passed from its run (-PassThru), also deserialized' {
        $run = Test-MarketplaceLeastPrivilege -AuthorizationDetailsPath $CleanAccount -ProcurementPrincipal Procurement -ViewerPrincipal Billing -PassThru
        $run.Findings | Should -BeNullOrEmpty
        $xml = Join-Path $TestDrive 'run.xml'
        $run | Export-Clixml $xml
        foreach ($item in $run, (Import-Clixml $xml)) {
            $path = Join-Path $TestDrive 'clean-run.json'
            $item | Export-MarketplaceAuditReport -Format Json -Path $path
            $report = (Get-Content $path -Raw | ConvertFrom-Json).audits[0]
            $report.summary.passed | Should -BeTrue
            $report.summary.principals | Should -Be 3
        }
    }

    It 'refuses a deserialized run whose findings did not arrive (it would read as passed)' {
        $xml = Join-Path $TestDrive 'failing-run.xml'
        Test-MarketplaceLeastPrivilege @AuditArgs -PassThru -WarningAction SilentlyContinue | Export-Clixml $xml
        $path = Join-Path $TestDrive 'failing-run.json'
        $thrown = $null
        try { Import-Clixml $xml | Export-MarketplaceAuditReport -Format Json -Path $path -ErrorVariable errors -ErrorAction SilentlyContinue } catch { $thrown = $_ }
        $thrown.FullyQualifiedErrorId | Should -BeLike 'ReportHasNoAudit,*'
        $errors[0].Exception.Message | Should -BeLike '*47 of them did not arrive*'
        $path | Should -Not -Exist
    }

    It 'refuses -Quiet with -PassThru' {
        { Test-MarketplaceLeastPrivilege -AuthorizationDetailsPath $CleanAccount -ProcurementPrincipal Procurement -Quiet -PassThru } |
            Should -Throw -ErrorId 'ParameterConflict,*'
    }

    It 'checks the report path before anything else: <Case>' -ForEach @(
        @{ Case = 'a missing folder'; Relative = 'no-such-folder/report.json' }
        @{ Case = 'a directory'; Relative = '.' }
        @{ Case = 'a read-only file'; Relative = 'read-only.json'; ReadOnly = $true }
    ) {
        $path = Join-Path $TestDrive $Relative
        if ($ReadOnly) {
            'earlier report' | Set-Content $path
            (Get-Item $path).IsReadOnly = $true
        }

        $errorRecord = $null
        try { $Findings | Export-MarketplaceAuditReport -Format Json -Path $path } catch { $errorRecord = $_ }
        $errorRecord.FullyQualifiedErrorId | Should -BeLike 'OutputPathInvalid,*'
        $errorRecord.Exception | Should -Not -BeOfType [System.IO.DirectoryNotFoundException]
        $errorRecord.TargetObject | Should -Be $path

        # -ReportPath is checked before the snapshot is even read: the missing snapshot is not the error.
        $errorRecord = $null
        try { Test-MarketplaceLeastPrivilege -AuthorizationDetailsPath (Join-Path $TestDrive 'missing.json') -ProcurementPrincipal x -ReportPath $path -ReportFormat Json } catch { $errorRecord = $_ }
        $errorRecord.FullyQualifiedErrorId | Should -BeLike 'OutputPathInvalid,*'

        # The snapshot export too, before it connects (nothing listens on the endpoint).
        $errorRecord = $null
        try { Export-MarketplaceAuthorizationSnapshot -Path $path -AccessKey AKIAMARKETPLACETEST1 -SecretKey secret -EndpointUrl 'http://127.0.0.1:9' } catch { $errorRecord = $_ }
        $errorRecord.FullyQualifiedErrorId | Should -BeLike 'OutputPathInvalid,*'
        $errorRecord.TargetObject | Should -Be $path
        if ($ReadOnly) { Get-Content $path | Should -Be 'earlier report' }
    }

    It 'still returns the findings when the report cannot be written after the audit, then fails' {
        $folder = Join-Path $TestDrive 'vanishing'
        $null = New-Item -ItemType Directory $folder
        $report = Join-Path $folder 'audit.json'
        $out = [System.Collections.Generic.List[object]]::new()
        $errorRecord = $null
        try {
            # The folder disappears while the audit runs (at its first verbose line, after the path was checked).
            Test-MarketplaceLeastPrivilege @AuditArgs -ReportPath $report -Verbose -WarningAction SilentlyContinue 4>&1 | ForEach-Object {
                if ($_ -is [System.Management.Automation.VerboseRecord]) {
                    if (Test-Path $folder) { Remove-Item $folder -Recurse -Force }
                }
                else { $out.Add($_) }
            }
        }
        catch { $errorRecord = $_ }
        $out | Should -HaveCount 47
        $errorRecord.FullyQualifiedErrorId | Should -BeLike 'OutputWriteFailed,*'
        $errorRecord.TargetObject | Should -Be $report
    }

    It 'shows findings in 80 columns without cutting the recommendation' {
        $lines = ($Findings | Format-Table | Out-String -Width 80) -split "`n"
        $lines | Where-Object { $_.TrimEnd().Length -gt 80 } | Should -BeNullOrEmpty
        ($lines -join '') | Should -Not -Match '…'
        # Wrapped, not cut: every character of the longest command is there.
        ($lines -join '') -replace '\s', '' | Should -Match ([regex]::Escape("Fixthepolicythereasonnames,orexportthesnapshotwitheverypolicy(awsiamget-account-authorization-details,no--filter),thenauditagain."))
    }

    It 'gives findings Principal, PrincipalArn and Cause as text, and lists that Export-Csv writes as text' {
        $dave = $Findings | Where-Object { $_.RuleId -eq 'MG1001' -and $_.PrincipalName -eq 'dave' }
        $dave.Principal | Should -BeOfType [string]
        $dave.Principal | Should -Be 'user/dave'
        $dave.PrincipalArn | Should -Be 'arn:aws:iam::111122223333:user/dave'
        $dave.Cause | Should -Be 'group/Developers'
        $csv = $dave | ConvertTo-Csv | ConvertFrom-Csv
        $csv.Evidence | Should -Be 'Allow PowerUserAccess statement 0 via group Developers'
        $csv.Cause | Should -Be 'group/Developers'
    }
}

Describe 'Invoke-MarketplaceAudit and the Pester audit library' {
    It 'refuses, before running anything, a -Tag that is no rule id and an -OutputPath that is a folder or an input' {
        { Invoke-MarketplaceAudit -AuthorizationDetailsPath $Sample -ProcurementPrincipal Procurement -Tag MG103 -ErrorAction Stop } |
            Should -Throw -ErrorId 'RuleIdUnknown,*' -ExpectedMessage "*'MG103' is not a rule id, so no test would run. Did you mean MG1003*"
        { Invoke-MarketplaceAudit -AuthorizationDetailsPath $Sample -ProcurementPrincipal Procurement -OutputPath $TestDrive -ErrorAction Stop } | Should -Throw -ErrorId 'OutputPathInvalid,*'
        Copy-Item $Sample (Join-Path $TestDrive 'input.json')
        { Invoke-MarketplaceAudit -AuthorizationDetailsPath (Join-Path $TestDrive 'input.json') -ProcurementPrincipal Procurement -OutputPath (Join-Path $TestDrive 'input.json') -ErrorAction Stop } | Should -Throw -ErrorId 'OutputPathInvalid,*'
        (Get-Content (Join-Path $TestDrive 'input.json') -Raw) | Should -Be (Get-Content $Sample -Raw)
        $run = Test-MarketplaceLeastPrivilege -AuthorizationDetailsPath (Join-Path $TestDrive 'input.json') -ProcurementPrincipal Procurement -PassThru
        { $run | Export-MarketplaceAuditReport -Format Json -Path (Join-Path $TestDrive 'input.json') -ErrorAction Stop } | Should -Throw -ErrorId 'OutputPathInvalid,*'
        (Get-Content (Join-Path $TestDrive 'input.json') -Raw) | Should -Be (Get-Content $Sample -Raw)
    }

    It 'runs one test per rule on the snapshot and writes a result file' {
        $results = Join-Path $TestDrive 'audit-results.xml'
        $pester = Join-Path $TestToolsPath 'Pester/Pester.psd1'
        $output = Invoke-ChildPwsh -Script @"
`$ErrorActionPreference = 'Stop'
Import-Module '$pester'
Import-Module '$ManifestPath'
`$r = Invoke-MarketplaceAudit -AuthorizationDetailsPath '$Sample' -ProcurementPrincipal Procurement -ViewerPrincipal Billing -LauncherPrincipal AmiOperators, cfn-deployer -GovernancePrincipal DistributionAdmins -SuppressionPath '$Suppressions' -OutputPath '$results' -OutputFormat JUnitXml -PassThru 6> `$null
'total=' + `$r.TotalCount
'failed=' + ((`$r.Failed | ForEach-Object { `$_.Tag[0] }) -join ',')
'passed=' + ((`$r.Passed | ForEach-Object { `$_.Tag[0] }) -join ',')
"@
        $output | Should -Contain 'total=16'
        $output | Should -Contain 'failed=MG1001,MG1002,MG1003,MG1005,MG1006,MG1007,MG2001,MG2002,MG2003,MG2004,MG2005,MG3001,MG3002,MG3003,MG3004'
        $output | Should -Contain 'passed=MG1004'
        $xml = [xml](Get-Content $results -Raw)
        $xml.testsuites.testsuite.testcase.name | Should -Contain 'MarketplaceGuard least privilege.MG1003: An authorized procurement principal cannot procure'

        # The reasons reach the results whole: Pester's -Because would delete their "because ".
        $mg1005 = $xml.testsuites.testsuite.testcase | Where-Object name -like '*MG1005*'
        $mg1005.failure.message | Should -BeLike 'Expected 0, because 5 principal(s) break MG1005:*user/bill cannot procure only because nothing allows it;*, but got 5.'
    }

    It 'passes on an account that follows the rules, and filters by tag' {
        $pester = Join-Path $TestToolsPath 'Pester/Pester.psd1'
        $output = Invoke-ChildPwsh -Script @"
Import-Module '$pester'
Import-Module '$ManifestPath'
`$r = Invoke-MarketplaceAudit -AuthorizationDetailsPath '$CleanAccount' -ProcurementPrincipal Procurement -ViewerPrincipal Billing -PassThru 6> `$null
'result=' + `$r.Result + ' ' + `$r.PassedCount
`$t = Invoke-MarketplaceAudit -AuthorizationDetailsPath '$Sample' -ProcurementPrincipal Procurement -Tag MG1003 -PassThru 6> `$null
'tagged=' + `$t.PassedCount + '/' + `$t.FailedCount
"@
        $output | Should -Contain 'result=Passed 16'
        $output | Should -Contain 'tagged=0/1'
    }

    It 'checks Rule 3 against the governance principals it is given' {
        $pester = Join-Path $TestToolsPath 'Pester/Pester.psd1'
        $output = Invoke-ChildPwsh -Script @"
Import-Module '$pester'
Import-Module '$ManifestPath'
`$with = Invoke-MarketplaceAudit -AuthorizationDetailsPath '$Sample' -ProcurementPrincipal Procurement -GovernancePrincipal DistributionAdmins -Tag MG3001, MG3004 -PassThru 6> `$null
'with=' + ((`$with.Failed | ForEach-Object { `$_.Tag[0] }) -join ',')
'message=' + ((`$with.Failed | Where-Object { `$_.Tag[0] -eq 'MG3004' }).ErrorRecord[0].Exception.Message -replace '\r?\n', ' ')
`$without = Invoke-MarketplaceAudit -AuthorizationDetailsPath '$Sample' -ProcurementPrincipal Procurement -Tag MG3004 -PassThru 6> `$null
'without=' + `$without.PassedCount + '/' + `$without.FailedCount
try { Invoke-MarketplaceAudit -AuthorizationDetailsPath '$Sample' -ProcurementPrincipal Procurement -GovernancePrincipal DistributionAdmin -Tag MG3004 -PassThru 6> `$null | ForEach-Object { 'typo=' + `$_.FailedCount } } catch { 'typo-error=' + `$_ }
"@
        $output | Should -Contain 'with=MG3001,MG3004'
        ($output | Where-Object { $_ -like 'message=*' }) | Should -BeLike '*user/gary is authorized to administer distribution but can do none of it*'
        $output | Should -Contain 'without=1/0'
        # A governance principal that names nobody is never a pass: the audit reports it and the rule fails.
        $output | Should -Contain 'typo=1'
    }

    It 'has one test per rule of the audit, read from the module rather than listed in the library' {
        $library = Join-Path $RepoRoot 'module/MarketplaceGuard.Audit.Tests.ps1'
        $ast = [System.Management.Automation.Language.Parser]::ParseFile($library, [ref] $null, [ref] $null)
        $ruleIds = $ast.FindAll({ param($node) $node -is [System.Management.Automation.Language.StringConstantExpressionAst] -or $node -is [System.Management.Automation.Language.ExpandableStringExpressionAst] }, $true) |
            Where-Object Value -Match 'MG\d{4}'
        $ruleIds | Should -BeNullOrEmpty -Because 'the rule list has one source, the engine (comments may quote an id)'
        $r = Invoke-ChildPwsh -Script @"
Import-Module '$(Join-Path $TestToolsPath 'Pester/Pester.psd1')'
Import-Module '$ManifestPath'
`$r = Invoke-MarketplaceAudit -AuthorizationDetailsPath '$CleanAccount' -ProcurementPrincipal Procurement -ViewerPrincipal Billing -PassThru 6> `$null
`$r.Tests | ForEach-Object { 'test=' + `$_.Name + '|' + (`$_.Tag -join ',') }
"@
        $expected = [MarketplaceGuard.Cmdlets.Audit.AuditRuleList]::All | ForEach-Object { "test=$($_.Id): $($_.Title)|$($_.Id)" }
        $r | Where-Object { $_ -like 'test=*' } | Should -Be $expected
    }

    It 'uses the Pester imported by the caller' {
        $pester = Join-Path $TestToolsPath 'Pester/Pester.psd1'
        $output = Invoke-ChildPwsh -Script @"
Import-Module '$pester'
Import-Module '$ManifestPath'
`$null = Invoke-MarketplaceAudit -AuthorizationDetailsPath '$CleanAccount' -ProcurementPrincipal Procurement 6> `$null
'pester=' + ((Get-Module Pester -All).Path -join ',')
"@
        $output | Should -Contain "pester=$((Get-Item (Join-Path $TestToolsPath 'Pester/Pester.psm1')).FullName)"
    }

    It 'uses the Pester that ships inside the module when none is imported or installed' {
        $module = Join-Path $RepoRoot 'artifacts/module'
        $output = Invoke-ChildPwsh -Script @"
`$env:PSModulePath = Join-Path `$PSHOME 'Modules'
'installed=' + @(Get-Module Pester -ListAvailable).Count
Import-Module '$ManifestPath'
`$r = Invoke-MarketplaceAudit -AuthorizationDetailsPath '$CleanAccount' -ProcurementPrincipal Procurement -ViewerPrincipal Billing -PassThru -Verbose 4>&1 6> `$null
`$r | Where-Object { `$_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object { 'verbose=' + `$_.Message }
'result=' + (`$r | Where-Object { `$_ -isnot [System.Management.Automation.VerboseRecord] }).Result
'pester=' + ((Get-Module Pester -All).ModuleBase -join ',')
"@
        $output | Should -Contain 'installed=0'
        $output | Should -Contain 'result=Passed'
        $shipped = Join-Path $module 'Pester'
        $output | Should -Contain "pester=$shipped"
        $output | Should -Contain "verbose=Running the audit library with Pester 5.7.1 from $shipped."
        Join-Path $shipped 'LICENSE' | Should -Exist
    }

    It 'explains how to get Pester, in a designed error, when it finds none' {
        # An installed copy of the module whose Pester folder was left out.
        $copy = Join-Path $TestDrive 'modules/MarketplaceGuard'
        Copy-Item (Join-Path $RepoRoot 'artifacts/module') $copy -Recurse
        Remove-Item (Join-Path $copy 'Pester') -Recurse
        $output = Invoke-ChildPwsh -Script @"
`$env:PSModulePath = (Join-Path `$PSHOME 'Modules') + [IO.Path]::PathSeparator + '$(Split-Path $copy)'
Import-Module MarketplaceGuard
try { Invoke-MarketplaceAudit -AuthorizationDetailsPath '$CleanAccount' -ProcurementPrincipal Procurement; 'no error' }
catch { 'id=' + `$_.FullyQualifiedErrorId; 'category=' + `$_.CategoryInfo.Category; 'target=' + `$_.TargetObject; 'message=' + `$_.Exception.Message }
"@
        $output | Should -Contain 'id=PesterNotFound,Invoke-MarketplaceAudit'
        $output | Should -Contain 'category=ObjectNotFound'
        $output | Should -Contain 'target=Pester'
        $message = ($output | Where-Object { $_ -like 'message=*' }) -join ' '
        $message | Should -BeLike '*needs Pester 5 or later and found none*'
        $message | Should -BeLike "*$(Join-Path $copy 'Pester/Pester.psd1')*"
        $message | Should -BeLike '*NuGet package Pester*tools/Pester.psd1*'
    }
}
