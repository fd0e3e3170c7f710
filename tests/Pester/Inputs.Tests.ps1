BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Import-Module $ManifestPath -Force
    $script:Sample = Join-Path $RepoRoot 'examples/sample-account.json'

    # One procurement user, and a user whose entry has no UserName but holds AdministratorAccess and a valid ARN.
    $script:Damaged = Join-Path $TestDrive 'damaged.json'
    @'
{
  "UserDetailList": [
    {"UserName": "pat", "Arn": "arn:aws:iam::111122223333:user/pat", "GroupList": ["Procurement"]},
    {"Arn": "arn:aws:iam::111122223333:user/mallory", "AttachedManagedPolicies": [{"PolicyName": "AdministratorAccess", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}]}
  ],
  "GroupDetailList": [
    {"GroupName": "Procurement", "Arn": "arn:aws:iam::111122223333:group/Procurement", "GroupPolicyList": [{"PolicyName": "buy", "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "aws-marketplace:*", "Resource": "*"}]}}]}
  ],
  "RoleDetailList": [],
  "Policies": []
}
'@ | Set-Content $Damaged

    # The same account without the damaged entry, as the first of two pages: it says more pages follow.
    $script:Truncated = Join-Path $TestDrive 'truncated.json'
    (Get-Content $Damaged -Raw).Replace(',
    {"Arn": "arn:aws:iam::111122223333:user/mallory", "AttachedManagedPolicies": [{"PolicyName": "AdministratorAccess", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}]}', '').
    Replace('"Policies": []', '"Policies": [], "IsTruncated": true, "Marker": "AAAA"') | Set-Content $Truncated

    function Get-ErrorRecord([scriptblock] $Action) {
        try { & $Action; $null } catch { $_ }
    }
}

Describe 'A snapshot entry that cannot be read is a finding' {
    It 'makes -Quiet return $false, reports MG1007 with the ARN and place, and still warns' {
        Test-MarketplaceLeastPrivilege -AuthorizationDetailsPath $Damaged -ProcurementPrincipal Procurement -Quiet -WarningAction SilentlyContinue |
            Should -BeFalse
        $findings = Test-MarketplaceLeastPrivilege -AuthorizationDetailsPath $Damaged -ProcurementPrincipal Procurement -WarningVariable warnings -WarningAction SilentlyContinue
        $finding = $findings | Where-Object RuleId -EQ 'MG1007'
        $finding.PrincipalArn | Should -Be 'arn:aws:iam::111122223333:user/mallory'
        $finding.PrincipalName | Should -Be 'mallory'
        $finding.JsonPath | Should -Be '$.UserDetailList[1]'
        $finding.Reason | Should -BeLike '*has no UserName*'
        $warnings.Message | Should -Contain "${Damaged}:4: `$.UserDetailList[1]: the entry has no UserName; the principals it concerns cannot be judged (MG1007)."
    }

    It 'fails Invoke-MarketplaceAudit' {
        $pester = Join-Path $TestToolsPath 'Pester/Pester.psd1'
        $output = Invoke-ChildPwsh -Script @"
Import-Module '$pester'
Import-Module '$ManifestPath'
`$r = Invoke-MarketplaceAudit -AuthorizationDetailsPath '$Damaged' -ProcurementPrincipal Procurement -PassThru 6> `$null
'failed=' + ((`$r.Failed | ForEach-Object { `$_.Tag[0] }) -join ',')
"@
        $output | Should -Contain 'failed=MG1007'
    }
}

Describe 'A snapshot that is not the whole account' {
    It 'is an InvalidData error without -AllowIncomplete, for every cmdlet that reads a snapshot' {
        foreach ($command in { Test-MarketplaceLeastPrivilege -AuthorizationDetailsPath $Truncated -ProcurementPrincipal Procurement },
            { Get-MarketplaceAccess -AuthorizationDetailsPath $Truncated }) {
            $record = Get-ErrorRecord $command
            $record.FullyQualifiedErrorId | Should -BeLike 'SnapshotIncomplete,*'
            $record.CategoryInfo.Category | Should -Be 'InvalidData'
            $record.TargetObject | Should -Be $Truncated
            $record.Exception.Message | Should -BeLike '*"IsTruncated": true*-AllowIncomplete*'
        }
    }

    It 'is audited with -AllowIncomplete, with a warning, and never passes' {
        Test-MarketplaceLeastPrivilege -AuthorizationDetailsPath $Truncated -ProcurementPrincipal Procurement -AllowIncomplete -Quiet -WarningVariable warnings -WarningAction SilentlyContinue |
            Should -BeFalse
        $warnings.Message | Should -Contain "$Truncated is incomplete (it says IsTruncated, or holds a Marker or NextToken): the audit covers only what it holds and cannot pass."
        (Get-MarketplaceAccess -AuthorizationDetailsPath $Truncated -AllowIncomplete -Principal pat -Capability Procure -WarningAction SilentlyContinue).Decision |
            Should -Be 'Allowed'
    }

    It 'fails every test of Invoke-MarketplaceAudit -AllowIncomplete' {
        $pester = Join-Path $TestToolsPath 'Pester/Pester.psd1'
        $output = Invoke-ChildPwsh -Script @"
Import-Module '$pester'
Import-Module '$ManifestPath'
`$r = Invoke-MarketplaceAudit -AuthorizationDetailsPath '$Truncated' -ProcurementPrincipal Procurement -AllowIncomplete -PassThru 6> `$null
'result=' + `$r.Result + ' ' + `$r.FailedCount
"@
        $output | Should -Contain 'result=Failed 16'
    }
}

Describe 'A JSON document that is not an authorization details snapshot' {
    It 'is an InvalidData error: <Name>' -ForEach @(
        @{ Name = 'empty object'; Json = '{}' }
        @{ Name = 'empty array'; Json = '[]' }
        @{ Name = 'a policy document'; Json = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}' }
    ) {
        $file = Join-Path $TestDrive 'not-a-snapshot.json'
        $Json | Set-Content $file
        $record = Get-ErrorRecord { Test-MarketplaceLeastPrivilege -AuthorizationDetailsPath $file -ProcurementPrincipal Procurement }
        $record.FullyQualifiedErrorId | Should -BeLike 'NotAuthorizationSnapshot,*'
        $record.CategoryInfo.Category | Should -Be 'InvalidData'
        $record.Exception.Message | Should -BeLike '*not an authorization details snapshot*'
    }
}

Describe 'An invalid -ServiceControlPolicyPath file' {
    It 'stops the audit with InvalidData naming the file and the JSON path: <Name>' -ForEach @(
        @{ Name = 'empty'; Json = ''; Where = '$' }
        @{ Name = 'empty object'; Json = '{}'; Where = '$.Statement' }
        @{ Name = 'not JSON'; Json = '{"Version": "2012-10-17", "Statement": ['; Where = '$' }
        @{ Name = 'unknown operator'; Json = '{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"StringEqualz": {"aws:RequestedRegion": "eu-west-1"}}}}'; Where = '$.Statement.Condition' }
    ) {
        $file = Join-Path $TestDrive 'scp.json'
        Set-Content $file -Value $Json -NoNewline
        $record = Get-ErrorRecord { Test-MarketplaceLeastPrivilege -AuthorizationDetailsPath $Sample -ProcurementPrincipal Procurement -ServiceControlPolicyPath $file -WarningAction SilentlyContinue }
        $record.FullyQualifiedErrorId | Should -BeLike 'ServiceControlPolicyInvalid,*'
        $record.CategoryInfo.Category | Should -Be 'InvalidData'
        $record.TargetObject | Should -Be $file
        $record.Exception.Message | Should -BeLike "-ServiceControlPolicyPath: $file is not a valid service control policy: $Where*"
    }
}

Describe 'AWS parameters with a snapshot' {
    It 'are refused by the parameter binder: <Command> -<Parameter>' -ForEach @(
        @{ Command = 'Test-MarketplaceLeastPrivilege'; Parameter = 'ProfileName' }
        @{ Command = 'Test-MarketplaceLeastPrivilege'; Parameter = 'Region' }
        @{ Command = 'Get-MarketplaceAccess'; Parameter = 'AccessKey' }
        @{ Command = 'Get-MarketplaceAccess'; Parameter = 'EndpointUrl' }
    ) {
        $arguments = @{ AuthorizationDetailsPath = $Sample; $Parameter = 'x' }
        if ($Command -eq 'Test-MarketplaceLeastPrivilege') { $arguments.ProcurementPrincipal = 'Procurement' }
        $record = Get-ErrorRecord { & $Command @arguments }
        $record.Exception | Should -BeOfType ([System.Management.Automation.ParameterBindingException])
        $record.FullyQualifiedErrorId | Should -BeLike 'AmbiguousParameterSet,*'
    }

    It 'stay available to the live audit and to the cmdlets that only work live' {
        foreach ($command in 'Test-MarketplaceLeastPrivilege', 'Get-MarketplaceAccess', 'Export-MarketplaceAuthorizationSnapshot', 'Grant-MarketplaceProcurement', 'Revoke-MarketplaceAccess', 'Remove-MarketplaceAccess') {
            # The offline sets (a snapshot file, an organization snapshot folder) read no AWS account: they have none.
            foreach ($set in (Get-Command $command).ParameterSets) {
                if ($set.Name -in 'Snapshot', 'OrganizationSnapshot') {
                    $set.Parameters.Name | Should -Not -Contain 'ProfileName' -Because "$command ($($set.Name))"
                    continue
                }
                $set.Parameters.Name | Should -Contain 'ProfileName' -Because "$command ($($set.Name))"
                $set.Parameters.Name | Should -Contain 'AccessKey' -Because "$command ($($set.Name))"
            }
        }
        $record = Get-ErrorRecord { Grant-MarketplaceProcurement -GroupName Procurement -ProfileName 'no-such-profile' -ProfileLocation (Join-Path $TestDrive 'no-credentials') -Confirm:$false }
        $record.FullyQualifiedErrorId | Should -BeLike 'CredentialsUnresolved,*' # bound, then refused for the missing profile
    }
}
