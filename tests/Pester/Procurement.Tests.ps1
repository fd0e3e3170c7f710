BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Import-Module $ManifestPath -Force
    $null = Get-MarketplacePolicyTemplate  # loads the engine into the module's load context
    $engine = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'MarketplaceGuard.Engine' } | Select-Object -First 1
    $script:AgreementType = $engine.GetType('MarketplaceGuard.Engine.Procurement.Agreement')
    $script:ResourceType = $engine.GetType('MarketplaceGuard.Engine.PaidResources.PaidResource')
    $script:ResourceKind = $engine.GetType('MarketplaceGuard.Engine.PaidResources.PaidResourceType')
    $script:Code = '8fwqw6zm0s5jd7kd4aaaaaaaa'

    # Live engine objects as Get-MarketplaceAgreement and Get-MarketplacePaidResource return them (init-only
    # properties are set by reflection: PowerShell cannot call init setters).
    function New-TestAgreement([string] $Id, [string] $Account, [string] $Status, [string] $Product = 'prod-4pmewlybdftbs', [object] $EndsInDays) {
        $a = [Activator]::CreateInstance($AgreementType, @($Id, $Account))
        $AgreementType.GetProperty('Status').SetValue($a, $Status)
        $AgreementType.GetProperty('ProductId').SetValue($a, $Product)
        if ($null -ne $EndsInDays) { $AgreementType.GetProperty('EndTime').SetValue($a, [Nullable[DateTimeOffset]][DateTimeOffset]::UtcNow.AddDays($EndsInDays)) }
        $a
    }
    function New-TestResource([string] $Kind, [string] $Id, [string] $Account, [string] $State, [string] $ProductCode = $Code) {
        $r = [Activator]::CreateInstance($ResourceType, @([Enum]::Parse($ResourceKind, $Kind), $Id, 'us-east-1', $Account))
        $ResourceType.GetProperty('ProductCodes').SetValue($r, [string[]] @($ProductCode))
        $ResourceType.GetProperty('State').SetValue($r, $State)
        $ResourceType.GetProperty('IsAccountOwned').SetValue($r, $true)
        $r
    }
    function ConvertTo-Deserialized($InputObject) {
        [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($InputObject))
    }

    $script:MapPath = Join-Path $TestDrive 'product-codes.json'
    @{ productCodes = @{ $Code = @{ productId = 'prod-4pmewlybdftbs'; productName = 'Acme Firewall' } } } | ConvertTo-Json -Depth 5 | Set-Content $MapPath
    $script:Cancelled = New-TestAgreement 'agmt-old' '111111111111' 'CANCELLED'
    $script:Running = New-TestResource Instance 'i-1' '111111111111' 'running'
}

