BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Import-Module $ManifestPath -Force
    $script:Sample = Join-Path $RepoRoot 'examples/sample-account.json'
    $script:FakeIam = Join-Path $RepoRoot 'artifacts/bin/MarketplaceGuard.FakeIam/release/MarketplaceGuard.FakeIam.dll'
    $script:Secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzSECRETKEY'
    $script:Keys = @{ AccessKey = 'AKIAMARKETPLACETEST1'; SecretKey = $Secret }

    function Start-FakeIam([string[]] $Arguments = @()) {
        # The fake IAM endpoint runs in its own process on 127.0.0.1; it stops when its stdin closes.
        $info = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
        foreach ($a in @($FakeIam, '--account', $Sample) + $Arguments) { $info.ArgumentList.Add($a) }
        $info.RedirectStandardInput = $true
        $info.RedirectStandardOutput = $true
        $info.UseShellExecute = $false
        $process = [System.Diagnostics.Process]::Start($info)
        $line = $process.StandardOutput.ReadLine()
        if ($line -notmatch '^listening (http://127\.0\.0\.1:\d+/)') { throw "The fake IAM endpoint did not start: $line" }
        [pscustomobject]@{ Process = $process; Url = $Matches[1] }
    }

    function Stop-FakeIam($fake) {
        $fake.Process.StandardInput.Close()
        if (-not $fake.Process.WaitForExit(5000)) { $fake.Process.Kill() }
    }

    $script:Fake = Start-FakeIam
    $env:AWS_EC2_METADATA_DISABLED = 'true'
}

AfterAll {
    Stop-FakeIam $Fake
}

