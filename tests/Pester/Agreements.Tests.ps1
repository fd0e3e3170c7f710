BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Import-Module $ManifestPath -Force
    $script:FakeDll = Join-Path $RepoRoot 'artifacts/bin/MarketplaceGuard.FakeIam/release/MarketplaceGuard.FakeIam.dll'
    $script:Keys = @{ AccessKey = 'AKIAAGREEMENTS000000'; SecretKey = 'agreements-secret-do-not-print' }
    $env:AWS_EC2_METADATA_DISABLED = 'true'

    function Get-Date-In([double] $days) { [DateTime]::UtcNow.AddDays($days).ToString('o') }

    # 111122223333 (the default account; the organization's management account): five agreements, ending in 10 days,
    # in 60 days, 5 days ago (expired), never (pay-as-you-go), in 20 days (cancelled). 222233334444 is denied the
    # Agreement API; 444455556666 has one agreement.
    $script:Seed = Join-Path $TestDrive 'agreements.json'
    @{
        agreements = @(
            @{ agreementId = 'agmt-soon'; acceptorAccountId = '111122223333'; status = 'ACTIVE'; offerId = 'offer-soon'
               resources = @(@{ id = 'prod-aaaaaaaaaaaaa'; type = 'SaaSProduct' }); endTime = Get-Date-In 10
               acceptanceTime = '2026-01-02T03:04:05Z'; startTime = '2026-01-02T00:00:00Z'
               licenseArns = @('arn:aws:license-manager::294406891311:license:l-soon1', 'arn:aws:license-manager::294406891311:license:l-soon2') }
            @{ agreementId = 'agmt-later'; acceptorAccountId = '111122223333'; status = 'ACTIVE'
               resources = @(@{ id = 'prod-bbbbbbbbbbbbb'; type = 'AmiProduct' }); endTime = Get-Date-In 60 }
            @{ agreementId = 'agmt-ended'; acceptorAccountId = '111122223333'; status = 'EXPIRED'
               resources = @(@{ id = 'prod-aaaaaaaaaaaaa'; type = 'SaaSProduct' }); endTime = Get-Date-In -5 }
            @{ agreementId = 'agmt-payg'; acceptorAccountId = '111122223333'; status = 'ACTIVE'
               resources = @(@{ id = 'prod-ccccccccccccc'; type = 'AmiProduct' }) }
            @{ agreementId = 'agmt-cancelled'; acceptorAccountId = '111122223333'; status = 'CANCELLED'
               resources = @(@{ id = 'prod-bbbbbbbbbbbbb'; type = 'AmiProduct' }); endTime = Get-Date-In 20 }
            @{ agreementId = 'agmt-sandbox'; acceptorAccountId = '222233334444'; status = 'ACTIVE'
               resources = @(@{ id = 'prod-aaaaaaaaaaaaa'; type = 'SaaSProduct' }) }
            @{ agreementId = 'agmt-workloads'; acceptorAccountId = '444455556666'; status = 'ACTIVE'
               resources = @(@{ id = 'prod-ddddddddddddd'; type = 'ContainerProduct' }); endTime = Get-Date-In 15 }
        )
        deny = @('222233334444')
    } | ConvertTo-Json -Depth 6 | Set-Content -LiteralPath $Seed

    function Start-Fake([string[]] $Arguments) {
        $info = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
        foreach ($a in @($FakeDll, '--agreements', $Seed) + $Arguments) { $info.ArgumentList.Add($a) }
        $info.RedirectStandardInput = $true; $info.RedirectStandardOutput = $true; $info.UseShellExecute = $false
        $process = [System.Diagnostics.Process]::Start($info)
        $line = $process.StandardOutput.ReadLine()
        if ($line -notmatch '^listening (http://127\.0\.0\.1:\d+/)') { throw "The fake endpoint did not start: $line" }
        [pscustomobject]@{ Process = $process; Url = $Matches[1] }
    }

    function Stop-Fake($fake) {
        $fake.Process.StandardInput.Close()
        if (-not $fake.Process.WaitForExit(5000)) { $fake.Process.Kill() }
    }

    $script:Fake = Start-Fake @()
    $script:Live = @{ EndpointUrl = $Fake.Url } + $Keys
}

AfterAll {
    Stop-Fake $Fake
}

