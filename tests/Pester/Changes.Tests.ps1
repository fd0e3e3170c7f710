BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Import-Module $ManifestPath -Force
    $script:FakeIam = Join-Path $RepoRoot 'artifacts/bin/MarketplaceGuard.FakeIam/release/MarketplaceGuard.FakeIam.dll'
    $script:Article = Join-Path $PSScriptRoot 'Data/article-account.json'

    function Start-FakeIam([string[]] $Arguments = @(), [string] $Account = $Article) {
        $info = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
        foreach ($a in @($FakeIam, '--account', $Account) + $Arguments) { $info.ArgumentList.Add($a) }
        $info.RedirectStandardInput = $true; $info.RedirectStandardOutput = $true; $info.UseShellExecute = $false
        $process = [System.Diagnostics.Process]::Start($info)
        $line = $process.StandardOutput.ReadLine()
        if ($line -notmatch '^listening (http://127\.0\.0\.1:\d+/)') { throw "The fake IAM endpoint did not start: $line" }
        [pscustomobject]@{ Process = $process; Url = $Matches[1] }
    }

    function Stop-FakeIam($fake) {
        $fake.Process.StandardInput.Close()
        if (-not $fake.Process.WaitForExit(5000)) { $fake.Process.Kill() }
    }

    function Use-FakeIam($fake) {
        # Every MarketplaceGuard cmdlet talks to this endpoint, so recommendations can run exactly as written.
        $global:PSDefaultParameterValues['*-Marketplace*:EndpointUrl'] = $fake.Url
        $global:PSDefaultParameterValues['*-Marketplace*:AccessKey'] = 'AKIACHANGES000000000'
        $global:PSDefaultParameterValues['*-Marketplace*:SecretKey'] = 'changes-secret'
        $global:PSDefaultParameterValues['Revoke-MarketplaceAccess:Confirm'] = $false
        $global:PSDefaultParameterValues['Remove-MarketplaceAccess:Confirm'] = $false
    }

    function Invoke-TestIam($fake, [string] $Operation, [hashtable] $Parameters) {
        # Changes "someone else" makes to the account (drift), sent with the module's own IAM client.
        $context = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -EQ 'MarketplaceGuard'
        $aws = $context.LoadFromAssemblyName([Reflection.AssemblyName]::new('MarketplaceGuard.Aws'))
        $request = [Activator]::CreateInstance($aws.GetType('MarketplaceGuard.Aws.Connection.AwsConnectionRequest'))
        $request.AccessKey = 'AKIADRIFT00000000000'; $request.SecretKey = 'drift-secret'; $request.EndpointUrl = $fake.Url
        $connection = $aws.GetType('MarketplaceGuard.Aws.Connection.AwsConnection')::Resolve($request)
        $client = [Activator]::CreateInstance($aws.GetType('MarketplaceGuard.Aws.Iam.IamClient'), @($connection, $null, $null))
        try {
            $pairs = [System.Collections.Generic.List[System.Collections.Generic.KeyValuePair[string, string]]]::new()
            foreach ($key in $Parameters.Keys) { $pairs.Add([System.Collections.Generic.KeyValuePair[string, string]]::new($key, $Parameters[$key])) }
            $null = $client.CallAsync($Operation, $pairs, [Threading.CancellationToken]::None).GetAwaiter().GetResult()
        }
        finally { $client.Dispose() }
    }

    function Get-Calls([scriptblock] $Command) {
        # The module's -Verbose lines name every AWS call: the client-side request log.
        $VerbosePreference = 'Continue'
        & $Command 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match '^(IAM|STS) (\w+):' } |
            ForEach-Object { ($_.Message -split ':')[0] -replace '^(IAM|STS) ', '' }
    }

    $script:Writes = 'CreatePolicy', 'CreatePolicyVersion', 'DeletePolicyVersion', 'DeletePolicy', 'TagPolicy', 'AttachGroupPolicy', 'AttachUserPolicy', 'AttachRolePolicy', 'DetachGroupPolicy', 'DetachUserPolicy', 'DetachRolePolicy'
}

AfterAll {
    foreach ($key in @($global:PSDefaultParameterValues.Keys | Where-Object { $_ -like '*Marketplace*' })) { $global:PSDefaultParameterValues.Remove($key) }
}

Describe 'The article, end to end, on a fake IAM endpoint' {
    BeforeAll {
        $script:Fake = Start-FakeIam
        Use-FakeIam $Fake
    }

    AfterAll { Stop-FakeIam $Fake }

    It 'applies the three policies, audits clean, catches drift, and the recommendation fixes it' {
        [pscustomobject]@{ Group = [pscustomobject]@{ GroupName = 'Procurement' } } | Grant-MarketplaceProcurement   # as Get-IAMGroup procurement returns it
        Grant-MarketplaceProcurement -GroupName Billing -AccessLevel Viewer
        Revoke-MarketplaceAccess -GroupName Everyone -ProcurementPrincipal Procurement

        # The article's view denies Subscribe, not the Agreement API's purchase; its fix is the Current edition.
        $viewer = Test-MarketplaceLeastPrivilege -ProcurementPrincipal Procurement -ViewerPrincipal Billing
        $viewer.RuleId | Should -Be 'MG1005'
        $viewer.Recommendation | Should -Be "Grant-MarketplaceProcurement -UserName 'bill' -AccessLevel Viewer -Edition Current"
        $switched = Grant-MarketplaceProcurement -GroupName Billing -AccessLevel Viewer -Edition Current -PassThru
        $switched.Changes | Should -Be "update MarketplaceGuard-BillingViewer to the template's document (new default version)"

        Test-MarketplaceLeastPrivilege -ProcurementPrincipal Procurement -ViewerPrincipal Billing | Should -BeNullOrEmpty

        # Drift: someone takes a developer out of Everyone and gives it PowerUserAccess.
        Invoke-TestIam $Fake 'RemoveUserFromGroup' @{ GroupName = 'Everyone'; UserName = 'newdev' }
        Invoke-TestIam $Fake 'AttachUserPolicy' @{ UserName = 'newdev'; PolicyArn = 'arn:aws:iam::aws:policy/PowerUserAccess' }
        $findings = Test-MarketplaceLeastPrivilege -ProcurementPrincipal Procurement -ViewerPrincipal Billing
        $procure = $findings | Where-Object RuleId -EQ 'MG1001'
        $procure.PrincipalName | Should -Be 'newdev'
        $procure.Severity | Should -Be 'High'
        $procure.Recommendation | Should -Be "Revoke-MarketplaceAccess -UserName 'newdev' -Rule 1"
        # PowerUserAccess launches, copies and shares paid AMIs too (Rule 2), a finding with its own recommendation.
        $launch = $findings | Where-Object RuleId -EQ 'MG2001'
        $launch.PrincipalName | Should -Be 'newdev'
        $launch.Severity | Should -Be 'High'
        $launch.Recommendation | Should -Be "Revoke-MarketplaceAccess -UserName 'newdev' -Rule 2"

        # Each recommendation, run as written, once: together they fix every finding.
        $findings.Recommendation | Sort-Object -Unique | ForEach-Object { Invoke-Expression $_ }
        Test-MarketplaceLeastPrivilege -ProcurementPrincipal Procurement -ViewerPrincipal Billing | Should -BeNullOrEmpty
    }

    It 'makes no write call on a second identical run' {
        $calls = Get-Calls { Grant-MarketplaceProcurement -GroupName Procurement; Grant-MarketplaceProcurement -GroupName Billing -AccessLevel Viewer -Edition Current; Revoke-MarketplaceAccess -GroupName Everyone -ProcurementPrincipal Procurement }
        $calls | Should -Not -BeNullOrEmpty
        $calls | Where-Object { $_ -in $Writes } | Should -BeNullOrEmpty
    }
}

