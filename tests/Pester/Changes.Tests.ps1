BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Import-Module $ManifestPath -Force
    $script:FakeIam = Join-Path $RepoRoot 'artifacts/bin/MarketplaceGuard.FakeIam/release/MarketplaceGuard.FakeIam.dll'
    $script:Article = Join-Path $PSScriptRoot 'Data/article-account.json'

    function Start-FakeIam([string[]] $Arguments = @()) {
        $info = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
        foreach ($a in @($FakeIam, '--account', $Article) + $Arguments) { $info.ArgumentList.Add($a) }
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

        Test-MarketplaceLeastPrivilege -ProcurementPrincipal Procurement -ViewerPrincipal Billing | Should -BeNullOrEmpty

        # Drift: someone takes a developer out of Everyone and gives it PowerUserAccess.
        Invoke-TestIam $Fake 'RemoveUserFromGroup' @{ GroupName = 'Everyone'; UserName = 'newdev' }
        Invoke-TestIam $Fake 'AttachUserPolicy' @{ UserName = 'newdev'; PolicyArn = 'arn:aws:iam::aws:policy/PowerUserAccess' }
        $findings = Test-MarketplaceLeastPrivilege -ProcurementPrincipal Procurement -ViewerPrincipal Billing
        $procure = $findings | Where-Object RuleId -EQ 'MG1001'
        $procure.PrincipalName | Should -Be 'newdev'
        $procure.Severity | Should -Be 'High'

        Invoke-Expression $procure.Recommendation
        Test-MarketplaceLeastPrivilege -ProcurementPrincipal Procurement -ViewerPrincipal Billing | Should -BeNullOrEmpty
    }

    It 'makes no write call on a second identical run' {
        $calls = Get-Calls { Grant-MarketplaceProcurement -GroupName Procurement; Grant-MarketplaceProcurement -GroupName Billing -AccessLevel Viewer; Revoke-MarketplaceAccess -GroupName Everyone -ProcurementPrincipal Procurement }
        $calls | Should -Not -BeNullOrEmpty
        $calls | Where-Object { $_ -in $Writes } | Should -BeNullOrEmpty
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
        Revoke-MarketplaceAccess -UserName pat -ErrorVariable refused -ErrorAction SilentlyContinue
        $calls = Get-Calls { Revoke-MarketplaceAccess -UserName pat -ErrorAction SilentlyContinue }
        $refused[0].FullyQualifiedErrorId | Should -BeLike 'WouldLockOutProcurement,*'
        $refused[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $refused[0].Exception.Message | Should -BeLike '*user pat (MarketplaceGuard-Procurement via group Procurement)*-Force*'
        $calls | Where-Object { $_ -in $Writes } | Should -BeNullOrEmpty

        $forced = Revoke-MarketplaceAccess -UserName pat -Force -PassThru
        $forced.Changes | Should -Contain 'attach MarketplaceGuard-DenyMarketplace to user pat'
    }

    It 'refuses a deny on a group whose members are named by -ProcurementPrincipal' {
        Revoke-MarketplaceAccess -GroupName Procurement -ProcurementPrincipal pat -ErrorVariable refused -ErrorAction SilentlyContinue
        $refused[0].Exception.Message | Should -BeLike '*user pat (named by -ProcurementPrincipal)*'
    }

    It 'detaches our deny from a principal it grants to, with a warning' {
        Revoke-MarketplaceAccess -UserName newdev
        $result = Grant-MarketplaceProcurement -UserName newdev -PassThru -WarningVariable warned -WarningAction SilentlyContinue
        $result.Changes | Should -Contain 'detach MarketplaceGuard-DenyMarketplace from user newdev'
        $warned[0].Message | Should -Be 'MarketplaceGuard-DenyMarketplace is attached to user newdev and its explicit deny would override the grant: it is detached.'
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

    It 'reports a missing principal as ObjectNotFound, changes nothing, and carries on with the others' {
        $results = Grant-MarketplaceProcurement -GroupName Ghosts, Procurement -PassThru -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failed[0].Exception.Message | Should -BeLike '*NoSuchEntity: The group with name Ghosts cannot be found.*'
        $results.PrincipalName | Should -Be 'Procurement'
        $results.Changed | Should -BeTrue
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

Describe 'Changes under throttling' {
    It 'converges with 30% of the calls throttled' {
        $fake = Start-FakeIam @('--throttle-fraction', '0.3', '--seed', '11')
        try {
            Use-FakeIam $fake
            Grant-MarketplaceProcurement -GroupName Procurement
            Grant-MarketplaceProcurement -GroupName Billing -AccessLevel Viewer
            Revoke-MarketplaceAccess -GroupName Everyone -ProcurementPrincipal Procurement
            Test-MarketplaceLeastPrivilege -ProcurementPrincipal Procurement -ViewerPrincipal Billing | Should -BeNullOrEmpty
        }
        finally { Stop-FakeIam $fake }
    }
}