Describe 'Get-MarketplaceAgreement' {
    It 'lists the account''s agreements as acceptor, latest end first, with every field' {
        $found = Get-MarketplaceAgreement @Live

        $found.AgreementId | Should -Be 'agmt-later', 'agmt-cancelled', 'agmt-soon', 'agmt-ended', 'agmt-payg'
        $found | ForEach-Object { $_.AccountId | Should -Be '111122223333' }
        $found | ForEach-Object { $_.AccountName | Should -BeNullOrEmpty }
        $soon = $found | Where-Object AgreementId -EQ 'agmt-soon'
        $soon.GetType().FullName | Should -Be 'MarketplaceGuard.Engine.Procurement.Agreement'
        $soon.ProductId | Should -Be 'prod-aaaaaaaaaaaaa'
        $soon.ResourceType | Should -Be 'SaaSProduct'
        $soon.OfferId | Should -Be 'offer-soon'
        $soon.AcceptanceTime | Should -Be ([DateTimeOffset]'2026-01-02T03:04:05Z')
        $soon.LicenseArns | Should -Be 'arn:aws:license-manager::294406891311:license:l-soon1', 'arn:aws:license-manager::294406891311:license:l-soon2'
        ($found | Where-Object AgreementId -EQ 'agmt-payg').EndTime | Should -BeNullOrEmpty
    }

    It 'binds to AWS.Tools.MarketplaceAgreement-style parameters by AgreementId, and shows the default table' {
        function Get-MAGAgreementTermLike { param([Parameter(ValueFromPipelineByPropertyName, Mandatory)] [string] $AgreementId) process { $AgreementId } }
        Get-MarketplaceAgreement @Live -Status CANCELLED | Get-MAGAgreementTermLike | Should -Be 'agmt-cancelled'

        $table = (Get-MarketplaceAgreement @Live -Status ACTIVE -ResourceType AmiProduct | Out-String -Width 200) -split '\r?\n' | Where-Object { $_ }
        $table[0] | Should -Match '^AccountId\s+AgreementId\s+ProductId\s+Status\s+EndTime\s*$'
        $table | Where-Object { $_ -match 'agmt-payg' } | Should -Match '\(none: pay-as-you-go\)'
    }

    It 'filters by <Name>' -ForEach @(
        @{ Name = 'one status'; Filter = @{ Status = 'active' }; Expected = 'agmt-later', 'agmt-soon', 'agmt-payg' }
        @{ Name = 'several statuses'; Filter = @{ Status = 'EXPIRED', 'CANCELLED' }; Expected = 'agmt-cancelled', 'agmt-ended' }
        @{ Name = 'product'; Filter = @{ ProductId = 'prod-aaaaaaaaaaaaa' }; Expected = 'agmt-soon', 'agmt-ended' }
        @{ Name = 'products and status'; Filter = @{ ProductId = 'prod-aaaaaaaaaaaaa', 'prod-bbbbbbbbbbbbb'; Status = 'ACTIVE' }; Expected = 'agmt-later', 'agmt-soon' }
        @{ Name = 'status and resource type (not combinable in the API)'; Filter = @{ Status = 'ACTIVE'; ResourceType = 'AmiProduct' }; Expected = 'agmt-later', 'agmt-payg' }
        @{ Name = 'resource types'; Filter = @{ ResourceType = 'SaaSProduct', 'ContainerProduct' }; Expected = 'agmt-soon', 'agmt-ended' }
        @{ Name = 'expiry within 30 days (not past, never pay-as-you-go)'; Filter = @{ ExpiresWithin = '30.00:00:00' }; Expected = 'agmt-cancelled', 'agmt-soon' }
        @{ Name = 'expiry within 30 days, active only'; Filter = @{ ExpiresWithin = (New-TimeSpan -Days 30); Status = 'ACTIVE' }; Expected = @('agmt-soon') }
        @{ Name = 'a huge expiry span'; Filter = @{ ExpiresWithin = [TimeSpan]::MaxValue }; Expected = 'agmt-later', 'agmt-cancelled', 'agmt-soon' }
        @{ Name = 'a product nobody bought'; Filter = @{ ProductId = 'prod-zzzzzzzzzzzzz' }; Expected = @() }
    ) {
        @(Get-MarketplaceAgreement @Live @Filter).AgreementId | Should -Be $Expected
    }

    It 'calls us-east-1 whatever -Region says, and says so' {
        $verbose = Get-MarketplaceAgreement @Live -Region eu-west-1 -Status ACTIVE -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
        $verbose | Should -Contain "Calling the Marketplace Agreement API at $($Fake.Url) (signing region us-east-1, service aws-marketplace)."
        $verbose | Should -Contain 'SearchAgreements filters sent: [PartyType, Acceptor], [AgreementType, PurchaseAgreement], [Status, ACTIVE]; the rest of the filter is applied to each agreement here.'
        $verbose | Where-Object { $_ -match '^Marketplace Agreement SearchAgreements: HTTP 200 OK, attempt 1' } | Should -HaveCount 1
    }

    It 'refuses a partition without the Agreement API before any call' {
        $saved = $env:AWS_ENDPOINT_URL, $env:AWS_ENDPOINT_URL_MARKETPLACE_AGREEMENT
        try {
            Remove-Item Env:AWS_ENDPOINT_URL, Env:AWS_ENDPOINT_URL_MARKETPLACE_AGREEMENT -ErrorAction SilentlyContinue
            { Get-MarketplaceAgreement @Keys -Region cn-north-1 } | Should -Throw -ErrorId 'AgreementApiUnavailable,*' -ExpectedMessage '*only in us-east-1 of the aws partition*aws-cn partition*'
        }
        finally { $env:AWS_ENDPOINT_URL, $env:AWS_ENDPOINT_URL_MARKETPLACE_AGREEMENT = $saved }
    }

    It 'refuses a typo in -Status or -ResourceType as a binding error naming the value, and completes them' {
        { Get-MarketplaceAgreement @Live -Status ACTIV } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*' -ExpectedMessage '*"ACTIV"*ACTIVE,ARCHIVED,CANCELLED*'
        { Get-MarketplaceAgreement @Live -ResourceType Ami } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*' -ExpectedMessage '*"Ami"*AmiProduct*'
        { Get-MarketplaceAgreement @Live -AgreementType VendorInsightsAgreement } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        $line = 'Get-MarketplaceAgreement -Status EX'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be 'EXPIRED'
        $line = 'Get-MarketplaceAgreement -ResourceType Saa'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be 'SaaSProduct'
    }

    It 'refuses an empty or malformed -ProductId and a span that is not ahead, before any call' {
        { Get-MarketplaceAgreement @Live -ProductId '' } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        { Get-MarketplaceAgreement @Live -ProductId @() } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        $e = { Get-MarketplaceAgreement @Live -ProductId 'prod-aaaaaaaaaaaaa', 'prod-ABCDEFGHIJKLM' } | Should -Throw -ErrorId 'AgreementFilterInvalid,*' -PassThru
        $e.Exception.Message | Should -BeLike "-ProductId: 'prod-ABCDEFGHIJKLM' has uppercase letters*"
        $e.TargetObject | Should -Be 'prod-ABCDEFGHIJKLM'
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
        { Get-MarketplaceAgreement @Live -ProductId 'prodcode1abc' } | Should -Throw -ErrorId 'AgreementFilterInvalid,*' -ExpectedMessage "*'prodcode1abc' is not an AWS Marketplace product id*"
        { Get-MarketplaceAgreement @Live -ExpiresWithin 0 } | Should -Throw -ErrorId 'AgreementFilterInvalid,*' -ExpectedMessage '-ExpiresWithin:*positive*'
        { Get-MarketplaceAgreement @Live -ExpiresWithin '-1.00:00:00' } | Should -Throw -ErrorId 'AgreementFilterInvalid,*'
        { Get-MarketplaceAgreement @Live -ExpiresWithin 'soon' } | Should -Throw -ErrorId 'CannotConvertArgumentNoMessage,*'
    }

    It 'refuses a bare number for -ExpiresWithin (ticks, not days) instead of finding nothing expiring' {
        $e = { Get-MarketplaceAgreement @Live -ExpiresWithin 30 } | Should -Throw -ErrorId 'AgreementFilterInvalid,*' -PassThru
        $e.Exception.Message | Should -BeLike '-ExpiresWithin:*bare number binds as ticks*30.00:00:00*'
        $e.TargetObject | Should -Be ([TimeSpan]30)
    }

    It 'quotes a huge -ProductId shortened in its error' {
        $e = { Get-MarketplaceAgreement @Live -ProductId ('x' * 100000) } | Should -Throw -ErrorId 'AgreementFilterInvalid,*' -PassThru
        $e.Exception.Message.Length | Should -BeLessThan 600
        $e.Exception.Message | Should -BeLike "-ProductId: 'xxx*…' (100,000 characters) is not an AWS Marketplace product id*"
        $e.TargetObject.Length | Should -Be 100000
    }

    It 'has no -WhatIf: it changes nothing' {
        (Get-Command Get-MarketplaceAgreement).Parameters.ContainsKey('WhatIf') | Should -BeFalse
        { Get-MarketplaceAgreement @Live -WhatIf } | Should -Throw -ErrorId 'NamedParameterNotFound,*'
    }

    It 'stops with AgreementSearchFailed naming the account when its own account is denied the API' {
        $denied = @{ AccessKey = 'AKIADENIEDAGREEMENTS'; SecretKey = $Keys.SecretKey }
        # Unmapped keys act as the caller account, 222233334444, which the seed denies the Agreement API.
        $fake = Start-Fake @('--organization', (Join-Path $RepoRoot 'examples/organization'), '--caller-account', '222233334444')
        try {
            $denied.EndpointUrl = $fake.Url
            $e = { Get-MarketplaceAgreement @denied } | Should -Throw -ErrorId 'AgreementSearchFailed,*' -PassThru
            $e.CategoryInfo.Category | Should -Be 'PermissionDenied'
            $e.TargetObject | Should -Be '222233334444'
            $e.Exception.Message | Should -BeLike 'Account 222233334444: SearchAgreements failed: AccessDeniedException: *aws-marketplace:SearchAgreements*'
            $e.Exception.Message | Should -Not -Match $Keys.SecretKey
        }
        finally { Stop-Fake $fake }
    }
}