Describe 'Rule 2, end to end as the README shows it, on one fake endpoint (IAM and EC2)' {
    BeforeAll {
        # us-east-1: a Marketplace AMI, an instance of it with its root volume, a snapshot of that volume and an AMI
        # registered from the snapshot (the account's own paid copies); an Amazon AMI and a free instance.
        $seed = Join-Path $TestDrive 'rule2-ec2.json'
        @'
{
  "publicImages": { "us-east-1": [
      { "imageId": "ami-0000000000000ab01", "name": "vendor-appliance", "productCodes": ["prodcode1abc"], "snapshotIds": ["snap-0000000000000ab01"] },
      { "imageId": "ami-0000000000000fe01", "name": "amzn-linux", "ownerAlias": "amazon", "snapshotIds": ["snap-0000000000000fe01"] } ] },
  "accounts": [ { "regions": { "us-east-1": {
      "instances": [ { "instanceId": "i-00000000000000a01", "imageId": "ami-0000000000000ab01" },
                     { "instanceId": "i-00000000000000f01", "imageId": "ami-0000000000000fe01" } ],
      "volumes":   [ { "volumeId": "vol-00000000000000a01", "snapshotId": "snap-0000000000000ab01", "instanceId": "i-00000000000000a01" },
                     { "volumeId": "vol-00000000000000f01", "snapshotId": "snap-0000000000000fe01", "instanceId": "i-00000000000000f01" } ],
      "snapshots": [ { "snapshotId": "snap-00000000000000a02", "volumeId": "vol-00000000000000a01" } ],
      "images":    [ { "imageId": "ami-00000000000000a02", "name": "golden", "snapshotIds": ["snap-00000000000000a02"] } ] } } } ]
}
'@ | Set-Content -LiteralPath $seed
        $script:Fake = Start-FakeIam @('--ec2', $seed)
        Use-FakeIam $Fake
    }

    AfterAll { Stop-FakeIam $Fake }

    It 'discovers, protects, grants the launchers, denies the rest, and audits clean' {
        # Rule 1 as the article has it; then drift: Everyone gets PowerUserAccess, which launches, copies and shares AMIs.
        Grant-MarketplaceProcurement -GroupName Procurement
        Grant-MarketplaceProcurement -GroupName Billing -AccessLevel Viewer -Edition Current
        Revoke-MarketplaceAccess -GroupName Everyone -Rule 1 -ProcurementPrincipal Procurement
        Invoke-TestIam $Fake 'AttachGroupPolicy' @{ GroupName = 'Everyone'; PolicyArn = 'arn:aws:iam::aws:policy/PowerUserAccess' }
        Invoke-TestIam $Fake 'CreateGroup' @{ GroupName = 'AmiOperators' }
        Invoke-TestIam $Fake 'AddUserToGroup' @{ GroupName = 'AmiOperators'; UserName = 'pat' }  # the buyer also runs the AMIs
        $audit = @{ ProcurementPrincipal = 'Procurement'; ViewerPrincipal = 'Billing'; LauncherPrincipal = 'AmiOperators' }
        $before = Test-MarketplaceLeastPrivilege @audit
        ($before | Where-Object PrincipalName -EQ 'dev').RuleId | Sort-Object | Should -Be @('MG2001', 'MG2002', 'MG2003', 'MG3001', 'MG3002')
        ($before | Where-Object PrincipalName -EQ 'pat').RuleId | Should -Be 'MG2005' # a launcher that cannot launch yet

        # 1. Discover: the Marketplace AMI in use, its instance, and the account's own paid copies.
        $paid = Get-MarketplacePaidResource -Region us-east-1
        ($paid | ForEach-Object { "$($_.ResourceType) $($_.ResourceId)" } | Sort-Object) | Should -Be @(
            'Image ami-00000000000000a02', 'Image ami-0000000000000ab01', 'Instance i-00000000000000a01',
            'Snapshot snap-00000000000000a02', 'Volume vol-00000000000000a01')

        # 2. Protect: the account's paid AMI, snapshot and volume get the guard tag; a second run writes nothing.
        $tagged = $paid | Protect-MarketplacePaidResource -PassThru
        ($tagged | Where-Object Status -EQ 'Tagged' | ForEach-Object ResourceId | Sort-Object) | Should -Be @('ami-00000000000000a02', 'snap-00000000000000a02', 'vol-00000000000000a01')
        (Get-MarketplacePaidResource -Region us-east-1 | Protect-MarketplacePaidResource -PassThru | Where-Object Status -EQ 'Tagged') | Should -BeNullOrEmpty
        (Get-MarketplacePaidResource -Region us-east-1 -ResourceType Image | Where-Object ResourceId -EQ 'ami-00000000000000a02').Protected | Should -BeTrue

        # 3. The launchers; 4. everyone else, refused while it would reach a launcher.
        Grant-MarketplaceProcurement -GroupName AmiOperators -AccessLevel Launcher
        Invoke-TestIam $Fake 'AddUserToGroup' @{ GroupName = 'Everyone'; UserName = 'pat' }
        { Revoke-MarketplaceAccess -GroupName Everyone -Rule 2 -LauncherPrincipal AmiOperators -ErrorAction Stop } | Should -Throw -ErrorId 'WouldLockOutLauncher,*'
        Invoke-TestIam $Fake 'RemoveUserFromGroup' @{ GroupName = 'Everyone'; UserName = 'pat' }
        Revoke-MarketplaceAccess -GroupName Everyone -Rule 2 -LauncherPrincipal AmiOperators

        # Rule 3: PowerUserAccess also distributes licenses and shares through Service Catalog; nobody else may.
        Revoke-MarketplaceAccess -GroupName Everyone -Rule 3

        # 5. The audit is clean: nobody but the launchers launches, copies or shares, and the launchers can.
        Test-MarketplaceLeastPrivilege @audit | Should -BeNullOrEmpty
        Test-MarketplaceLeastPrivilege @audit -Quiet | Should -BeTrue
    }
}

Describe 'On the sample account: service-linked roles, group grants' {
    BeforeAll {
        # The sample account has one (AWSServiceRoleForMarketplaceLicenseManagement); a later --account wins.
        $script:Fake = Start-FakeIam @('--account', (Join-Path $RepoRoot 'examples/sample-account.json'))
        Use-FakeIam $Fake
    }

    AfterAll { Stop-FakeIam $Fake }

    It 'refuses one named alone and skips one a wildcard matches, writing nothing to it' {
        { Revoke-MarketplaceAccess -RoleName AWSServiceRoleForMarketplaceLicenseManagement -Rule 2 -ErrorAction Stop } | Should -Throw -ErrorId 'ServiceLinkedRole,*'
        $calls = Get-Calls { try { $null = Revoke-MarketplaceAccess -RoleName 'AWSServiceRole*' -Rule 2 -ErrorAction Stop } catch { $null = $_ } }
        $calls | Where-Object { $_ -in $Writes } | Should -BeNullOrEmpty
        $results = Revoke-MarketplaceAccess -RoleName '*' -Rule 2 -WhatIf -PassThru -WarningVariable warned -WarningAction SilentlyContinue -LauncherPrincipal AmiOperators, cfn-deployer -Force 6> $null
        $results.Principal | Should -Not -Contain 'role/AWSServiceRoleForMarketplaceLicenseManagement'
        $results.Principal | Should -Contain 'role/ci-deploy'
        ($warned -join ' ') | Should -BeLike '*AWSServiceRoleForMarketplaceLicenseManagement, a service-linked role: skipped*'
    }

    It 'refuses a finding whose fix is not a revoke of its principal, repeating the fix, and changes nothing' {
        $findings = Test-MarketplaceLeastPrivilege -ProcurementPrincipal Procurement -ViewerPrincipal Billing -LauncherPrincipal AmiOperators, cfn-deployer -WarningAction SilentlyContinue
        $passRole = $findings | Where-Object RuleId -EQ 'MG2004'
        $passRole.Principal | Should -Be 'user/dana'
        $calls = Get-Calls { try { $passRole | Revoke-MarketplaceAccess -Rule 2 -ErrorAction Stop } catch { $script:refusal = $_ } }
        $refusal.FullyQualifiedErrorId | Should -BeLike 'FindingNotFixedHere,*'
        $refusal.Exception.Message | Should -Be "-InputObject: the MG2004 finding of user/dana is not fixed by revoking user/dana's access. Its recommendation: $($passRole.Recommendation)"
        $calls | Where-Object { $_ -in $Writes } | Should -BeNullOrEmpty
        { $findings | Where-Object RuleId -EQ 'MG2005' | Revoke-MarketplaceAccess -ErrorAction Stop } | Should -Throw -ErrorId 'FindingNotFixedHere,*'
        ($findings | Where-Object { $_.RuleId -eq 'MG2003' -and $_.Principal -eq 'user/sid' } | Revoke-MarketplaceAccess -Rule 2 -WhatIf -PassThru 6> $null).Principal | Should -Be 'user/sid'
    }

    It 'refuses a finding whose fix revokes a rule the call does not, and takes it with that rule' {
        $lars = Test-MarketplaceLeastPrivilege -ProcurementPrincipal Procurement -GovernancePrincipal DistributionAdmins -WarningAction SilentlyContinue |
            Where-Object { $_.RuleId -eq 'MG3001' -and $_.Principal -eq 'user/lars' }
        $lars.Recommendation | Should -Be "Revoke-MarketplaceAccess -UserName 'lars' -Rule 3"
        $calls = Get-Calls { try { $lars | Revoke-MarketplaceAccess -ErrorAction Stop } catch { $script:refusal = $_ } }
        $refusal.FullyQualifiedErrorId | Should -BeLike 'FindingNotFixedHere,*'
        $refusal.Exception.Message | Should -Be "-InputObject: the MG3001 finding of user/lars is fixed by -Rule 3, which this call does not revoke (-Rule 1,2). Its recommendation: $($lars.Recommendation)"
        $calls | Where-Object { $_ -in $Writes } | Should -BeNullOrEmpty
        ($lars | Revoke-MarketplaceAccess -Rule 3 -GovernancePrincipal DistributionAdmins -WhatIf -PassThru 6> $null).Principal | Should -Be 'user/lars'
    }

    It 'warns, granting a group, for each member another group denies' {
        $null = Grant-MarketplaceProcurement -GroupName Developers -AccessLevel Launcher -WhatIf -WarningVariable warned -WarningAction SilentlyContinue 6> $null
        $warned.Message | Should -Contain 'user dana (a member of group Developers) is in group NoPaidAmis, which has MarketplaceGuard-DenyPaidAmiLaunch: its explicit deny still overrides the grant. Take the user out of NoPaidAmis (Remove-IAMUserFromGroup), or Remove-MarketplaceAccess -GroupName NoPaidAmis.'
        $warned.Message | Where-Object { $_ -like 'user dave*' -or $_ -like 'user carol*' } | Should -BeNullOrEmpty
    }
}