Describe 'Get-MarketplaceProcurementReport' {
    It 'returns a billing leak for live objects' {
        $findings = @(Get-MarketplaceProcurementReport -Agreement $Cancelled -PaidResource $Running -ProductCodeMapPath $MapPath)
        $findings.RuleId | Should -Be 'MG4001'
        $findings[0].ResourceIds | Should -Be 'i-1'
    }

    It 'reads deserialized agreements and resources from the pipeline, and a leak stays a leak' {
        $inputs = @(ConvertTo-Deserialized $Cancelled) + @(ConvertTo-Deserialized $Running)
        $inputs[0].pstypenames[0] | Should -Be 'Deserialized.MarketplaceGuard.Engine.Procurement.Agreement'
        $findings = @($inputs | Get-MarketplaceProcurementReport -ProductCodeMapPath $MapPath)
        $findings.RuleId | Should -Be 'MG4001'
    }

    It 'keeps a deserialized agreement''s end time and license' {
        $soon = New-TestAgreement 'agmt-soon' '111111111111' 'ACTIVE' -EndsInDays 10
        $inventory = ConvertTo-Deserialized $soon | Get-MarketplaceProcurementReport -PassThru
        $inventory.Findings.RuleId | Should -Be 'MG4002'
        $inventory.Findings[0].DaysLeft | Should -BeIn 9, 10
    }

    It 'returns the inventory with -PassThru and CSV rows with -AsRows' {
        $inventory = Get-MarketplaceProcurementReport -Agreement $Cancelled -PaidResource $Running -ProductCodeMapPath $MapPath -PassThru
        $inventory.Products.ProductCode | Should -Be $Code
        $csv = Join-Path $TestDrive 'rows.csv'
        Get-MarketplaceProcurementReport -Agreement $Cancelled -PaidResource $Running -ProductCodeMapPath $MapPath -AsRows | Export-Csv $csv
        $row = Import-Csv $csv
        $row.AgreementStatus | Should -Be 'CANCELLED'
        $row.RuleIds | Should -Be 'MG4001'
        $row.RunningInstances | Should -Be '1'
    }

    It 'writes each report format, and nothing with -WhatIf' -TestCases @(
        @{ Name = 'r.html'; Marker = '<svg class="chart"' }
        @{ Name = 'r.md'; Marker = '# MarketplaceGuard procurement report' }
        @{ Name = 'r.json'; Marker = '"report": "procurement"' }
    ) {
        $path = Join-Path $TestDrive $Name
        $null = Get-MarketplaceProcurementReport -Agreement $Cancelled -PaidResource $Running -ProductCodeMapPath $MapPath -ReportPath $path -WhatIf
        Test-Path $path | Should -BeFalse
        $null = Get-MarketplaceProcurementReport -Agreement $Cancelled -PaidResource $Running -ProductCodeMapPath $MapPath -ReportPath $path
        Get-Content $path -Raw | Should -BeLike "*$Marker*"
        Get-ChildItem $TestDrive -Filter '*.partial' | Should -BeNullOrEmpty
    }

    It 'warns that nothing can be joined without a map, and reports the codes as MG4005' {
        $findings = @(Get-MarketplaceProcurementReport -Agreement $Cancelled -PaidResource $Running -WarningVariable warnings -WarningAction SilentlyContinue)
        $findings.RuleId | Should -Be 'MG4005'
        "$warnings" | Should -BeLike '*No AWS API maps*'
    }

    It 'warns that a map that maps nothing joins nothing, without saying that no map was given' {
        $empty = Join-Path $TestDrive 'empty-map.json'
        Set-Content $empty '{ "productCodes": {} }'
        $findings = @(Get-MarketplaceProcurementReport -Agreement $Cancelled -PaidResource $Running -ProductCodeMapPath $empty -WarningVariable warnings -WarningAction SilentlyContinue)
        $findings.RuleId | Should -Be 'MG4005'
        "$warnings" | Should -BeLike "The product-code map *empty-map.json maps no product code: none of the 1 product code(s)*"
    }

    Context 'bad input' {
        It 'an empty pipeline is an error, not a clean report' {
            { @() | Get-MarketplaceProcurementReport -ErrorAction Stop } | Should -Throw -ErrorId 'ProcurementInputMissing,*'
        }

        It 'an object of the wrong type is refused by name, and the rest is still joined' {
            $findings = @([pscustomobject] @{ AgreementId = 'agmt-fake'; Status = 'ACTIVE' }, $Cancelled, $Running |
                    Get-MarketplaceProcurementReport -ProductCodeMapPath $MapPath -ErrorVariable refused -ErrorAction SilentlyContinue)
            $refused.FullyQualifiedErrorId | Should -BeLike 'InputNotProcurementData,*'
            "$refused" | Should -BeLike '*not System.Management.Automation.PSCustomObject*'
            $findings.RuleId | Should -Be 'MG4001'
        }

        It 'only wrong objects end in ProcurementInputMissing after their errors' {
            { 'text', 42 | Get-MarketplaceProcurementReport -ErrorAction SilentlyContinue } | Should -Throw -ErrorId 'ProcurementInputMissing,*'
        }

        It 'a deserialized agreement with an unknown status is refused' {
            $bad = ConvertTo-Deserialized $Cancelled
            $bad.Status = 'CANCELED'
            { $bad | Get-MarketplaceProcurementReport -ErrorAction Stop } | Should -Throw -ErrorId 'InputNotProcurementData,*'
        }

        It 'a deserialized instance whose state or product codes cannot be read is refused, not dropped from the join: <Why>' -TestCases @(
            @{ Why = 'unknown state'; Change = { param($r) $r.State = 'RUNNING?' }; Message = "*i-1 has the state 'RUNNING?'*" }
            @{ Why = 'no state'; Change = { param($r) $r.State = $null }; Message = '*i-1 has the state (none)*' }
            @{ Why = 'no product codes'; Change = { param($r) $r.ProductCodes = $null }; Message = '*i-1 has no product codes*' }
            @{ Why = 'no account'; Change = { param($r) $r.AccountId = '' }; Message = '*i-1 without its ResourceType, ResourceId, Region or AccountId*' }
        ) {
            $bad = ConvertTo-Deserialized $Running
            & $Change $bad
            $inventory = $Cancelled, $bad | Get-MarketplaceProcurementReport -ProductCodeMapPath $MapPath -PassThru -ErrorVariable refused -ErrorAction SilentlyContinue
            $refused | Should -HaveCount 1
            $refused[0].FullyQualifiedErrorId | Should -BeLike 'InputNotProcurementData,*'
            $refused[0].Exception.Message | Should -BeLike $Message
            $inventory.PaidResources | Should -BeNullOrEmpty
        }

        It 'a bad map file is an error naming the file and the JSON path: <Why>' -TestCases @(
            @{ Why = 'not JSON'; Text = '{ "productCodes": '; Path = '$' }
            @{ Why = 'unknown field'; Text = '{ "productCodes": { "abc": { "productId": "prod-4pmewlybdftbs", "name": "x" } } }'; Path = "`$.productCodes['abc'].name" }
            @{ Why = 'wrong id shape'; Text = '{ "productCodes": { "abc": { "productId": "4pmewlybdftbs" } } }'; Path = "`$.productCodes['abc'].productId" }
        ) {
            $bad = Join-Path $TestDrive 'bad-map.json'
            Set-Content $bad $Text
            $e = { Get-MarketplaceProcurementReport -Agreement $Cancelled -ProductCodeMapPath $bad -ErrorAction Stop } | Should -Throw -ErrorId 'ProductCodeMapInvalid,*' -PassThru
            $e.Exception.Message | Should -BeLike "*bad-map.json: $([WildcardPattern]::Escape($Path)):*"
        }

        # <Case>, not <Path>, in the name: a NUL in a test name breaks Pester's NUnit XML.
        It 'a path that is not a file-system path, or holds a NUL character, is a designed error: <Parameter> <Case>' -TestCases @(
            @{ Parameter = 'ReportPath'; Case = 'variable drive'; Path = 'variable:procurement.json'; ErrorId = 'OutputPathInvalid'; Message = "*'variable:procurement.json' is not a file-system path*Variable provider*" }
            @{ Parameter = 'ReportPath'; Case = 'NUL'; Path = "report`0.json"; ErrorId = 'OutputPathInvalid'; Message = '*is not a file-system path*' }
            @{ Parameter = 'ProductCodeMapPath'; Case = 'variable drive'; Path = 'variable:map.json'; ErrorId = 'FileNotFound'; Message = "*'variable:map.json'*Variable provider*" }
            @{ Parameter = 'ProductCodeMapPath'; Case = 'NUL'; Path = "map`0.json"; ErrorId = 'FileNotFound'; Message = '-ProductCodeMapPath:*' }
        ) {
            $arguments = @{ Agreement = $Cancelled; $Parameter = $Path }
            $e = { Get-MarketplaceProcurementReport @arguments } | Should -Throw -ErrorId "$ErrorId,*" -PassThru
            $e.Exception.Message | Should -BeLike $Message
            $e.TargetObject | Should -Be $Path
        }

        It 'a missing map file is FileNotFound' {
            { Get-MarketplaceProcurementReport -Agreement $Cancelled -ProductCodeMapPath (Join-Path $TestDrive 'none.json') } | Should -Throw -ErrorId 'FileNotFound,*'
        }

        It 'a typo in -ReportFormat is refused by the parameter' {
            { Get-MarketplaceProcurementReport -Agreement $Cancelled -ReportPath (Join-Path $TestDrive 'x.txt') -ReportFormat Htm } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        }

        It 'a report format the audit has but the inventory does not is refused' {
            { Get-MarketplaceProcurementReport -Agreement $Cancelled -ReportPath (Join-Path $TestDrive 'x.sarif') } | Should -Throw -ErrorId 'ReportFormatUnknown,*'
        }

        It '-ExpiresWithin <Value> is refused' -TestCases @(
            @{ Value = 30 }                   # an integer binds as ticks, not days
            @{ Value = '-1.00:00:00' }
            @{ Value = '10675199.00:00:00' }  # TimeSpan.MaxValue's order of size
        ) {
            $e = { Get-MarketplaceProcurementReport -Agreement $Cancelled -ExpiresWithin $Value } | Should -Throw -ErrorId 'ExpiresWithinInvalid,*' -PassThru
            if ($Value -is [int]) { $e.Exception.Message | Should -BeLike '*ticks*30.00:00:00*' }
        }

        It '-ReportFormat without -ReportPath is refused, not ignored' {
            { Get-MarketplaceProcurementReport -Agreement $Cancelled -ReportFormat Html } | Should -Throw -ErrorId 'ParameterConflict,*' -ExpectedMessage '*-ReportFormat Html*give -ReportPath*'
        }

        It 'swapped -Agreement and -PaidResource are refused by name' {
            $strayResource = New-TestResource Instance 'i-2' '111111111111' 'running'
            $strayAgreement = New-TestAgreement 'agmt-stray' '111111111111' 'ACTIVE'
            $inventory = Get-MarketplaceProcurementReport -Agreement $Cancelled, $strayResource -PaidResource $Running, $strayAgreement -ProductCodeMapPath $MapPath -PassThru -ErrorVariable refused -ErrorAction SilentlyContinue
            $refused | Should -HaveCount 2
            $refused.FullyQualifiedErrorId | ForEach-Object { $_ | Should -BeLike 'InputNotProcurementData,*' }
            $refused[0].Exception.Message | Should -BeLike '-Agreement takes agreements, not the paid resource i-2: give paid resources with -PaidResource*'
            $refused[1].Exception.Message | Should -BeLike '-PaidResource takes paid resources, not the agreement agmt-stray: give agreements with -Agreement*'
            $inventory.Agreements.AgreementId | Should -Be 'agmt-old'
            $inventory.PaidResources.ResourceId | Should -Be 'i-1'
            $inventory.Findings.RuleId | Should -Be 'MG4001'
        }

        It '-PassThru and -AsRows together conflict' {
            { Get-MarketplaceProcurementReport -Agreement $Cancelled -PassThru -AsRows } | Should -Throw -ErrorId 'ParameterConflict,*'
        }
    }
}