Describe 'Get-MarketplaceAgreement in every account of an organization' {
    BeforeAll {
        $script:OrgFake = Start-Fake @('--organization', (Join-Path $RepoRoot 'examples/organization'))
        $script:OrgLive = @{ EndpointUrl = $OrgFake.Url } + $Keys
    }

    AfterAll {
        Stop-Fake $OrgFake
    }

    It 'gives every account''s agreements with its name, and an error naming the denied account while the others go on' {
        $found = Get-MarketplaceAgreement @OrgLive -AllAccounts -Status ACTIVE -ErrorVariable problems -ErrorAction SilentlyContinue -WarningVariable warnings -WarningAction SilentlyContinue

        $found | ForEach-Object { "$($_.AccountName) $($_.AccountId) $($_.AgreementId)" } | Sort-Object |
            Should -Be @('management 111122223333 agmt-later', 'management 111122223333 agmt-payg', 'management 111122223333 agmt-soon', 'workloads 444455556666 agmt-workloads')
        $problems | Should -HaveCount 1
        $problems[0].FullyQualifiedErrorId | Should -Be 'AgreementSearchFailed,MarketplaceGuard.Cmdlets.Procurement.GetMarketplaceAgreementCommand'
        $problems[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $problems[0].TargetObject | Should -Be '222233334444'
        $problems[0].Exception.Message | Should -BeLike 'Account 222233334444 was not searched: SearchAgreements failed: AccessDeniedException: *'
        ($warnings -join "`n") | Should -Match '1 of 3 account\(s\) were not searched: sandbox \(222233334444\): SearchAgreements failed: AccessDeniedException'
    }

    It 'searches the accounts -AccountId names, and -ExpiresWithin applies in each' {
        $found = Get-MarketplaceAgreement @OrgLive -AccountId 444455556666, 111122223333 -ExpiresWithin 16.00:00:00
        $found | ForEach-Object { "$($_.AccountName) $($_.AgreementId)" } | Sort-Object | Should -Be 'management agmt-soon', 'workloads agmt-workloads'
    }

    It 'refuses -ThrottleLimit without an organization run' {
        { Get-MarketplaceAgreement @OrgLive -ThrottleLimit 2 } | Should -Throw -ErrorId 'ParameterConflict,*'
    }
}