Describe 'Safe changes' {
    BeforeEach {
        $script:Fake = Start-FakeIam
        Use-FakeIam $Fake
    }

    AfterEach { Stop-FakeIam $Fake }

    It '-WhatIf lists each change in words and makes no write call' {
        $calls = Get-Calls { Grant-MarketplaceProcurement -GroupName Procurement -WhatIf 6> $null }
        $calls | Where-Object { $_ -in $Writes } | Should -BeNullOrEmpty
        (Get-Calls { Grant-MarketplaceProcurement -GroupName Procurement }) | Should -Contain 'CreatePolicy'
    }

    It 'refuses a deny that would lock out procurement, changing nothing, unless -Force' {
        Grant-MarketplaceProcurement -GroupName Procurement
        try { Revoke-MarketplaceAccess -UserName pat -ErrorAction Stop } catch { $refused = @($_) }
        $calls = Get-Calls { try { Revoke-MarketplaceAccess -UserName pat -ErrorAction Stop } catch { $null = $_ } }
        $refused[0].FullyQualifiedErrorId | Should -BeLike 'WouldLockOutProcurement,*'
        $refused[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $refused[0].Exception.Message | Should -BeLike '*user pat (MarketplaceGuard-Procurement via group Procurement)*-Force*'
        $calls | Where-Object { $_ -in $Writes } | Should -BeNullOrEmpty

        $forced = Revoke-MarketplaceAccess -UserName pat -Force -PassThru
        $forced.Changes | Should -Contain 'attach MarketplaceGuard-DenyMarketplace to user pat'
    }

    It 'never lets a -ProcurementPrincipal typo through: the deny is not attached' {
        $calls = Get-Calls { try { Revoke-MarketplaceAccess -UserName pat -ProcurementPrincipal pta -ErrorAction Stop } catch { $script:refused = @($_) } }
        $refused[0].FullyQualifiedErrorId | Should -BeLike 'PrincipalNotFound,*'
        $refused[0].TargetObject | Should -Be 'pta'
        $refused[0].Exception.Message | Should -BeLike "*-ProcurementPrincipal: 'pta' (did you mean user/pat?) names no user, group or role*"
        $calls | Where-Object { $_ -in $Writes } | Should -BeNullOrEmpty
    }

    It 'protects -ProcurementPrincipal given as <Kind>' -TestCases @(
        @{ Kind = 'a name'; Value = 'PAT' }
        @{ Kind = 'type/name'; Value = 'user/pat' }
        @{ Kind = 'an ARN'; Value = 'arn:aws:iam::111122223333:user/pat' }
        @{ Kind = 'a wildcard'; Value = 'p?t' }
        @{ Kind = 'its group'; Value = 'group/Procurement' }
        @{ Kind = 'an AWS.Tools user object'; Value = [pscustomobject]@{ UserName = 'pat'; Arn = 'arn:aws:iam::111122223333:user/pat'; Path = '/' } }
    ) {
        $calls = Get-Calls { try { Revoke-MarketplaceAccess -GroupName Everyone, Procurement -ProcurementPrincipal $Value -ErrorAction Stop } catch { $script:refused = @($_) } }
        $refused[0].FullyQualifiedErrorId | Should -BeLike 'WouldLockOutProcurement,*'
        "$($refused[0])" | Should -BeLike '*Nothing was changed.'
        $calls | Where-Object { $_ -in $Writes } | Should -BeNullOrEmpty -Because 'a refusal for Procurement stops the whole command, Everyone included'
    }

    It 'refuses a -PolicyName that is another template''s policy or not an IAM name, before any change' -TestCases @(
        @{ Name = 'MarketplaceGuard-DenyMarketplace'; Message = "*is the module's DenyMarketplace policy*" }
        @{ Name = 'marketplaceguard-procurement'; Level = 'Viewer'; Message = "*is the module's Procurement policy*" }
        @{ Name = 'my policy!'; Message = '*is not an IAM policy name*' }
    ) {
        $calls = Get-Calls { try { Grant-MarketplaceProcurement -UserName bill -AccessLevel ($Level ?? 'Buyer') -PolicyName $Name -ErrorAction Stop } catch { $script:failed = @($_) } }
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'PolicyNameInvalid,*'
        $failed[0].Exception.Message | Should -BeLike $Message
        $calls | Should -BeNullOrEmpty -Because 'the name is checked before the account is read'
    }

    It 'counts a procurement grant made under another -PolicyName in the lockout guard' {
        Grant-MarketplaceProcurement -UserName bill -PolicyName CustomBuy
        try { Revoke-MarketplaceAccess -UserName bill -ErrorAction Stop } catch { $refused = @($_) }
        $refused[0].FullyQualifiedErrorId | Should -BeLike 'WouldLockOutProcurement,*'
        $refused[0].Exception.Message | Should -BeLike '*user bill (CustomBuy attached)*'
    }

    It 'revokes and removes a grant made under another -PolicyName like the default one' {
        Grant-MarketplaceProcurement -UserName bill -PolicyName CustomBuy
        (Get-MarketplaceAccess -Principal bill -Capability Procure).Decision | Should -Be 'Allowed'
        $revoked = Revoke-MarketplaceAccess -UserName bill -Force -PassThru
        $revoked.Changes | Should -Contain 'detach CustomBuy from user bill'
        (Get-MarketplaceAccess -Principal bill -Capability Procure).Decision | Should -Be 'ExplicitDeny'

        Grant-MarketplaceProcurement -UserName dev -PolicyName CustomBuy
        $removed = Remove-MarketplaceAccess -UserName dev -PassThru
        $removed.Changes | Should -Be @('detach CustomBuy from user dev', 'delete policy CustomBuy (nothing uses it any more)')
        (Remove-MarketplaceAccess -UserName dev -PassThru).Status | Should -Be 'NoChange'
    }

    It 'warns when a grant cannot take effect' {
        Revoke-MarketplaceAccess -GroupName Everyone -ProcurementPrincipal Procurement
        $null = Grant-MarketplaceProcurement -UserName dev -WarningVariable denied -WarningAction SilentlyContinue
        $denied.Message | Should -Contain "user dev is in group Everyone, which has MarketplaceGuard-DenyMarketplace: its explicit deny still overrides the grant. Take the user out of Everyone (Remove-IAMUserFromGroup), or Remove-MarketplaceAccess -GroupName Everyone."

    }

    It 'refuses to grant the billing view (an explicit deny of Subscribe) to someone who may procure, changing nothing' {
        Grant-MarketplaceProcurement -GroupName Procurement
        foreach ($target in @{ GroupName = 'Procurement' }, @{ UserName = 'pat' }) {
            $calls = Get-Calls { try { Grant-MarketplaceProcurement @target -AccessLevel Viewer -ErrorAction Stop } catch { $script:refused = @($_) } }
            $refused[0].FullyQualifiedErrorId | Should -BeLike 'WouldLockOutProcurement,*'
            $refused[0].Exception.Message | Should -BeLike '*user pat (MarketplaceGuard-Procurement via group Procurement)*denies Subscribe explicitly*'
            $calls | Where-Object { $_ -in $Writes } | Should -BeNullOrEmpty
        }
        (Grant-MarketplaceProcurement -GroupName Billing -AccessLevel Viewer -PassThru).Status | Should -Be 'Changed'
    }

    It 'refuses a pipeline object whose name and ARN name different principals' {
        { [pscustomobject]@{ UserName = 'dev'; Arn = 'arn:aws:iam::111122223333:user/pat' } | Revoke-MarketplaceAccess -ErrorAction Stop } | Should -Throw -ErrorId 'PrincipalAmbiguous,*'
        { [pscustomobject]@{ Principal = 'user/dave'; GroupName = 'Everyone' } | Revoke-MarketplaceAccess -ErrorAction Stop } | Should -Throw -ErrorId 'PrincipalAmbiguous,*'
        { [pscustomobject]@{ GroupName = '' } | Revoke-MarketplaceAccess -ErrorAction Stop } | Should -Throw '*has an empty GroupName*'
        { [pscustomobject]@{ UserName = @('dev', 'pat') } | Revoke-MarketplaceAccess -ErrorAction Stop } | Should -Throw '*has several values in UserName*'
        ([pscustomobject]@{ UserName = 'dev'; Arn = 'arn:aws:iam::111122223333:user/dev' } | Revoke-MarketplaceAccess -WhatIf -PassThru).Principal | Should -Be 'user/dev'
    }

    It 'refuses to rewrite a shared deny that a procurement group already holds (a drifted copy would widen for them)' {
        Grant-MarketplaceProcurement -GroupName Procurement
        Revoke-MarketplaceAccess -UserName dev
        $deny = 'arn:aws:iam::111122223333:policy/marketplaceguard/MarketplaceGuard-DenyMarketplace'
        $narrow = '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"aws-marketplace:ListPrivateListings","Resource":"*"}]}'
        Invoke-TestIam $Fake 'CreatePolicyVersion' @{ PolicyArn = $deny; PolicyDocument = $narrow; SetAsDefault = 'true' }
        Invoke-TestIam $Fake 'AttachGroupPolicy' @{ GroupName = 'Procurement'; PolicyArn = $deny }
        (Get-MarketplaceAccess -Principal pat -Capability Procure).Decision | Should -Be 'Allowed' -Because 'the drifted deny does not touch Subscribe'

        $calls = Get-Calls { try { Revoke-MarketplaceAccess -GroupName Everyone -ProcurementPrincipal Procurement -ErrorAction Stop } catch { $script:refused = @($_) } }
        $refused[0].FullyQualifiedErrorId | Should -BeLike 'WouldLockOutProcurement,*'
        $refused[0].Exception.Message | Should -BeLike '*group Procurement (named by -ProcurementPrincipal), through group Procurement, which already holds the policy whose document would change*'
        $calls | Where-Object { $_ -in $Writes } | Should -BeNullOrEmpty
        (Get-MarketplaceAccess -Principal pat -Capability Procure).Decision | Should -Be 'Allowed'
    }

    It 'refuses a deny on a group whose members are named by -ProcurementPrincipal' {
        try { Revoke-MarketplaceAccess -GroupName Procurement -ProcurementPrincipal pat -ErrorAction Stop } catch { $refused = @($_) }
        $refused[0].Exception.Message | Should -BeLike '*user pat (named by -ProcurementPrincipal)*'
    }

    It 'detaches our deny from a principal it grants to, with a warning' {
        Revoke-MarketplaceAccess -UserName newdev
        $result = Grant-MarketplaceProcurement -UserName newdev -PassThru -WarningVariable warned -WarningAction SilentlyContinue
        $result.Changes | Should -Contain 'detach MarketplaceGuard-DenyMarketplace from user newdev'
        $warned[0].Message | Should -Be 'MarketplaceGuard-DenyMarketplace is attached to user newdev and its explicit deny would override the grant, so the grant detaches it.'
    }

    It 'updates a drifted document with a new default version, rotating out the oldest at five versions' {
        Grant-MarketplaceProcurement -GroupName Procurement
        $arn = 'arn:aws:iam::111122223333:policy/marketplaceguard/MarketplaceGuard-Procurement'
        $drifted = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"aws-marketplace:*","Resource":"*"}]}'
        foreach ($i in 1..4) { Invoke-TestIam $Fake 'CreatePolicyVersion' @{ PolicyArn = $arn; PolicyDocument = $drifted; SetAsDefault = 'true' } }

        $result = Grant-MarketplaceProcurement -GroupName Procurement -PassThru
        $result.Changes | Should -Be @('delete version v1 of MarketplaceGuard-Procurement (IAM keeps five)', 'update MarketplaceGuard-Procurement to the template''s document (new default version)')
        (Grant-MarketplaceProcurement -GroupName Procurement -PassThru).Changed | Should -BeFalse
        (Get-MarketplaceAccess -Principal pat -Capability Cancel).Decision | Should -Be 'Allowed'
        (Get-MarketplaceAccess -Principal pat -Capability ManagePrivateMarketplace).Decision | Should -Be 'ImplicitDeny' -Because 'the drifted aws-marketplace:* is gone'
    }

    It 'refuses a principal that names nothing, with the closest name, and changes nothing at all' {
        $calls = Get-Calls { try { Grant-MarketplaceProcurement -GroupName Procurement, Procuremnt -PassThru -ErrorAction Stop } catch { $script:failed = @($_) } }
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'PrincipalNotFound,*'
        $failed[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failed[0].TargetObject | Should -Be 'Procuremnt'
        "$($failed[0])" | Should -BeLike "*'Procuremnt' (did you mean group/Procurement?) names no group in account 111122223333*Nothing was changed."
        $calls | Where-Object { $_ -in $Writes } | Should -BeNullOrEmpty
    }

    It 'resolves ARNs, type/name and wildcards in -UserName, -GroupName and -RoleName' {
        $results = Grant-MarketplaceProcurement -UserName 'arn:aws:iam::111122223333:user/bill', 'user/PAT' -AccessLevel Viewer -PassThru
        $results.Principal | Should -Be @('user/bill', 'user/pat')
        (Revoke-MarketplaceAccess -UserName '*dev' -WhatIf -PassThru).Principal | Should -Be @('user/dev', 'user/newdev')
    }

    It 'refuses an ARN of another account or kind, and a value of the wrong kind, before any change' -TestCases @(
        @{ Arguments = @{ UserName = 'arn:aws:iam::999999999999:user/bill' }; Message = "*'arn:aws:iam::999999999999:user/bill' is in account 999999999999, not in account 111122223333*" }
        @{ Arguments = @{ GroupName = 'user/bill' }; Message = "*'user/bill' names a user; give it to -UserName*" }
        @{ Arguments = @{ RoleName = 'arn:aws:iam::aws:policy/AdministratorAccess' }; Message = '*is not the ARN of an IAM user, group or role*' }
        @{ Arguments = @{ UserName = 'team/bill' }; Message = "*does not start with user/, group/ or role/*" }
    ) {
        $calls = Get-Calls { try { Grant-MarketplaceProcurement @Arguments -ErrorAction Stop } catch { $script:failed = @($_) } }
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'PrincipalInvalid,*'
        $failed[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failed[0].Exception.Message | Should -BeLike $Message
        $calls | Where-Object { $_ -in $Writes } | Should -BeNullOrEmpty
    }

    It 'refuses a pipeline object that names two kinds of principal, or none, and an empty pipeline' {
        { [pscustomobject]@{ GroupName = 'Billing'; UserName = 'bill' } | Grant-MarketplaceProcurement -ErrorAction Stop } | Should -Throw -ErrorId 'PrincipalAmbiguous,*'
        { [pscustomobject]@{ Name = 'Billing' } | Grant-MarketplaceProcurement -ErrorAction Stop } | Should -Throw -ErrorId 'PrincipalMissing,*'
        { @() | Grant-MarketplaceProcurement -ErrorAction Stop } | Should -Throw -ErrorId 'PrincipalMissing,*'
        { Get-ChildItem -Path $TestDrive -Filter nothing* | Revoke-MarketplaceAccess -ErrorAction Stop } | Should -Throw -ErrorId 'PrincipalMissing,*'
        (Get-MarketplaceAccess -Principal bill -Capability ViewSubscriptions).Decision | Should -Be 'ImplicitDeny' -Because 'nothing was granted'
    }

    It 'accepts group objects from the pipeline, as Get-IAMGroup returns them' {
        $response = [pscustomobject]@{ Group = [pscustomobject]@{ GroupName = 'Billing' }; Users = @() }
        ($response | Grant-MarketplaceProcurement -AccessLevel Viewer -PassThru).PrincipalName | Should -Be 'Billing'
        ([pscustomobject]@{ UserName = 'bill' } | Grant-MarketplaceProcurement -AccessLevel Viewer -PassThru).PrincipalType | Should -Be 'User'
    }

    It 'is undone by Remove-MarketplaceAccess, which deletes a policy nothing uses any more' {
        Grant-MarketplaceProcurement -GroupName Procurement
        $removed = Remove-MarketplaceAccess -GroupName Procurement -PassThru
        $removed.Changes | Should -Be @('detach MarketplaceGuard-Procurement from group Procurement', 'delete policy MarketplaceGuard-Procurement (nothing uses it any more)')
        (Get-MarketplaceAccess -Principal pat -Capability Procure).Decision | Should -Be 'ImplicitDeny'
        (Remove-MarketplaceAccess -GroupName Procurement -PassThru).Changed | Should -BeFalse
    }
}

Describe 'Rule 2 changes: launchers and paid-AMI denies' {
    BeforeEach {
        $script:Fake = Start-FakeIam
        Use-FakeIam $Fake
        $script:RuleTwoDenies = 'MarketplaceGuard-DenyPaidAmiLaunch', 'MarketplaceGuard-DenyPaidAmiReplication'
    }

    AfterEach { Stop-FakeIam $Fake }

    It 'grants launchers, revokes the rest, and a second identical run makes no write call' {
        $grant = Grant-MarketplaceProcurement -UserName dev -AccessLevel Launcher -PassThru
        $grant.Operation | Should -Be 'Grant Launcher'
        $grant.Changes | Should -Be @('create policy MarketplaceGuard-PaidAmiLauncher at /marketplaceguard/, tagged managed-by=MarketplaceGuard', 'attach MarketplaceGuard-PaidAmiLauncher to user dev')
        $revoke = Revoke-MarketplaceAccess -UserName newdev -Rule 2 -LauncherPrincipal dev -PassThru
        $revoke.Changes | Should -Be @(
            'create policy MarketplaceGuard-DenyPaidAmiLaunch at /marketplaceguard/, tagged managed-by=MarketplaceGuard'
            'attach MarketplaceGuard-DenyPaidAmiLaunch to user newdev'
            'create policy MarketplaceGuard-DenyPaidAmiReplication at /marketplaceguard/, tagged managed-by=MarketplaceGuard'
            'attach MarketplaceGuard-DenyPaidAmiReplication to user newdev')

        $calls = Get-Calls { Grant-MarketplaceProcurement -UserName dev -AccessLevel Launcher; Revoke-MarketplaceAccess -UserName newdev -Rule 2 -LauncherPrincipal dev }
        $calls | Should -Contain 'ListAttachedUserPolicies'
        $calls | Where-Object { $_ -in $Writes } | Should -BeNullOrEmpty
    }

    It 'revokes both rules by default, and -Rule 1 leaves Rule 2 alone' {
        (Revoke-MarketplaceAccess -UserName bill -Rule 1 -PassThru).Changes | Should -Not -BeLike '*PaidAmi*'
        $both = Revoke-MarketplaceAccess -UserName newdev -PassThru
        $both.Changes | Where-Object { $_ -like 'attach *' } | Should -Be @('attach MarketplaceGuard-DenyMarketplace to user newdev', 'attach MarketplaceGuard-DenyPaidAmiLaunch to user newdev', 'attach MarketplaceGuard-DenyPaidAmiReplication to user newdev')
        (Revoke-MarketplaceAccess -UserName newdev -Rule 1, 2 -PassThru).Status | Should -Be 'NoChange'
    }

    It 'the denies stop a power user launching a Marketplace AMI and leave ordinary launches alone' {
        Invoke-TestIam $Fake 'AttachUserPolicy' @{ UserName = 'newdev'; PolicyArn = 'arn:aws:iam::aws:policy/PowerUserAccess' }
        $marketplace = @{ Action = 'ec2:RunInstances'; Resource = 'arn:aws:ec2:us-east-1::image/ami-0abc'; Context = @{ 'ec2:Owner' = 'aws-marketplace' } }
        $ordinary = @{ Action = 'ec2:RunInstances'; Resource = 'arn:aws:ec2:us-east-1::image/ami-0abc'; Context = @{ 'ec2:Owner' = 'amazon' } }
        Revoke-MarketplaceAccess -UserName newdev -Rule 2
        $documents = 'arn:aws:iam::aws:policy/PowerUserAccess', 'DenyPaidAmiLaunch', 'DenyPaidAmiReplication' | ForEach-Object {
            if ($_ -like 'arn:*') { (Get-Content (Join-Path $RepoRoot 'src/MarketplaceGuard.Engine/Accounts/AwsManagedPolicies/PowerUserAccess.json') -Raw) } else { (Get-MarketplacePolicyTemplate $_).Document }
        }
        (Test-MarketplacePolicy -PolicyDocument $documents @marketplace).Decision | Should -Be 'ExplicitDeny'
        (Test-MarketplacePolicy -PolicyDocument $documents @ordinary).Decision | Should -Be 'Allowed'
    }

    It 'a launcher grant detaches the Rule 2 denies from its principal, with a warning, and leaves Rule 1 alone' {
        Revoke-MarketplaceAccess -UserName newdev
        $result = Grant-MarketplaceProcurement -UserName newdev -AccessLevel Launcher -PassThru -WarningVariable warned -WarningAction SilentlyContinue
        $result.Changes | Should -Contain 'detach MarketplaceGuard-DenyPaidAmiLaunch from user newdev'
        $result.Changes | Should -Contain 'detach MarketplaceGuard-DenyPaidAmiReplication from user newdev'
        $result.Changes | Should -Not -Contain 'detach MarketplaceGuard-DenyMarketplace from user newdev'
        $warned.Message | Should -Contain 'MarketplaceGuard-DenyPaidAmiLaunch is attached to user newdev and its explicit deny would override the grant, so the grant detaches it.'
    }

    It 'warns when a group of the launcher carries a Rule 2 deny' {
        Revoke-MarketplaceAccess -GroupName Everyone -Rule 2
        $null = Grant-MarketplaceProcurement -UserName dev -AccessLevel Launcher -WarningVariable denied -WarningAction SilentlyContinue
        $denied.Message | Should -Contain 'user dev is in group Everyone, which has MarketplaceGuard-DenyPaidAmiLaunch: its explicit deny still overrides the grant. Take the user out of Everyone (Remove-IAMUserFromGroup), or Remove-MarketplaceAccess -GroupName Everyone.'
    }

    It 'refuses Rule 2 denies that would reach a launcher (<Case>), changing nothing, unless -Force' -TestCases @(
        @{ Case = 'holding the launcher policy'; Setup = { Grant-MarketplaceProcurement -UserName dev -AccessLevel Launcher }; Arguments = @{}; Reason = '*user dev (MarketplaceGuard-PaidAmiLauncher attached)*' }
        @{ Case = 'through a group'; Setup = { Grant-MarketplaceProcurement -GroupName Everyone -AccessLevel Launcher }; Arguments = @{}; Target = @{ UserName = 'dev' }; Reason = '*user dev (MarketplaceGuard-PaidAmiLauncher via group Everyone)*' }
        @{ Case = 'named by -LauncherPrincipal'; Setup = {}; Arguments = @{ LauncherPrincipal = 'user/newdev' }; Reason = '*user newdev (named by -LauncherPrincipal)*' }
        @{ Case = 'in a group named by -LauncherPrincipal'; Setup = {}; Arguments = @{ LauncherPrincipal = 'Everyone' }; Target = @{ UserName = 'dev' }; Reason = '*user dev (in group Everyone, named by -LauncherPrincipal)*' }
    ) {
        & $Setup
        $target = $Target ?? @{ GroupName = 'Everyone' }
        $calls = Get-Calls { try { Revoke-MarketplaceAccess @target @Arguments -Rule 2 -ErrorAction Stop } catch { $script:refused = @($_) } }
        $refused[0].FullyQualifiedErrorId | Should -BeLike 'WouldLockOutLauncher,*'
        $refused[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $refused[0].Exception.Message | Should -BeLike $Reason
        "$($refused[0])" | Should -BeLike '*-Force*Nothing was changed.'
        $calls | Where-Object { $_ -in $Writes } | Should -BeNullOrEmpty

        (Revoke-MarketplaceAccess @target @Arguments -Rule 1 -PassThru).Changes | Should -Not -BeLike '*PaidAmi*' -Because 'the Rule 1 deny does not stop launching'
        $forced = Revoke-MarketplaceAccess @target @Arguments -Rule 2 -Force -PassThru
        $forced.Changes | Should -Contain "attach MarketplaceGuard-DenyPaidAmiLaunch to $($forced.PrincipalType.ToString().ToLowerInvariant()) $($forced.PrincipalName)"
    }

    It 'reports both lockouts when the default revoke reaches a buyer and a launcher' {
        Grant-MarketplaceProcurement -UserName dev
        Grant-MarketplaceProcurement -UserName newdev -AccessLevel Launcher
        $calls = Get-Calls { try { Revoke-MarketplaceAccess -GroupName Everyone -ErrorVariable script:refused -ErrorAction SilentlyContinue } catch { $script:stopped = $_ } }
        $stopped.FullyQualifiedErrorId | Should -BeLike 'WouldLockOutProcurement,*'
        "$stopped" | Should -BeLike '*user dev (MarketplaceGuard-Procurement attached)*Nothing was changed.'
        $refused.FullyQualifiedErrorId | Should -Contain 'WouldLockOutLauncher,MarketplaceGuard.Cmdlets.Changes.RevokeMarketplaceAccessCommand'
        ($refused | Where-Object FullyQualifiedErrorId -Like 'WouldLockOutLauncher,*').Exception.Message | Should -BeLike '*user newdev (MarketplaceGuard-PaidAmiLauncher attached)*'
        $calls | Where-Object { $_ -in $Writes } | Should -BeNullOrEmpty
    }

    It 'Remove-MarketplaceAccess undoes Rule 2 too, and deletes the policies nothing uses' {
        Grant-MarketplaceProcurement -UserName dev -AccessLevel Launcher
        Revoke-MarketplaceAccess -UserName newdev -LauncherPrincipal dev
        $removed = Remove-MarketplaceAccess -UserName newdev -PassThru
        $removed.Changes | Should -Be @(
            'detach MarketplaceGuard-DenyMarketplace from user newdev'
            'delete policy MarketplaceGuard-DenyMarketplace (nothing uses it any more)'
            'detach MarketplaceGuard-DenyPaidAmiLaunch from user newdev'
            'delete policy MarketplaceGuard-DenyPaidAmiLaunch (nothing uses it any more)'
            'detach MarketplaceGuard-DenyPaidAmiReplication from user newdev'
            'delete policy MarketplaceGuard-DenyPaidAmiReplication (nothing uses it any more)')
        (Remove-MarketplaceAccess -UserName dev -PassThru).Changes | Should -Be @('detach MarketplaceGuard-PaidAmiLauncher from user dev', 'delete policy MarketplaceGuard-PaidAmiLauncher (nothing uses it any more)')
        $calls = Get-Calls { Remove-MarketplaceAccess -UserName dev, newdev }
        $calls | Where-Object { $_ -in $Writes } | Should -BeNullOrEmpty
    }

    It '-WhatIf previews Rule 2 changes without a write call' {
        $calls = Get-Calls { $script:preview = Grant-MarketplaceProcurement -UserName dev -AccessLevel Launcher -WhatIf -PassThru 6> $null }
        $preview.Status | Should -Be 'WhatIf'
        $preview.Planned | Should -Contain 'attach MarketplaceGuard-PaidAmiLauncher to user dev'
        $calls | Where-Object { $_ -in $Writes } | Should -BeNullOrEmpty
        $calls = Get-Calls { $script:preview = Revoke-MarketplaceAccess -UserName dev -Rule 2 -WhatIf -PassThru 6> $null }
        $preview.Planned | Should -Contain 'attach MarketplaceGuard-DenyPaidAmiReplication to user dev'
        $calls | Where-Object { $_ -in $Writes } | Should -BeNullOrEmpty
    }

    It 'a declined Rule 1 deny at -Confirm keeps Rule 1 grants but not Rule 2 ones' {
        Grant-MarketplaceProcurement -UserName dev
        Grant-MarketplaceProcurement -UserName dev -AccessLevel Launcher
        Add-Type -Path (Join-Path $PSScriptRoot 'Support/ScriptedHost.cs') -ErrorAction SilentlyContinue
        # Create and attach DenyMarketplace: declined; everything else (Rule 2): approved.
        $scripted = [ScriptedHost]::new([string[]]@('No', 'Yes', 'Yes', 'Yes', 'Yes', 'Yes', 'Yes'))
        $runspace = [runspacefactory]::CreateRunspace($scripted)
        $runspace.Open()
        try {
            $ps = [powershell]::Create()
            $ps.Runspace = $runspace
            $null = $ps.AddScript('param($Manifest, $Url) Import-Module $Manifest; Revoke-MarketplaceAccess -UserName dev -Force -Confirm -PassThru -EndpointUrl $Url -AccessKey AKIACONFIRM000000000 -SecretKey confirm-secret').AddArgument($ManifestPath).AddArgument($Fake.Url)
            $result = $ps.Invoke()
        }
        finally { $runspace.Dispose() }

        $result.Status | Should -Be 'Incomplete'
        $result.Changes | Should -Contain 'detach MarketplaceGuard-PaidAmiLauncher from user dev'
        $result.Changes | Should -Not -Contain 'detach MarketplaceGuard-Procurement from user dev'
        (Get-MarketplaceAccess -Principal dev -Capability Procure).Decision | Should -Be 'Allowed'
    }
}

Describe 'Editions: the Article and Current documents of the same policies' {
    BeforeAll {
        # The article's account, where AWS's AWSMarketplaceManageSubscriptions (as the module ships it) can be attached.
        $account = Get-Content $Article -Raw | ConvertFrom-Json
        $managed = Get-Content (Join-Path $RepoRoot 'src/MarketplaceGuard.Engine/Accounts/AwsManagedPolicies/AWSMarketplaceManageSubscriptions.json') -Raw | ConvertFrom-Json
        $account.Policies += [pscustomobject]@{
            PolicyName = 'AWSMarketplaceManageSubscriptions'; Arn = 'arn:aws:iam::aws:policy/AWSMarketplaceManageSubscriptions'; Path = '/'
            DefaultVersionId = 'v1'; PolicyVersionList = @([pscustomobject]@{ Document = $managed; VersionId = 'v1'; IsDefaultVersion = $true })
        }
        $script:WithManagedSubscriptions = Join-Path $TestDrive 'article-with-managed-subscriptions.json'
        $account | ConvertTo-Json -Depth 20 | Set-Content $WithManagedSubscriptions
    }

    BeforeEach {
        $script:Fake = Start-FakeIam -Account $WithManagedSubscriptions
        Use-FakeIam $Fake
    }

    AfterEach { Stop-FakeIam $Fake }

    It 'converges: the same edition again writes nothing, the other edition writes only the new document version' {
        (Grant-MarketplaceProcurement -GroupName Procurement -Edition Current -PassThru).Status | Should -Be 'Changed'
        $again = Get-Calls { Grant-MarketplaceProcurement -GroupName Procurement -Edition current }
        $again | Where-Object { $_ -in $Writes } | Should -BeNullOrEmpty

        $preview = Get-Calls { $script:wouldBe = Grant-MarketplaceProcurement -GroupName Procurement -WhatIf -PassThru 6> $null }
        $preview | Where-Object { $_ -in $Writes } | Should -BeNullOrEmpty
        $wouldBe.Status | Should -Be 'WhatIf'
        $wouldBe.Planned | Should -Be "update MarketplaceGuard-Procurement to the template's document (new default version)"

        $switch = Get-Calls { Grant-MarketplaceProcurement -GroupName Procurement -Edition Article }
        $switch | Where-Object { $_ -in $Writes } | Should -Be 'CreatePolicyVersion'
        (Get-MarketplaceAccess -Principal pat -Capability Procure).Decision | Should -Be 'Allowed'
    }

    It 'the Current view stops a viewer who also holds AWSMarketplaceManageSubscriptions from cancelling agreements' {
        Invoke-TestIam $Fake 'AttachGroupPolicy' @{ GroupName = 'Billing'; PolicyArn = 'arn:aws:iam::aws:policy/AWSMarketplaceManageSubscriptions' }
        Grant-MarketplaceProcurement -GroupName Billing -AccessLevel Viewer
        (Test-MarketplaceLeastPrivilege -ProcurementPrincipal Procurement -ViewerPrincipal Billing | Where-Object RuleId -EQ 'MG1004').Capability | Should -Contain 'Cancel'

        Grant-MarketplaceProcurement -GroupName Billing -AccessLevel Viewer -Edition Current
        (Get-MarketplaceAccess -Principal bill -Capability Cancel).Decision | Should -Be 'ExplicitDeny'
        (Get-MarketplaceAccess -Principal bill -Capability Procure).Decision | Should -Be 'ExplicitDeny'
        (Get-MarketplaceAccess -Principal bill -Capability ViewSubscriptions).Decision | Should -Be 'Allowed'
        Test-MarketplaceLeastPrivilege -ProcurementPrincipal Procurement -ViewerPrincipal Billing | Where-Object Principal -EQ 'user/bill' | Should -BeNullOrEmpty
    }

    It 'the lockout guard and Remove recognise a grant of the Current edition' {
        Grant-MarketplaceProcurement -GroupName Procurement -Edition Current
        foreach ($edition in 'Article', 'Current') {
            $calls = Get-Calls { try { Revoke-MarketplaceAccess -UserName pat -Edition $edition -ErrorAction Stop } catch { $script:refused = @($_) } }
            $refused[0].FullyQualifiedErrorId | Should -BeLike 'WouldLockOutProcurement,*'
            $refused[0].Exception.Message | Should -BeLike '*user pat (MarketplaceGuard-Procurement via group Procurement)*'
            $calls | Where-Object { $_ -in $Writes } | Should -BeNullOrEmpty
        }

        $removed = Remove-MarketplaceAccess -GroupName Procurement -PassThru
        $removed.Changes | Should -Be @('detach MarketplaceGuard-Procurement from group Procurement', 'delete policy MarketplaceGuard-Procurement (nothing uses it any more)')
    }

    It 'revokes with the same deny in either edition: the second edition writes nothing' {
        (Revoke-MarketplaceAccess -GroupName Everyone -Rule 1 -Edition Current -PassThru).Changes | Should -Contain 'attach MarketplaceGuard-DenyMarketplace to group Everyone'
        $again = Get-Calls { Revoke-MarketplaceAccess -GroupName Everyone -Rule 1 -Edition Article }
        $again | Where-Object { $_ -in $Writes } | Should -BeNullOrEmpty
    }
}

Describe 'Edition parameters refuse bad input, naming it' {
    It '-Edition <Case> is a binding error naming -Edition and the valid editions, for <Command>' -TestCases @(
        foreach ($command in 'Grant-MarketplaceProcurement', 'Revoke-MarketplaceAccess') {
            @{ Command = $command; Case = 'with a typo'; Value = 'Curent' }
            @{ Command = $command; Case = 'empty'; Value = '' }
            @{ Command = $command; Case = 'of the wrong type'; Value = [datetime]::new(2026, 1, 1) }
            @{ Command = $command; Case = 'huge'; Value = 'C' * 100000 }
        }
    ) {
        try { & $Command -GroupName Everyone -Edition $Value -EndpointUrl http://127.0.0.1:1/ -ErrorAction Stop } catch { $failed = $_ }
        $failed.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentValidationError,*'
        $failed.Exception.Message | Should -BeLike "*'Edition'*Article,Current*"
    }

    It 'completes -Edition on Tab' {
        foreach ($command in 'Grant-MarketplaceProcurement', 'Revoke-MarketplaceAccess') {
            $line = "$command -Edition "
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be 'Article', 'Current'
        }
    }
}

Describe 'Rule 3 changes: governance and the distribution deny' {
    BeforeEach {
        $script:Fake = Start-FakeIam
        Use-FakeIam $Fake
    }

    AfterEach { Stop-FakeIam $Fake }

    It 'grants governance, denies distribution to the rest, and a second identical run makes no write call' {
        $grant = Grant-MarketplaceProcurement -UserName dev -AccessLevel Governance -PassThru
        $grant.Operation | Should -Be 'Grant Governance'
        $grant.Changes | Should -Be @('create policy MarketplaceGuard-MarketplaceDistributionAdmin at /marketplaceguard/, tagged managed-by=MarketplaceGuard', 'attach MarketplaceGuard-MarketplaceDistributionAdmin to user dev')
        $revoke = Revoke-MarketplaceAccess -UserName newdev -Rule 3 -GovernancePrincipal dev -PassThru
        $revoke.Changes | Should -Be @(
            'create policy MarketplaceGuard-DenyMarketplaceDistribution at /marketplaceguard/, tagged managed-by=MarketplaceGuard'
            'attach MarketplaceGuard-DenyMarketplaceDistribution to user newdev')

        $calls = Get-Calls { Grant-MarketplaceProcurement -UserName dev -AccessLevel Governance; Revoke-MarketplaceAccess -UserName newdev -Rule 3 -GovernancePrincipal dev }
        $calls | Where-Object { $_ -in $Writes } | Should -BeNullOrEmpty
    }

    It 'leaves Rule 3 out of the default revoke, and a governance grant detaches the distribution deny' {
        (Revoke-MarketplaceAccess -UserName newdev -PassThru).Changes | Should -Not -BeLike '*Distribution*'
        Revoke-MarketplaceAccess -UserName newdev -Rule 3
        $result = Grant-MarketplaceProcurement -UserName newdev -AccessLevel Governance -PassThru -WarningVariable warned -WarningAction SilentlyContinue
        $result.Changes | Should -Contain 'detach MarketplaceGuard-DenyMarketplaceDistribution from user newdev'
        $result.Changes | Should -Not -Contain 'detach MarketplaceGuard-DenyMarketplace from user newdev'
    }

    It 'refuses the distribution deny that would reach a governance principal (<Case>), changing nothing, unless -Force' -TestCases @(
        @{ Case = 'holding the governance policy'; Setup = { Grant-MarketplaceProcurement -UserName dev -AccessLevel Governance }; Arguments = @{}; Reason = '*user dev (MarketplaceGuard-MarketplaceDistributionAdmin attached)*' }
        @{ Case = 'named by -GovernancePrincipal'; Setup = {}; Arguments = @{ GovernancePrincipal = 'user/newdev' }; Reason = '*user newdev (named by -GovernancePrincipal)*' }
    ) {
        & $Setup
        $calls = Get-Calls { try { Revoke-MarketplaceAccess -GroupName Everyone @Arguments -Rule 3 -ErrorAction Stop } catch { $script:refused = @($_) } }
        $refused[0].FullyQualifiedErrorId | Should -BeLike 'WouldLockOutGovernance,*'
        $refused[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $refused[0].Exception.Message | Should -BeLike $Reason
        "$($refused[0])" | Should -BeLike '*-Force*Nothing was changed.'
        $calls | Where-Object { $_ -in $Writes } | Should -BeNullOrEmpty

        $forced = Revoke-MarketplaceAccess -GroupName Everyone @Arguments -Rule 3 -Force -PassThru
        $forced.Changes | Should -Contain 'attach MarketplaceGuard-DenyMarketplaceDistribution to group Everyone'
    }

    It 'refuses -PolicyName with -AccessLevel Governance' {
        try { Grant-MarketplaceProcurement -UserName dev -AccessLevel Governance -PolicyName Curators -ErrorAction Stop } catch { $failed = $_ }
        $failed.FullyQualifiedErrorId | Should -BeLike 'PolicyNameInvalid,*'
        $failed.Exception.Message | Should -BeLike "*'Curators' cannot name the governance grant: it is always MarketplaceGuard-MarketplaceDistributionAdmin*"
    }

    It '-GovernancePrincipal <Case> stops the command before any write, naming the value' -TestCases @(
        @{ Case = 'with a typo'; Value = 'deb'; Id = 'PrincipalNotFound'; Message = "*-GovernancePrincipal: 'deb' (did you mean user/dev?) names no user, group or role*" }
        @{ Case = 'empty'; Value = ''; Id = 'ParameterArgumentValidationError'; Message = "*'GovernancePrincipal'*" }
        @{ Case = 'of the wrong type'; Value = [datetime]::new(2026, 1, 1); Id = 'PrincipalInvalid'; Message = "*-GovernancePrincipal: '*2026*' has a '/' but does not start with user/, group/ or role/*" }
        @{ Case = 'huge'; Value = 'x' * 100000; Id = 'PrincipalNotFound'; Message = "*-GovernancePrincipal: 'xxx*' (100,000 characters) names no user, group or role*" }
    ) {
        $calls = Get-Calls { try { Revoke-MarketplaceAccess -GroupName Everyone -Rule 3 -GovernancePrincipal $Value -ErrorAction Stop } catch { $script:failed = $_ } }
        $failed.FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $failed.Exception.Message | Should -BeLike $Message
        $calls | Where-Object { $_ -in $Writes } | Should -BeNullOrEmpty
    }
}

Describe 'Rule 2 parameters refuse bad input, naming it' {
    It '-Rule <Case> is a binding error naming -Rule' -TestCases @(
        @{ Case = 'with a typo'; Value = 'l' }
        @{ Case = 'empty'; Value = '' }
        @{ Case = 'an empty list'; Value = @() }
        @{ Case = 'of the wrong type'; Value = [datetime]::new(2026, 1, 1) }
        @{ Case = 'out of range'; Value = 4 }
        @{ Case = 'huge'; Value = '99999999999999999999' }
    ) {
        try { Revoke-MarketplaceAccess -GroupName Everyone -Rule $Value -EndpointUrl http://127.0.0.1:1/ -ErrorAction Stop } catch { $failed = $_ }
        $failed.FullyQualifiedErrorId | Should -BeLike '*Argument*,*'
        $failed.Exception.Message | Should -BeLike "*'Rule'*"
    }

    It '-AccessLevel <Case> is a binding error naming -AccessLevel and the valid levels' -TestCases @(
        @{ Case = 'with a typo'; Value = 'Launchr' }
        @{ Case = 'empty'; Value = '' }
        @{ Case = 'of the wrong type'; Value = 2 }
        @{ Case = 'huge'; Value = 'L' * 100000 }
    ) {
        try { Grant-MarketplaceProcurement -GroupName Everyone -AccessLevel $Value -EndpointUrl http://127.0.0.1:1/ -ErrorAction Stop } catch { $failed = $_ }
        $failed.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentValidationError,*'
        $failed.Exception.Message | Should -BeLike "*'AccessLevel'*Buyer,Viewer,Launcher*"
    }

    It 'refuses -PolicyName with -AccessLevel Launcher before reading the account' {
        try { Grant-MarketplaceProcurement -UserName dev -AccessLevel Launcher -PolicyName TeamLaunch -EndpointUrl http://127.0.0.1:1/ -ErrorAction Stop } catch { $failed = $_ }
        $failed.FullyQualifiedErrorId | Should -BeLike 'PolicyNameInvalid,*'
        $failed.TargetObject | Should -Be 'TeamLaunch'
        $failed.Exception.Message | Should -BeLike "*'TeamLaunch' cannot name the launcher grant*"
    }

    Context 'on a fake IAM endpoint' {
        BeforeAll {
            $script:Fake = Start-FakeIam
            Use-FakeIam $Fake
        }

        AfterAll { Stop-FakeIam $Fake }

        It '-LauncherPrincipal <Case> stops the command before any write, naming the value' -TestCases @(
            @{ Case = 'with a typo'; Value = 'deb'; Id = 'PrincipalNotFound'; Message = "*-LauncherPrincipal: 'deb' (did you mean user/dev?) names no user, group or role*" }
            @{ Case = 'empty'; Value = ''; Id = 'ParameterArgumentValidationError'; Message = "*'LauncherPrincipal'*" }
            @{ Case = 'of the wrong type'; Value = [datetime]::new(2026, 1, 1); Id = 'PrincipalInvalid'; Message = "*-LauncherPrincipal: '*2026*' has a '/' but does not start with user/, group/ or role/*" }
            @{ Case = 'huge'; Value = 'x' * 100000; Id = 'PrincipalNotFound'; Message = "*-LauncherPrincipal: 'xxx*' (100,000 characters) names no user, group or role*" }
        ) {
            $calls = Get-Calls { try { Revoke-MarketplaceAccess -GroupName Everyone -Rule 2 -LauncherPrincipal $Value -ErrorAction Stop } catch { $script:failed = $_ } }
            $failed.FullyQualifiedErrorId | Should -BeLike "$Id,*"
            $failed.Exception.Message | Should -BeLike $Message
            $calls | Where-Object { $_ -in $Writes } | Should -BeNullOrEmpty
        }
    }

    It 'completes -Rule and -AccessLevel on Tab' {
        $line = 'Revoke-MarketplaceAccess -Rule '
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be '1', '2', '3'
        $line = 'Grant-MarketplaceProcurement -AccessLevel L'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be 'Launcher'
    }
}

Describe 'Previews and confirmations tell the truth' {
    BeforeEach {
        $script:Fake = Start-FakeIam
        Use-FakeIam $Fake
    }

    AfterEach { Stop-FakeIam $Fake }

    It '-WhatIf -PassThru reports what would change, not "no change"' {
        $preview = Grant-MarketplaceProcurement -GroupName Procurement -WhatIf -PassThru 6> $null
        $preview.Status | Should -Be 'WhatIf'
        $preview.Planned | Should -Be @('create policy MarketplaceGuard-Procurement at /marketplaceguard/, tagged managed-by=MarketplaceGuard', 'attach MarketplaceGuard-Procurement to group Procurement')
        $preview.Changes | Should -BeNullOrEmpty
        "$preview" | Should -BeLike 'Grant Buyer group/Procurement: would create policy*'
        (Grant-MarketplaceProcurement -GroupName Procurement -PassThru).Status | Should -Be 'Changed'
        (Grant-MarketplaceProcurement -GroupName Procurement -WhatIf -PassThru).Status | Should -Be 'NoChange'
    }

    It 'findings pipe straight into the fix they recommend' {
        Grant-MarketplaceProcurement -GroupName Procurement
        Invoke-TestIam $Fake 'AttachUserPolicy' @{ UserName = 'dev'; PolicyArn = 'arn:aws:iam::aws:policy/PowerUserAccess' }
        $findings = Test-MarketplaceLeastPrivilege -ProcurementPrincipal Procurement | Where-Object RuleId -EQ MG1001
        $findings.PrincipalName | Should -Contain 'dev'
        $fix = $findings | Revoke-MarketplaceAccess -PassThru
        $fix.Principal | Should -Contain 'user/dev'
        Test-MarketplaceLeastPrivilege -ProcurementPrincipal Procurement | Where-Object RuleId -EQ MG1001 | Should -BeNullOrEmpty
    }

    It 'skips the changes that need a change declined at -Confirm: <Case>' -TestCases @(
        @{ Case = 'Remove, detach declined'; Setup = { Grant-MarketplaceProcurement -GroupName Procurement }; Command = 'Remove-MarketplaceAccess -GroupName Procurement -Confirm -PassThru'; Answers = @('No'); Skipped = "*Skipped 'delete policy MarketplaceGuard-Procurement*needs 'detach MarketplaceGuard-Procurement from group Procurement'*" }
        @{ Case = 'Grant, create declined'; Setup = {}; Command = 'Grant-MarketplaceProcurement -GroupName Procurement -Confirm -PassThru'; Answers = @('No'); Skipped = "*Skipped 'attach MarketplaceGuard-Procurement to group Procurement'*needs 'create policy*" }
    ) {
        & $Setup
        Add-Type -Path (Join-Path $PSScriptRoot 'Support/ScriptedHost.cs') -ErrorAction SilentlyContinue
        $scripted = [ScriptedHost]::new([string[]]$Answers)
        $runspace = [runspacefactory]::CreateRunspace($scripted)
        $runspace.Open()
        try {
            $ps = [powershell]::Create()
            $ps.Runspace = $runspace
            $null = $ps.AddScript("param(`$Manifest, `$Url) Import-Module `$Manifest; $Command -EndpointUrl `$Url -AccessKey AKIACONFIRM000000000 -SecretKey confirm-secret").AddArgument($ManifestPath).AddArgument($Fake.Url)
            $result = $ps.Invoke()
            $warnings = $ps.Streams.Warning | ForEach-Object Message
            $errors = $ps.Streams.Error
        }
        finally { $runspace.Dispose() }

        $errors | Should -BeNullOrEmpty
        $scripted.Prompts.Count | Should -Be 1 -Because 'a change that needs a declined one is not asked about'
        $warnings | Should -BeLike $Skipped
        $result.Status | Should -Be 'Incomplete'
        $result.Changes | Should -BeNullOrEmpty
    }
}

Describe 'Changes in scripts' {
    It 'a failed Grant leaves a pwsh -File script at exit 0, and the documented pattern turns it into exit 1' {
        $plain = Join-Path $TestDrive 'plain.ps1'
        $strict = Join-Path $TestDrive 'strict.ps1'
        $common = "Import-Module '$ManifestPath'; `$PSDefaultParameterValues['*-Marketplace*:EndpointUrl'] = 'http://127.0.0.1:1/'; `$PSDefaultParameterValues['*-Marketplace*:AccessKey'] = 'AKIASCRIPT0000000000'; `$PSDefaultParameterValues['*-Marketplace*:SecretKey'] = 'script-secret'"
        Set-Content $plain "$common; Grant-MarketplaceProcurement -GroupName Procurement"
        Set-Content $strict "$common; try { Grant-MarketplaceProcurement -GroupName Procurement -ErrorAction Stop } catch { Write-Error `$_; exit 1 }"

        $null = & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -File $plain 2>&1
        $LASTEXITCODE | Should -Be 0 -Because 'a cmdlet error does not end a script by itself'
        $output = & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -File $strict 2>&1
        $LASTEXITCODE | Should -Be 1
        "$output" | Should -Not -BeLike '*script-secret*'
    }
}

Describe 'Changes under throttling' {
    It 'converges with 30% of the calls throttled' {
        $fake = Start-FakeIam @('--throttle-fraction', '0.3', '--seed', '11')
        try {
            Use-FakeIam $fake
            Grant-MarketplaceProcurement -GroupName Procurement
            Grant-MarketplaceProcurement -GroupName Billing -AccessLevel Viewer -Edition Current
            Revoke-MarketplaceAccess -GroupName Everyone -ProcurementPrincipal Procurement
            Test-MarketplaceLeastPrivilege -ProcurementPrincipal Procurement -ViewerPrincipal Billing | Should -BeNullOrEmpty
        }
        finally { Stop-FakeIam $fake }
    }
}