Describe 'Procurement checks for Pester' {
    BeforeAll {
        $script:Leaking = Get-MarketplaceProcurementReport -Agreement $Cancelled -PaidResource $Running -ProductCodeMapPath $MapPath -PassThru
        $script:Clean = Get-MarketplaceProcurementReport -Agreement (New-TestAgreement 'agmt-1' '111111111111' 'ACTIVE') -PaidResource $Running -ProductCodeMapPath $MapPath -PassThru
        $script:Unmapped = Get-MarketplaceProcurementReport -Agreement (New-TestAgreement 'agmt-1' '111111111111' 'ACTIVE') -PaidResource $Running -PassThru -WarningAction SilentlyContinue
    }

    It 'Assert-NoMarketplaceBillingLeak passes a clean inventory and fails a leak with its reason whole' {
        { Assert-NoMarketplaceBillingLeak $Clean } | Should -Not -Throw
        $e = { $Leaking | Assert-NoMarketplaceBillingLeak } | Should -Throw -PassThru
        $e.Exception.Message | Should -BeLike 'Expected 0, because 1 finding(s) of MG4001:*still running in account 111111111111*agmt-old CANCELLED*Fix: Remove-EC2Instance -Region us-east-1 -InstanceId ''i-1'', but got 1.'
    }

    It 'fails closed on an inventory with gaps' {
        $e = { Assert-NoMarketplaceBillingLeak $Unmapped } | Should -Throw -PassThru
        $e.Exception.Message | Should -BeLike '*MG4001 cannot be judged on an incomplete inventory*not in the product-code map*'
    }

    It 'Assert-NoExpiringMarketplaceAgreement honours -Within inside the inventory''s window' {
        $soon = Get-MarketplaceProcurementReport -Agreement (New-TestAgreement 'agmt-soon' '111111111111' 'ACTIVE' -EndsInDays 10) -PaidResource $Running -ProductCodeMapPath $MapPath -PassThru
        { Assert-NoExpiringMarketplaceAgreement $soon } | Should -Throw '*MG4002*agmt-soon*'
        { Assert-NoExpiringMarketplaceAgreement $soon -Within 5.00:00:00 } | Should -Not -Throw
        { Assert-NoExpiringMarketplaceAgreement $soon -Within 60.00:00:00 } | Should -Throw -ErrorId 'ExpiresWithinInvalid,*'
    }

    It 'Assert-MarketplacePaidImageProtected fails for an unprotected image' {
        $image = Get-MarketplaceProcurementReport -Agreement (New-TestAgreement 'agmt-1' '111111111111' 'ACTIVE') -PaidResource (New-TestResource Image 'ami-1' '111111111111' 'available') -ProductCodeMapPath $MapPath -PassThru
        { Assert-MarketplacePaidImageProtected $image } | Should -Throw '*MG4004*Protect-MarketplacePaidResource*'
        { Assert-MarketplacePaidImageProtected $Clean } | Should -Not -Throw
    }

    It 'refuses what is not an inventory' {
        { Assert-NoMarketplaceBillingLeak ([pscustomobject] @{ Findings = @() }) } | Should -Throw -ErrorId 'InputNotProcurementData,*'
    }
}

