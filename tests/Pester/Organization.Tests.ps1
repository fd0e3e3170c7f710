BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Import-Module $ManifestPath -Force
    $script:SampleOrg = Join-Path $RepoRoot 'examples/organization'
    $script:Sample = Join-Path $RepoRoot 'examples/sample-account.json'
    $script:OrgArgs = @{
        OrganizationSnapshotPath = $SampleOrg
        ProcurementPrincipal     = 'Procurement'
        ViewerPrincipal          = 'Billing'
        LauncherPrincipal        = 'AmiOperators', 'cfn-deployer'
        GovernancePrincipal      = 'DistributionAdmins'
        SuppressionPath          = Join-Path $RepoRoot 'examples/suppressions.json'
    }

    function Copy-SampleOrganization {
        <# A writable copy of the sample organization, for tests that damage it. #>
        $copy = Join-Path $TestDrive ([guid]::NewGuid())
        Copy-Item $SampleOrg $copy -Recurse
        $copy
    }
}

Describe 'Organization runs from an organization snapshot' {
    It 'audits every active exported account, tags findings with their account, and leaves the suspended one out' {
        $findings = Test-MarketplaceLeastPrivilege @OrgArgs -WarningAction SilentlyContinue

        ($findings.AccountId | Sort-Object -Unique) | Should -Be @('111122223333', '222233334444', '444455556666')
        ($findings | Where-Object AccountId -eq '222233334444').AccountName | Sort-Object -Unique | Should -Be 'sandbox'
    }

    It 'gives the management account the findings of the account audited on its own: SCPs never restrict it' {
        $alone = Test-MarketplaceLeastPrivilege -AuthorizationDetailsPath $Sample -ProcurementPrincipal Procurement -ViewerPrincipal Billing -LauncherPrincipal AmiOperators, cfn-deployer -GovernancePrincipal DistributionAdmins -SuppressionPath $OrgArgs.SuppressionPath -WarningAction SilentlyContinue
        $inOrg = Test-MarketplaceLeastPrivilege @OrgArgs -AccountId 111122223333 -WarningAction SilentlyContinue

        ($inOrg | ForEach-Object { "$($_.RuleId) $($_.Principal) $($_.Reason)" }) | Should -Be ($alone | ForEach-Object { "$($_.RuleId) $($_.Principal) $($_.Reason)" })
    }

    It 'lets an SCP deny decide: the procurement team of the sandbox is locked out by the SCP, named with its OU' {
        $findings = Test-MarketplaceLeastPrivilege @OrgArgs -AccountId 222233334444 -WarningAction SilentlyContinue
        $pat = $findings | Where-Object { $_.RuleId -eq 'MG1003' -and $_.Principal -eq 'user/pat' }

        $pat.Reason | Should -Match 'Deny SCP DenyMarketplaceSubscriptions statement 0 \(Sid DenyMarketplaceSubscriptions\) attached to OU Sandbox \(ou-ex12-sandbox1\)'
        $pat.Recommendation | Should -Match 'change the SCP'
        # Nobody else in the sandbox can subscribe: the SCP stops what IAM allows.
        $findings | Where-Object RuleId -eq 'MG1001' | Should -BeNullOrEmpty
    }

    It 'returns the organization scope with -PassThru, and $false with -Quiet when an account fails' {
        $scope = Test-MarketplaceLeastPrivilege @OrgArgs -PassThru -WarningAction SilentlyContinue
        $scope.OrganizationId | Should -Be 'o-ex12sample'
        $scope.Passed | Should -BeFalse
        $scope.FindingCount | Should -Be ($scope.Runs | ForEach-Object { $_.Findings.Count } | Measure-Object -Sum).Sum
        $scope.Findings.Count | Should -Be $scope.FindingCount
        $scope.ServiceControlPoliciesRead | Should -BeTrue
        $scope.Runs.AccountName | Should -Be @('management', 'sandbox', 'workloads')
        $scope.Runs[1].ServiceControlPolicies.Relevant | Should -Be 'DenyMarketplaceSubscriptions (OU Sandbox (ou-ex12-sandbox1))'
        $scope.Runs[0].ServiceControlPolicies.Summary | Should -Match '^exempt'

        Test-MarketplaceLeastPrivilege @OrgArgs -Quiet -AccountId 999999999999, 222233334444 -ErrorAction SilentlyContinue -WarningAction SilentlyContinue | Should -BeFalse
    }

    It 'names an account that is not in the organization, and audits the others' {
        $findings = Test-MarketplaceLeastPrivilege @OrgArgs -AccountId 999999999999, 444455556666 -ErrorVariable errors -ErrorAction SilentlyContinue -WarningVariable warnings -WarningAction SilentlyContinue

        $errors[0].FullyQualifiedErrorId | Should -BeLike 'AccountNotInOrganization,*'
        $errors[0].Exception.Message | Should -Match '999999999999.*not an account of the organization o-ex12sample'
        ($findings.AccountId | Sort-Object -Unique) | Should -Be '444455556666'
        ($warnings -join "`n") | Should -Match '1 of 2 account\(s\) were not audited: 999999999999'
    }

    It 'refuses a suspended account named with -AccountId' {
        Test-MarketplaceLeastPrivilege @OrgArgs -AccountId 555566667777 -ErrorVariable errors -ErrorAction SilentlyContinue -WarningAction SilentlyContinue | Should -BeNullOrEmpty
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'AccountNotActive,*'
        $errors[0].Exception.Message | Should -Match 'SUSPENDED'
    }

    It 'fails only the account whose snapshot is damaged' {
        $copy = Copy-SampleOrganization
        Set-Content (Join-Path $copy 'accounts/222233334444.json') '{ "UserDetailList": [ '
        $findings = Test-MarketplaceLeastPrivilege @OrgArgs -OrganizationSnapshotPath $copy -ErrorVariable errors -ErrorAction SilentlyContinue -WarningAction SilentlyContinue

        $errors.FullyQualifiedErrorId | Should -BeLike 'AccountNotAudited,*'
        $errors[0].Exception.Message | Should -Match 'sandbox \(222233334444\) was not audited: .*222233334444\.json'
        ($findings.AccountId | Sort-Object -Unique) | Should -Be @('111122223333', '444455556666')
    }

    It 'fails only the accounts under an SCP that is not valid JSON, naming the SCP and its OU' {
        $copy = Copy-SampleOrganization
        $file = Join-Path $copy 'organization.json'
        $org = Get-Content $file -Raw | ConvertFrom-Json
        ($org.Policies | Where-Object Name -eq 'DenyMarketplaceSubscriptions').Content = '{ "Version": "2012-10-17", "Statement": ['
        $org | ConvertTo-Json -Depth 10 | Set-Content $file
        $findings = Test-MarketplaceLeastPrivilege @OrgArgs -OrganizationSnapshotPath $copy -ErrorVariable errors -ErrorAction SilentlyContinue -WarningAction SilentlyContinue

        $errors.Count | Should -Be 1
        $errors[0].Exception.Message | Should -Match 'sandbox \(222233334444\) was not audited: .*SCP DenyMarketplaceSubscriptions \(p-ex12denysub\) attached to OU Sandbox'
        ($findings.AccountId | Sort-Object -Unique) | Should -Be @('111122223333', '444455556666')
    }

    It 'refuses an account snapshot filed under another account' {
        $copy = Copy-SampleOrganization
        $file = Join-Path $copy 'organization.json'
        (Get-Content $file -Raw) -replace '"accounts/222233334444.json"', '"accounts/444455556666.json"' | Set-Content $file
        $findings = Test-MarketplaceLeastPrivilege @OrgArgs -OrganizationSnapshotPath $copy -ErrorVariable errors -ErrorAction SilentlyContinue -WarningAction SilentlyContinue

        $errors[0].Exception.Message | Should -Match 'sandbox \(222233334444\) was not audited: its snapshot .* describes the account 444455556666'
        ($findings | Where-Object AccountName -eq 'sandbox') | Should -BeNullOrEmpty
    }

    It 'refuses an organization whose management account is not among its accounts, and reads one with a byte order mark' {
        $copy = Copy-SampleOrganization
        $file = Join-Path $copy 'organization.json'
        (Get-Content $file -Raw) -replace '"ManagementAccountId": "111122223333"', '"ManagementAccountId": "999999999999"' | Set-Content $file
        { Test-MarketplaceLeastPrivilege @OrgArgs -OrganizationSnapshotPath $copy } | Should -Throw -ErrorId 'OrganizationSnapshotInvalid,*' -ExpectedMessage '*$.Organization.ManagementAccountId: 999999999999 is not one of the organization*'

        $bom = Copy-SampleOrganization
        $text = Get-Content (Join-Path $SampleOrg 'organization.json') -Raw
        [IO.File]::WriteAllText((Join-Path $bom 'organization.json'), $text, [Text.UTF8Encoding]::new($true))
        (Test-MarketplaceLeastPrivilege @OrgArgs -OrganizationSnapshotPath $bom -PassThru -WarningAction SilentlyContinue).Runs.Count | Should -Be 3
    }

    It 'refuses a malformed organization snapshot, naming the file and the JSON path' {
        $copy = Copy-SampleOrganization
        $file = Join-Path $copy 'organization.json'
        (Get-Content $file -Raw) -replace '"OrganizationalUnits"', '"OrganisationalUnits"' | Set-Content $file

        { Test-MarketplaceLeastPrivilege @OrgArgs -OrganizationSnapshotPath $copy } | Should -Throw -ErrorId 'OrganizationSnapshotInvalid,*' -ExpectedMessage '*organization.json: $.OrganisationalUnits*'
    }

    It 'refuses a path that is not an organization snapshot folder' {
        { Test-MarketplaceLeastPrivilege @OrgArgs -OrganizationSnapshotPath (Join-Path $TestDrive 'nowhere') } | Should -Throw -ErrorId 'FileNotFound,*' -ExpectedMessage '*does not exist*'
        { Test-MarketplaceLeastPrivilege @OrgArgs -OrganizationSnapshotPath $Sample } | Should -Throw -ErrorId 'FileNotFound,*' -ExpectedMessage '*is a file*'
        { Test-MarketplaceLeastPrivilege @OrgArgs -OrganizationSnapshotPath $TestDrive } | Should -Throw -ErrorId 'OrganizationSnapshotInvalid,*' -ExpectedMessage '*there is no organization.json*'
    }

    It 'refuses account ids that are not 12 digits, and conflicting or ignored parameters' {
        { Test-MarketplaceLeastPrivilege @OrgArgs -AccountId 12345 } | Should -Throw -ErrorId 'AccountIdInvalid,*' -ExpectedMessage "*'12345' is not an AWS account id*"
        { Test-MarketplaceLeastPrivilege @OrgArgs -AccountId ('1' * 5000) } | Should -Throw -ErrorId 'AccountIdInvalid,*'
        { Test-MarketplaceLeastPrivilege @OrgArgs -AccountId '' } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        { Test-MarketplaceLeastPrivilege @OrgArgs -ThrottleLimit 0 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        { Test-MarketplaceLeastPrivilege @OrgArgs -ThrottleLimit 100000 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        { Test-MarketplaceLeastPrivilege @OrgArgs -ServiceControlPolicyPath $Sample } | Should -Throw -ErrorId 'AmbiguousParameterSet,*'
        { Test-MarketplaceLeastPrivilege -ProcurementPrincipal Procurement -AccountId 111122223333 -ServiceControlPolicyPath $Sample } | Should -Throw -ErrorId 'ParameterConflict,*' -ExpectedMessage '*reads each account*'
        { Test-MarketplaceLeastPrivilege -ProcurementPrincipal Procurement -ThrottleLimit 4 -RoleName Audit } | Should -Throw -ErrorId 'ParameterConflict,*' -ExpectedMessage '*-RoleName, -ThrottleLimit are used only with -AccountId or -AllAccounts*'
        { Test-MarketplaceLeastPrivilege -ProcurementPrincipal Procurement -AccountId 111122223333 -AllAccounts } | Should -Throw -ErrorId 'ParameterConflict,*' -ExpectedMessage '*give one of them*'
        # A snapshot of one account has no accounts to fan out to: PowerShell itself refuses the combination.
        { Test-MarketplaceLeastPrivilege -AuthorizationDetailsPath $Sample -ProcurementPrincipal Procurement -AllAccounts } | Should -Throw -ErrorId 'AmbiguousParameterSet,*'
    }

    It 'reports a principal that names nobody in any account, and does not pass' {
        Test-MarketplaceLeastPrivilege @OrgArgs -ProcurementPrincipal Procurment -Quiet -ErrorVariable errors -ErrorAction SilentlyContinue -WarningAction SilentlyContinue | Should -BeFalse
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'PrincipalNotFound,*'
        $errors[0].Exception.Message | Should -Match "'Procurment' names no user, group or role in any of the 3 audited account"
    }

    It 'applies an ARN only in its own account' {
        $findings = Test-MarketplaceLeastPrivilege @OrgArgs -ProcurementPrincipal 'arn:aws:iam::444455556666:group/Procurement' -WarningAction SilentlyContinue
        # pat is authorized only in workloads; elsewhere, pat's subscribe rights are a finding.
        $findings | Where-Object { $_.Principal -eq 'user/pat' -and $_.RuleId -eq 'MG1001' } | ForEach-Object AccountId | Should -Be '111122223333'
        $findings | Where-Object { $_.Principal -eq 'user/pat' -and $_.AccountId -eq '444455556666' -and $_.RuleId -eq 'MG1001' } | Should -BeNullOrEmpty
    }

    It 'writes one report of all accounts' {
        $report = Join-Path $TestDrive 'org.json'
        Test-MarketplaceLeastPrivilege @OrgArgs -ReportPath $report -WarningAction SilentlyContinue | Out-Null
        $json = Get-Content $report -Raw | ConvertFrom-Json
        $json.audits.accountId | Should -Be @('111122223333', '222233334444', '444455556666')
    }

    It 'gives Get-MarketplaceAccess entries of every account, tagged with it' {
        $entries = Get-MarketplaceAccess -OrganizationSnapshotPath $SampleOrg -Principal pat -Capability Procure

        $entries | ForEach-Object { "$($_.AccountName) $($_.Decision)" } | Sort-Object | Should -Be @('management Allowed', 'sandbox ExplicitDeny', 'workloads Allowed')
        $entries.ServiceControlPoliciesConsidered | Sort-Object -Unique | Should -BeTrue
        { Get-MarketplaceAccess -OrganizationSnapshotPath $SampleOrg -Principal nobodyx -ErrorAction Stop } | Should -Throw -ErrorId 'PrincipalNotFound,*'
    }
}

Describe 'The Pester audit library on an organization snapshot' {
    It 'runs every rule over every account, and fails every rule when an account could not be audited' {
        $pester = Join-Path $TestToolsPath 'Pester/Pester.psd1'
        $copy = Copy-SampleOrganization
        Set-Content (Join-Path $copy 'accounts/444455556666.json') '{ "UserDetailList": ['
        $output = Invoke-ChildPwsh -Script @"
Import-Module '$pester'
Import-Module '$ManifestPath'
`$r = Invoke-MarketplaceAudit -OrganizationSnapshotPath '$SampleOrg' -ProcurementPrincipal Procurement -ViewerPrincipal Billing -LauncherPrincipal AmiOperators, cfn-deployer -Tag MG1004 -PassThru 6> `$null
'clean=' + `$r.Result + ' ' + `$r.PassedCount + '/' + `$r.FailedCount
`$d = Invoke-MarketplaceAudit -OrganizationSnapshotPath '$copy' -ProcurementPrincipal Procurement -ViewerPrincipal Billing -LauncherPrincipal AmiOperators, cfn-deployer -Tag MG1004 -PassThru 6> `$null
'damaged=' + `$d.Result + ' ' + `$d.PassedCount + '/' + `$d.FailedCount
`$a = Invoke-MarketplaceAudit -OrganizationSnapshotPath '$copy' -ProcurementPrincipal Procurement -AccountId 222233334444 -PassThru 6> `$null
'tests=' + `$a.TotalCount
"@
        # MG1004 (billing viewers) holds in every account of the sample organization: it passes only while all are audited.
        $output | Should -Contain 'clean=Passed 1/0'
        $output | Should -Contain 'damaged=Failed 0/1'
        # Without -Tag: one test per rule and the test that every account was audited.
        $output | Should -Contain "tests=$([MarketplaceGuard.Cmdlets.Audit.AuditRuleList]::All.Count + 1)"
    }
}

Describe 'Organization runs live, on the fake endpoints' {
    BeforeAll {
        $script:FakeIam = Join-Path $RepoRoot 'artifacts/bin/MarketplaceGuard.FakeIam/release/MarketplaceGuard.FakeIam.dll'
        $script:Secret = 'organization-secret-do-not-print'

        function Start-FakeOrganization([string[]] $Arguments = @()) {
            $info = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
            foreach ($a in @($FakeIam, '--organization', $SampleOrg, '--request-log', (Join-Path $TestDrive 'requests.log')) + $Arguments) { $info.ArgumentList.Add($a) }
            $info.RedirectStandardInput = $true; $info.RedirectStandardOutput = $true; $info.UseShellExecute = $false
            $process = [System.Diagnostics.Process]::Start($info)
            $line = $process.StandardOutput.ReadLine()
            if ($line -notmatch '^listening (http://127\.0\.0\.1:\d+/)') { throw "The fake endpoint did not start: $line" }
            [pscustomobject]@{ Process = $process; Url = $Matches[1] }
        }

        function Stop-FakeOrganization($fake) {
            $fake.Process.StandardInput.Close()
            if (-not $fake.Process.WaitForExit(5000)) { $fake.Process.Kill() }
        }

        $script:Fake = Start-FakeOrganization
        $script:Live = @{ EndpointUrl = $Fake.Url; AccessKey = 'AKIAORGANIZATIONTEST'; SecretKey = $Secret }
        $script:Principals = @{ ProcurementPrincipal = 'Procurement'; ViewerPrincipal = 'Billing'; LauncherPrincipal = 'AmiOperators', 'cfn-deployer'; SuppressionPath = $OrgArgs.SuppressionPath }
    }

    AfterAll {
        Stop-FakeOrganization $Fake
    }

    It 'gives the findings of the organization snapshot, account by account, with -AllAccounts' {
        $live = Test-MarketplaceLeastPrivilege @Principals @Live -AllAccounts -WarningAction SilentlyContinue
        $offline = Test-MarketplaceLeastPrivilege @Principals -OrganizationSnapshotPath $SampleOrg -WarningAction SilentlyContinue

        $key = { "$($_.AccountId) $($_.AccountName) $($_.RuleId) $($_.Principal) $($_.Reason) $($_.Recommendation)" }
        ($live | ForEach-Object $key | Sort-Object) | Should -Be ($offline | ForEach-Object $key | Sort-Object)
        ($live.AccountId | Sort-Object -Unique) | Should -Be @('111122223333', '222233334444', '444455556666')
    }

    It 'makes exactly one AssumeRole and one authorization-details call per member account, and none for its own' {
        $log = Join-Path $TestDrive 'requests.log'
        $started = [DateTimeOffset]::UtcNow
        Test-MarketplaceLeastPrivilege @Principals @Live -AllAccounts -WarningAction SilentlyContinue | Out-Null
        Start-Sleep -Milliseconds 500   # the fake flushes its log every 100 ms
        # Each line starts with the request's time: only this run's requests count, whatever earlier tests left unflushed.
        $lines = @(Get-Content $log | Where-Object { [DateTimeOffset]::Parse(($_ -split ' ')[0], [Globalization.CultureInfo]::InvariantCulture) -ge $started })
        @($lines | Where-Object { $_ -match ' AssumeRole 200 ' }).Count | Should -Be 2
        @($lines | Where-Object { $_ -match ' GetAccountAuthorizationDetails 200 ' }).Count | Should -Be 3
    }

    It 'audits an account that refuses the role as an error naming it, and the others' {
        $findings = Test-MarketplaceLeastPrivilege @Principals @Live -AccountId 222233334444, 444455556666 -RoleName NoSuchRole -ErrorVariable errors -ErrorAction SilentlyContinue -WarningVariable warnings -WarningAction SilentlyContinue

        $findings | Should -BeNullOrEmpty
        $errors.Count | Should -Be 2
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'AccountNotAudited,*'
        $errors[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $errors.Exception.Message -join "`n" | Should -Match 'AssumeRole of arn:aws:iam::222233334444:role/NoSuchRole was denied'
        ($warnings -join "`n") | Should -Match '2 of 2 account\(s\) were not audited'
    }

    It 'never shows the secret key or an assumed session in its output, verbose lines or errors' {
        $all = Test-MarketplaceLeastPrivilege @Principals @Live -AllAccounts -PassThru -Verbose -WarningAction SilentlyContinue 4>&1 3>&1 2>&1
        $text = ($all | Out-String) + ($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message | Out-String)
        $text | Should -Not -Match $Secret
        $text | Should -Not -Match 'ASIA[A-Z0-9]{12,}'
        $text | Should -Match '222233334444: STS AssumeRole: HTTP 200 OK'
    }

    It 'reads the organization from a member account only as far as it may: -AllAccounts stops, -AccountId warns and goes on without SCPs' {
        $member = Start-FakeOrganization @('--caller-account', '222233334444')
        try {
            $asMember = @{ EndpointUrl = $member.Url; AccessKey = 'AKIAORGANIZATIONTEST'; SecretKey = $Secret }
            { Test-MarketplaceLeastPrivilege @Principals @asMember -AllAccounts } | Should -Throw -ErrorId 'OrganizationUnreadable,*' -ExpectedMessage '*management account or a delegated administrator*'

            $scope = Test-MarketplaceLeastPrivilege @Principals @asMember -AccountId 222233334444 -PassThru -WarningVariable warnings -WarningAction SilentlyContinue
            ($warnings -join "`n") | Should -Match 'SCPs were not considered'
            $scope.ServiceControlPoliciesRead | Should -BeFalse
            $scope.Runs[0].ServiceControlPolicies.Considered | Should -BeFalse
            # An SCP may lock out what the audit cannot see: without them, nothing passes.
            $scope.Passed | Should -BeFalse
            $scope.Runs[0].Passed | Should -BeFalse
            Test-MarketplaceLeastPrivilege @Principals @asMember -AccountId 222233334444 -Quiet -WarningAction SilentlyContinue | Should -BeFalse
            # Without the Sandbox SCP, pat is no longer locked out: the same account, other findings, and the reports say why.
            $scope.Runs[0].Findings | Where-Object { $_.RuleId -eq 'MG1003' -and $_.Principal -eq 'user/pat' } | Should -BeNullOrEmpty
        }
        finally {
            Stop-FakeOrganization $member
        }
    }

    It 'finds the paid resources of every account, each tagged with its account, and names an account it cannot reach' {
        $seed = Join-Path $TestDrive 'org-ec2.json'
        @'
{
  "publicImages": { "us-east-1": [ { "imageId": "ami-0000000000000ab01", "name": "vendor-appliance", "productCodes": ["prodcode1abc"] } ] },
  "accounts": [
    { "accountId": "111122223333", "regions": { "us-east-1": { "instances": [ { "instanceId": "i-00000000000000a01", "imageId": "ami-0000000000000ab01" } ] } } },
    { "accountId": "222233334444", "regions": { "us-east-1": { "instances": [ { "instanceId": "i-00000000000000b01", "imageId": "ami-0000000000000ab01" } ] } } },
    { "accountId": "444455556666", "regions": { "us-east-1": { "instances": [ { "instanceId": "i-00000000000000c01", "imageId": "ami-0000000000000fe99" } ] } } }
  ]
}
'@ | Set-Content $seed
        $fake = Start-FakeOrganization @('--ec2', $seed)
        try {
            $aws = @{ EndpointUrl = $fake.Url; AccessKey = 'AKIAORGANIZATIONTEST'; SecretKey = $Secret; Region = 'us-east-1' }
            $found = Get-MarketplacePaidResource Instance @aws -AllAccounts -WarningAction SilentlyContinue
            $found | ForEach-Object { "$($_.AccountName) $($_.AccountId) $($_.ResourceId)" } | Sort-Object |
                Should -Be @('management 111122223333 i-00000000000000a01', 'sandbox 222233334444 i-00000000000000b01')

            $found = Get-MarketplacePaidResource Instance @aws -AccountId 222233334444, 444455556666 -RoleName NoSuchRole -ErrorVariable errors -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
            $found | Should -BeNullOrEmpty
            $errors.Count | Should -Be 2
            $errors[0].FullyQualifiedErrorId | Should -BeLike 'AccountNotAudited,*'
        }
        finally {
            Stop-FakeOrganization $fake
        }
    }

    It 'exports an organization snapshot that gives the live findings offline' {
        $folder = Join-Path $TestDrive 'exported-org'
        $dir = Export-MarketplaceOrganizationSnapshot $folder @Live -PassThru -WarningAction SilentlyContinue
        $dir.FullName | Should -Be $folder
        (Get-ChildItem (Join-Path $folder 'accounts')).Name | Sort-Object | Should -Be @('111122223333.json', '222233334444.json', '444455556666.json')
        $org = Get-Content (Join-Path $folder 'organization.json') -Raw | ConvertFrom-Json
        ($org.Accounts | Where-Object Id -eq '555566667777').NotExported | Should -Match 'SUSPENDED'
        $org.Policies.Name | Should -Contain 'DenyMarketplaceSubscriptions'

        $live = Test-MarketplaceLeastPrivilege @Principals @Live -AllAccounts -WarningAction SilentlyContinue
        $offline = Test-MarketplaceLeastPrivilege @Principals -OrganizationSnapshotPath $folder -WarningAction SilentlyContinue
        $key = { "$($_.AccountId) $($_.RuleId) $($_.Principal) $($_.Reason) $($_.Recommendation)" }
        ($offline | ForEach-Object $key | Sort-Object) | Should -Be ($live | ForEach-Object $key | Sort-Object)
    }

    It 'narrows an organization snapshot with -AccountId, and replaces an earlier one without leaving its accounts behind' {
        $folder = Join-Path $TestDrive 'narrowed-org'
        Export-MarketplaceOrganizationSnapshot $folder @Live -WarningAction SilentlyContinue
        Export-MarketplaceOrganizationSnapshot $folder @Live -AccountId 222233334444 -WarningAction SilentlyContinue
        (Get-ChildItem (Join-Path $folder 'accounts')).Name | Should -Be '222233334444.json'
        $org = Get-Content (Join-Path $folder 'organization.json') -Raw | ConvertFrom-Json
        ($org.Accounts | Where-Object Id -eq '444455556666').NotExported | Should -Be 'not selected (-AccountId)'
        $org.Accounts.Count | Should -Be 4
    }

    It 'refuses a folder that holds something else, and writes nothing with -WhatIf' {
        $other = Join-Path $TestDrive 'other'; New-Item -ItemType Directory $other | Out-Null; Set-Content (Join-Path $other 'notes.txt') 'mine'
        { Export-MarketplaceOrganizationSnapshot $other @Live } | Should -Throw -ErrorId 'OutputPathInvalid,*' -ExpectedMessage '*other content*'
        Export-MarketplaceOrganizationSnapshot (Join-Path $TestDrive 'whatif-org') @Live -WhatIf
        Join-Path $TestDrive 'whatif-org' | Should -Not -Exist
    }

    It 'exports one authorization snapshot per account with Export-MarketplaceAuthorizationSnapshot' {
        $folder = Join-Path $TestDrive 'per-account'
        $files = Export-MarketplaceAuthorizationSnapshot $folder @Live -AccountId 222233334444, 444455556666 -PassThru
        $files.Name | Sort-Object | Should -Be @('222233334444.json', '444455556666.json')
        (Get-MarketplaceAccess -AuthorizationDetailsPath (Join-Path $folder '222233334444.json') -Principal pat -Capability Procure).AccountId | Should -Be '222233334444'
    }

    It 'refuses role, session and external id values AWS would refuse, before any call' {
        { Test-MarketplaceLeastPrivilege @Principals @Live -AllAccounts -RoleSessionName 'has space' } | Should -Throw -ErrorId 'ParameterInvalid,*' -ExpectedMessage '*-RoleSessionName*'
        { Test-MarketplaceLeastPrivilege @Principals @Live -AllAccounts -ExternalId 'x' } | Should -Throw -ErrorId 'ParameterInvalid,*' -ExpectedMessage '*-ExternalId*'
        { Test-MarketplaceLeastPrivilege @Principals @Live -AllAccounts -RoleName 'a b' } | Should -Throw -ErrorId 'ParameterInvalid,*' -ExpectedMessage '*-RoleName*'
        { Test-MarketplaceLeastPrivilege @Principals @Live -AllAccounts -RoleName 'arn:aws:iam::222233334444:role/Audit' } | Should -Throw -ErrorId 'ParameterInvalid,*' -ExpectedMessage "*-RoleName: 'arn:aws:iam::222233334444:role/Audit' is an ARN*"
        try { Test-MarketplaceLeastPrivilege @Principals @Live -AllAccounts -RoleName 'a b' } catch { $_.TargetObject | Should -Be 'a b' }
    }
}