Describe 'Live audits against an IAM endpoint' {
    It 'finds exactly what the offline audit of the same account finds' {
        $audit = @{ ProcurementPrincipal = 'Procurement'; ViewerPrincipal = 'Billing'; WarningAction = 'SilentlyContinue' }
        $offline = Test-MarketplaceLeastPrivilege @audit -AuthorizationDetailsPath $Sample
        $live = Test-MarketplaceLeastPrivilege @audit @Keys -EndpointUrl $Fake.Url
        $describe = { "$($_.RuleId) $($_.Severity) $($_.PrincipalArn) $($_.Capability) $($_.Reason)" }
        ($live | ForEach-Object $describe | Sort-Object) | Should -Be ($offline | ForEach-Object $describe | Sort-Object)
        $live.Count | Should -Be $offline.Count
    }

    It 'reads the account with GetAccountAuthorizationDetails pages only, no per-principal call, and shows each call in -Verbose' {
        $verbose = Get-MarketplaceAccess @Keys -EndpointUrl $Fake.Url -Capability Procure -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
        $calls = $verbose | Where-Object { $_ -match '^(IAM|STS) \w+: ' }
        ($calls | Where-Object { $_ -match '^IAM GetAccountAuthorizationDetails: HTTP 200 OK, attempt 1, [\d,]+ ms' }).Count | Should -Be 1
        ($calls | Where-Object { $_ -match '^STS GetCallerIdentity' }).Count | Should -Be 1
        $calls.Count | Should -Be 2
        $verbose | Should -Contain "Calling IAM at $($Fake.Url) (signing region us-east-1) with credentials from -AccessKey."
    }

    It 'makes about one GetAccountAuthorizationDetails call per 1,000 entities on a large account' {
        $large = Join-Path $TestDrive 'large.json'
        & (Join-Path $RepoRoot 'tests/Performance/New-SyntheticAccount.ps1') -Path $large -Scale 0.5 -Seed 3 6> $null
        $json = Get-Content $large -Raw | ConvertFrom-Json
        $entities = $json.UserDetailList.Count + $json.GroupDetailList.Count + $json.RoleDetailList.Count + $json.Policies.Count
        $info = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
        foreach ($a in @($FakeIam, '--account', $large)) { $info.ArgumentList.Add($a) }
        $info.RedirectStandardInput = $true; $info.RedirectStandardOutput = $true; $info.UseShellExecute = $false
        $process = [System.Diagnostics.Process]::Start($info)
        try {
            $url = ($process.StandardOutput.ReadLine() -replace '^listening ', '')
            $verbose = Get-MarketplaceAccess @Keys -EndpointUrl $url -Principal 'Procurement' -Capability Procure -Verbose 4>&1 |
                Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
            $pages = @($verbose | Where-Object { $_ -match '^IAM GetAccountAuthorizationDetails: HTTP 200' })
            $pages.Count | Should -Be ([math]::Ceiling($entities / 1000)) -Because "$entities entities at 1,000 per page"
            @($verbose | Where-Object { $_ -match '^IAM (?!GetAccountAuthorizationDetails)' }).Count | Should -Be 0 -Because 'no per-principal call is needed'
        }
        finally {
            $process.StandardInput.Close()
            if (-not $process.WaitForExit(5000)) { $process.Kill() }
        }
    }

    It 'exports the snapshot the offline audit reads, and leaves no partial file' {
        $path = Join-Path $TestDrive 'account.json'
        $file = Export-MarketplaceAuthorizationSnapshot -Path $path @Keys -EndpointUrl $Fake.Url -PassThru
        $file.FullName | Should -Be $path
        Get-ChildItem (Split-Path $path) -Filter '*.partial' | Should -BeNullOrEmpty
        $json = Get-Content $path -Raw | ConvertFrom-Json
        $json.UserDetailList.Count | Should -Be 17
        $json.RoleDetailList.Count | Should -Be 7
        $offline = Test-MarketplaceLeastPrivilege -AuthorizationDetailsPath $Sample -ProcurementPrincipal Procurement -WarningAction SilentlyContinue
        $exported = Test-MarketplaceLeastPrivilege -AuthorizationDetailsPath $path -ProcurementPrincipal Procurement -WarningAction SilentlyContinue
        ($exported | ForEach-Object { "$($_.RuleId) $($_.PrincipalArn)" } | Sort-Object) | Should -Be ($offline | ForEach-Object { "$($_.RuleId) $($_.PrincipalArn)" } | Sort-Object)
    }

    It 'never shows the secret key in any stream, error or verbose line' {
        $everything = & {
            Get-MarketplaceAccess @Keys -EndpointUrl $Fake.Url -Principal pat -Verbose -Debug -InformationAction Continue -WarningAction Continue
            try { Test-MarketplaceLeastPrivilege @Keys -EndpointUrl $Fake.Url -ProcurementPrincipal nobody -ErrorAction Stop } catch { $_ | Format-List * -Force }
            try { Get-MarketplaceAccess @Keys -EndpointUrl 'http://127.0.0.1:1/' -ErrorAction Stop -Verbose } catch { $_ | Format-List * -Force; $_.Exception | Format-List * -Force }
        } *>&1 | Out-String -Width 500
        $everything | Should -Not -BeNullOrEmpty
        $everything | Should -Not -Match ([regex]::Escape($Secret))
        $Error | Out-String -Width 500 | Should -Not -Match ([regex]::Escape($Secret))
    }

    It 'reads credentials from -ProfileName in a -ProfileLocation file, and from $StoredAWSCredentials-like objects' {
        $profiles = Join-Path $TestDrive 'credentials'
        "[audit]`naws_access_key_id = AKIAPROFILEAUDIT0000`naws_secret_access_key = profile-secret`n" | Set-Content $profiles
        $verbose = Get-MarketplaceAccess -ProfileName audit -ProfileLocation $profiles -EndpointUrl $Fake.Url -Principal pat -Capability Procure -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
        $verbose | Should -Contain "Calling IAM at $($Fake.Url) (signing region us-east-1) with credentials from profile 'audit' in $profiles."

        # Shaped like AWS.Tools' credentials (a CLR object with GetCredentials()), from another assembly than ours.
        Add-Type -TypeDefinition @'
public sealed class ShellCredentialsForTest { public ImmutableForTest GetCredentials() => new ImmutableForTest(); }
public sealed class ImmutableForTest { public string AccessKey => "AKIASTOREDSHELL00000"; public string SecretKey => "stored-secret"; public string Token => null; }
'@
        try {
            # Set-AWSCredential sets the shell variable globally, where compiled cmdlets read it.
            $global:StoredAWSCredentials = [ShellCredentialsForTest]::new()
            $verbose = Get-MarketplaceAccess -EndpointUrl $Fake.Url -Principal pat -Capability Procure -Verbose 4>&1 |
                Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
            $verbose | Should -Contain "Calling IAM at $($Fake.Url) (signing region us-east-1) with credentials from `$StoredAWSCredentials."
            $verbose = Get-MarketplaceAccess -Credential ([ShellCredentialsForTest]::new()) -EndpointUrl $Fake.Url -Principal pat -Capability Procure -Verbose 4>&1 |
                Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
            $verbose | Should -Contain "Calling IAM at $($Fake.Url) (signing region us-east-1) with credentials from -Credential."
        }
        finally {
            Remove-Variable StoredAWSCredentials -Scope Global -ErrorAction SilentlyContinue
        }
    }

    It 'honours AWS_ENDPOINT_URL_IAM and the environment credentials' {
        try {
            $env:AWS_ENDPOINT_URL_IAM = $Fake.Url
            $env:AWS_ACCESS_KEY_ID = 'AKIAENVIRONMENT00000'
            $env:AWS_SECRET_ACCESS_KEY = 'environment-secret'
            $entry = Get-MarketplaceAccess -Principal pat -Capability Procure
            $entry.Decision | Should -Be 'Allowed'
        }
        finally {
            Remove-Item Env:AWS_ENDPOINT_URL_IAM, Env:AWS_ACCESS_KEY_ID, Env:AWS_SECRET_ACCESS_KEY -ErrorAction SilentlyContinue
        }
    }

    It 'stops with a ConnectionError naming the operation when nothing answers' {
        $errorRecord = $null
        try { Get-MarketplaceAccess @Keys -EndpointUrl 'http://127.0.0.1:1/' -ErrorAction Stop } catch { $errorRecord = $_ }
        $errorRecord.CategoryInfo.Category | Should -Be 'ConnectionError'
        $errorRecord.Exception.Message | Should -BeLike 'GetCallerIdentity failed: ConnectionFailed: *'
    }

    It 'completes with the same findings when 30% of the calls are throttled' {
        $throttled = Start-FakeIam @('--throttle-fraction', '0.3', '--seed', '7')
        try {
            $audit = @{ ProcurementPrincipal = 'Procurement'; ViewerPrincipal = 'Billing'; WarningAction = 'SilentlyContinue' }
            $offline = Test-MarketplaceLeastPrivilege @audit -AuthorizationDetailsPath $Sample
            $live = Test-MarketplaceLeastPrivilege @audit @Keys -EndpointUrl $throttled.Url
            ($live | ForEach-Object { "$($_.RuleId) $($_.PrincipalArn)" } | Sort-Object) | Should -Be ($offline | ForEach-Object { "$($_.RuleId) $($_.PrincipalArn)" } | Sort-Object)
        }
        finally {
            Stop-FakeIam $throttled
        }
    }

    It 'fails a script with a non-zero exit and a clear error when IAM keeps refusing, writing nothing' {
        $refusing = Start-FakeIam @('--throttle-fraction', '1', '--seed', '1')
        try {
            $path = Join-Path $TestDrive 'never.json'
            $output = Invoke-ChildPwsh -AllowFailure -Script @"
Import-Module '$ManifestPath'
`$ErrorActionPreference = 'Stop'
Export-MarketplaceAuthorizationSnapshot -Path '$path' -AccessKey AKIAMARKETPLACETEST1 -SecretKey '$Secret' -EndpointUrl '$($refusing.Url)'
"@
            $LASTEXITCODE | Should -Not -Be 0
            ($output -join "`n") | Should -Match 'failed: Throttling'
            ($output -join "`n") | Should -Not -Match ([regex]::Escape($Secret))
            $path | Should -Not -Exist
            Get-ChildItem (Split-Path $path) -Filter '*.partial' | Should -BeNullOrEmpty
        }
        finally {
            Stop-FakeIam $refusing
        }
    }
}

Describe 'IAM errors as PowerShell errors' {
    It 'maps <Code> to <Category>' -ForEach @(
        @{ Code = 'NoSuchEntity'; Category = 'ObjectNotFound' }
        @{ Code = 'AccessDenied'; Category = 'PermissionDenied' }
        @{ Code = 'MalformedPolicyDocument'; Category = 'InvalidData' }
        @{ Code = 'LimitExceeded'; Category = 'LimitsExceeded' }
        @{ Code = 'EntityAlreadyExists'; Category = 'ResourceExists' }
        @{ Code = 'Throttling'; Category = 'ResourceBusy' }
        @{ Code = 'ServiceFailure'; Category = 'ResourceBusy' }
        @{ Code = 'InvalidClientTokenId'; Category = 'AuthenticationError' }
        @{ Code = 'ConnectionFailed'; Category = 'ConnectionError' }
        @{ Code = 'Timeout'; Category = 'OperationTimeout' }
    ) {
        $type = (Get-Command Get-MarketplaceAccess).ImplementingType.Assembly.GetType('MarketplaceGuard.Cmdlets.Aws.IamErrors')
        $type::CategoryOf($Code) | Should -Be $Category
    }
}