Describe 'Get-MarketplaceProcurementReport read from AWS' {
    BeforeAll {
        $script:FakeDll = Join-Path $RepoRoot 'artifacts/bin/MarketplaceGuard.FakeIam/release/MarketplaceGuard.FakeIam.dll'
        $script:Keys = @{ AccessKey = 'AKIAPROCUREMENT00000'; SecretKey = 'procurement-secret-do-not-print' }
        $env:AWS_EC2_METADATA_DISABLED = 'true'

        # The organization of examples/organization: management 111122223333 runs an instance of a product whose only
        # agreement is cancelled, and owns an unprotected paid image; workloads 444455556666 runs the same product with
        # no agreement of its own (and nobody holds an ACTIVE one); sandbox 222233334444 is denied the Agreement API.
        $script:AgreementSeed = Join-Path $TestDrive 'live-agreements.json'
        @{
            agreements = @(
                @{ agreementId = 'agmt-gone'; acceptorAccountId = '111122223333'; status = 'CANCELLED'; resources = @(@{ id = 'prod-4pmewlybdftbs'; type = 'AmiProduct' }) }
            )
            deny = @('222233334444')
        } | ConvertTo-Json -Depth 6 | Set-Content -LiteralPath $AgreementSeed
        $script:Ec2Seed = Join-Path $TestDrive 'live-ec2.json'
        @"
{
  "publicImages": { "us-east-1": [ { "imageId": "ami-0000000000000ac01", "name": "acme-firewall", "productCodes": ["$Code"] } ] },
  "accounts": [
    { "regions": { "us-east-1": {
        "instances": [ { "instanceId": "i-0000000000000a001", "imageId": "ami-0000000000000ac01" } ],
        "images": [ { "imageId": "ami-0000000000000a002", "name": "golden-firewall", "productCodes": ["$Code"] } ] } } },
    { "accountId": "444455556666", "regions": { "us-east-1": {
        "instances": [ { "instanceId": "i-0000000000000b001", "imageId": "ami-0000000000000ac01" } ] } } }
  ]
}
"@ | Set-Content -LiteralPath $Ec2Seed

        $info = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
        foreach ($a in @($FakeDll, '--agreements', $AgreementSeed, '--ec2', $Ec2Seed, '--organization', (Join-Path $RepoRoot 'examples/organization'))) { $info.ArgumentList.Add($a) }
        $info.RedirectStandardInput = $true; $info.RedirectStandardOutput = $true; $info.UseShellExecute = $false
        $script:FakeProcess = [System.Diagnostics.Process]::Start($info)
        $line = $FakeProcess.StandardOutput.ReadLine()
        if ($line -notmatch '^listening (http://127\.0\.0\.1:\d+/)') { throw "The fake endpoint did not start: $line" }
        $script:Live = @{ EndpointUrl = $Matches[1] } + $Keys
    }

    AfterAll {
        $FakeProcess.StandardInput.Close()
        if (-not $FakeProcess.WaitForExit(5000)) { $FakeProcess.Kill() }
    }

    It 'reads the caller''s account in one command: its agreements, instances and images, judged' {
        $inventory = Get-MarketplaceProcurementReport @Live -Region us-east-1 -ProductCodeMapPath $MapPath -PassThru

        $inventory.AccountsNotRead | Should -BeNullOrEmpty
        $inventory.Agreements.AgreementId | Should -Be 'agmt-gone'
        $inventory.PaidResources.ResourceId | Sort-Object | Should -Be 'ami-0000000000000a002', 'ami-0000000000000ac01', 'i-0000000000000a001'  # with the Marketplace AMI the instance runs
        $inventory.Findings.RuleId | Sort-Object | Should -Be 'MG4001', 'MG4004'
        ($inventory.Findings | Where-Object RuleId -EQ 'MG4001').ResourceIds | Should -Be 'i-0000000000000a001'
    }

    It 'reads every account of the organization; the account denied the Agreement API is an error and not judged' {
        $findings = Get-MarketplaceProcurementReport @Live -AllAccounts -Region us-east-1 -ProductCodeMapPath $MapPath -ErrorVariable problems -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $inventory = Get-MarketplaceProcurementReport @Live -AllAccounts -Region us-east-1 -ProductCodeMapPath $MapPath -PassThru -ErrorAction SilentlyContinue -WarningAction SilentlyContinue

        $problems | Should -HaveCount 1
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'AgreementSearchFailed,*'
        $problems[0].TargetObject | Should -Be '222233334444'
        $inventory.AccountsNotRead.AccountId | Should -Be '222233334444'
        $inventory.AccountsNotRead.Reason | Should -Match 'AccessDeniedException'
        $inventory.Passed | Should -BeFalse
        $findings | ForEach-Object { "$($_.RuleId) $($_.AccountId)" } | Sort-Object | Should -Be 'MG4001 111122223333', 'MG4003 444455556666', 'MG4004 111122223333'
        $inventory.Accounts.AccountId | Should -Be '111122223333', '222233334444', '444455556666'
    }

    It 'refuses -AccountId without -Region or -AllRegions, and input together with -Region' {
        { Get-MarketplaceProcurementReport @Keys -AccountId 444455556666 -Agreement $Cancelled } | Should -Throw -ErrorId 'ParameterConflict,*'
        { Get-MarketplaceProcurementReport -ProfileName typo -Agreement $Cancelled } | Should -Throw '*-ProfileName is for reading from AWS*'
        { Get-MarketplaceProcurementReport @Live -Region us-east-1 -Agreement $Cancelled } | Should -Throw '*Parameter set cannot be resolved*'
        { Get-MarketplaceProcurementReport @Live -Region us-east-1 -AllRegions } | Should -Throw '*Parameter set cannot be resolved*'
    }

    It 'a region that is not a region is an error naming it, and the account is not judged' {
        $inventory = Get-MarketplaceProcurementReport @Live -Region us-east-1, us-eats-1 -ProductCodeMapPath $MapPath -PassThru -ErrorVariable problems -ErrorAction SilentlyContinue -WarningAction SilentlyContinue

        $problems | Should -HaveCount 1
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'RegionUnknown,*'
        $problems[0].Exception.Message | Should -Match 'us-eats-1.*Did you mean us-east-1'
        $inventory.AccountsNotRead.Reason | Should -Match 'us-eats-1 not searched'
        $inventory.Passed | Should -BeFalse
    }
}
