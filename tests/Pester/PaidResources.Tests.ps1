BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Import-Module $ManifestPath -Force
    $script:FakeDll = Join-Path $RepoRoot 'artifacts/bin/MarketplaceGuard.FakeIam/release/MarketplaceGuard.FakeIam.dll'
    $script:Keys = @{ AccessKey = 'AKIAPAIDRESOURCES000'; SecretKey = 'paid-resources-secret' }
    $env:AWS_EC2_METADATA_DISABLED = 'true'

    # us-east-1: a Marketplace AMI, an instance launched from it (root volume from the AMI's snapshot), a snapshot of
    # that volume and an AMI registered from the snapshot; an Amazon AMI and a free instance with its volume.
    # eu-west-1: a derived AMI with its snapshot, and an instance of it. Account 444455556666 (its own key) may not
    # call DescribeInstances in eu-west-1.
    $script:Seed = Join-Path $TestDrive 'ec2-seed.json'
    @'
{
  "publicImages": {
    "us-east-1": [
      { "imageId": "ami-0000000000000ab01", "name": "vendor-appliance", "productCodes": ["prodcode1abc"], "snapshotIds": ["snap-0000000000000ab01"] },
      { "imageId": "ami-0000000000000fe01", "name": "amzn-linux", "ownerAlias": "amazon", "snapshotIds": ["snap-0000000000000fe01"] }
    ]
  },
  "accounts": [
    { "regions": {
        "us-east-1": {
          "instances": [ { "instanceId": "i-00000000000000a01", "imageId": "ami-0000000000000ab01", "tags": { "Name": "web-1" } },
                         { "instanceId": "i-00000000000000f01", "imageId": "ami-0000000000000fe01" } ],
          "volumes":   [ { "volumeId": "vol-00000000000000a01", "snapshotId": "snap-0000000000000ab01", "instanceId": "i-00000000000000a01" },
                         { "volumeId": "vol-00000000000000f01", "snapshotId": "snap-0000000000000fe01", "instanceId": "i-00000000000000f01" } ],
          "snapshots": [ { "snapshotId": "snap-00000000000000a02", "volumeId": "vol-00000000000000a01" } ],
          "images":    [ { "imageId": "ami-00000000000000a02", "name": "golden", "snapshotIds": ["snap-00000000000000a02"] } ]
        },
        "eu-west-1": {
          "snapshots": [ { "snapshotId": "snap-00000000000000b01" } ],
          "images":    [ { "imageId": "ami-00000000000000b01", "name": "copied-golden", "productCodes": ["prodcode1abc"], "snapshotIds": ["snap-00000000000000b01"] } ],
          "instances": [ { "instanceId": "i-00000000000000b01", "imageId": "ami-00000000000000b01" } ]
        } } },
    { "accountId": "444455556666", "accessKeys": ["AKIADENIEDREGION0000"],
      "deny": [ { "operation": "DescribeInstances", "region": "eu-west-1" } ],
      "regions": { "us-east-1": { "instances": [ { "instanceId": "i-00000000000000c01", "imageId": "ami-0000000000000ab01" } ] } } }
  ]
}
'@ | Set-Content -LiteralPath $Seed

    function Start-FakeEc2 {
        # A fresh fake endpoint (IAM, STS and EC2) in its own process, with the seed and a request log.
        $log = Join-Path $TestDrive ("requests-{0}.log" -f [guid]::NewGuid().ToString('N'))
        $info = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
        foreach ($a in @($FakeDll, '--ec2', $Seed, '--request-log', $log)) { $info.ArgumentList.Add($a) }
        $info.RedirectStandardInput = $true; $info.RedirectStandardOutput = $true; $info.UseShellExecute = $false
        $process = [System.Diagnostics.Process]::Start($info)
        $line = $process.StandardOutput.ReadLine()
        if ($line -notmatch '^listening (http://127\.0\.0\.1:\d+/)') { throw "The fake endpoint did not start: $line" }
        [pscustomobject]@{ Process = $process; Url = $Matches[1]; Log = $log }
    }

    function Stop-FakeEc2($fake) {
        $fake.Process.StandardInput.Close()
        if (-not $fake.Process.WaitForExit(5000)) { $fake.Process.Kill() }
    }

    function Get-LoggedOperation($fake) {
        # The fake writes its log every 100 ms: wait for the last requests, then "<service> <region> <operation> <status>".
        Start-Sleep -Milliseconds 400
        Get-Content -LiteralPath $fake.Log | ForEach-Object { $f = $_ -split ' '; "$($f[2]) $($f[3]) $($f[4]) $($f[5])" }
    }

    $script:Fake = Start-FakeEc2
    $script:Live = @{ EndpointUrl = $Fake.Url } + $Keys
}

AfterAll {
    Stop-FakeEc2 $Fake
}

Describe 'Get-MarketplacePaidResource' {
    It 'finds the paid lineage in two regions, and nothing free' {
        $found = Get-MarketplacePaidResource @Live -Region us-east-1, eu-west-1

        ($found | ForEach-Object { "$($_.Region) $($_.ResourceType) $($_.ResourceId)" }) | Should -Be @(
            'us-east-1 Image ami-00000000000000a02'
            'us-east-1 Image ami-0000000000000ab01'
            'us-east-1 Instance i-00000000000000a01'
            'us-east-1 Snapshot snap-00000000000000a02'
            'us-east-1 Volume vol-00000000000000a01'
            'eu-west-1 Image ami-00000000000000b01'
            'eu-west-1 Instance i-00000000000000b01'
            'eu-west-1 Snapshot snap-00000000000000b01'
        )
        $found | ForEach-Object { $_.ProductCodes | Should -Be 'prodcode1abc' }
        $found | ForEach-Object { $_.AccountId | Should -Be '111122223333' }
        $marketplace = $found | Where-Object ResourceId -EQ 'ami-0000000000000ab01'
        $marketplace.OwnerAlias | Should -Be 'aws-marketplace'
        $marketplace.IsAccountOwned | Should -BeFalse
        ($found | Where-Object ResourceId -EQ 'i-00000000000000a01').Name | Should -Be 'web-1'
        ($found | Where-Object ResourceId -EQ 'snap-00000000000000a02').Evidence | Should -Be 'in the block device mapping of paid AMI ami-00000000000000a02'
    }

    It 'binds to AWS.Tools-style parameters by property name: each object names only itself' {
        function Get-ByEc2Id {
            param(
                [Parameter(ValueFromPipelineByPropertyName)] [string] $ImageId,
                [Parameter(ValueFromPipelineByPropertyName)] [string] $InstanceId,
                [Parameter(ValueFromPipelineByPropertyName)] [string] $SnapshotId,
                [Parameter(ValueFromPipelineByPropertyName)] [string] $VolumeId)
            process { "$ImageId|$InstanceId|$SnapshotId|$VolumeId" }
        }
        Get-MarketplacePaidResource @Live -Region us-east-1 -ResourceType Instance, Volume | Get-ByEc2Id |
            Should -Be '|i-00000000000000a01||', '|||vol-00000000000000a01'
    }

    It 'reports only the asked resource types, and reads only what they need' {
        $fake = Start-FakeEc2
        try {
            $found = Get-MarketplacePaidResource -EndpointUrl $fake.Url @Keys -Region eu-west-1 -ResourceType instance
            $found.ResourceId | Should -Be 'i-00000000000000b01'
            Get-LoggedOperation $fake | Where-Object { $_ -like 'ec2 eu-west-1 Describe[IVS]*' } | Should -Be 'ec2 eu-west-1 DescribeInstances 200'
        }
        finally { Stop-FakeEc2 $fake }
    }

    It 'shows every call with its region in -Verbose' {
        $verbose = Get-MarketplacePaidResource @Live -Region eu-west-1 -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
        $verbose | Should -Contain "Calling EC2 at $($Fake.Url), signed for each region."
        $verbose | Where-Object { $_ -match '^EC2 eu-west-1 DescribeInstances: HTTP 200 OK, attempt 1, ' } | Should -HaveCount 1
        $verbose | Where-Object { $_ -match '^EC2 eu-west-1 DescribeRegions: HTTP 200 OK' } | Should -HaveCount 1
    }

    It 'writes a non-terminating error naming a typo''d region, with the closest codes, and searches the others' {
        $found = Get-MarketplacePaidResource @Live -Region us-est-1, eu-west-1 -ErrorVariable problems -ErrorAction SilentlyContinue
        $found.Region | Sort-Object -Unique | Should -Be 'eu-west-1'
        $problems | Should -HaveCount 1
        $problems[0].FullyQualifiedErrorId | Should -Be 'RegionUnknown,MarketplaceGuard.Cmdlets.PaidResources.GetMarketplacePaidResourceCommand'
        $problems[0].TargetObject | Should -Be 'us-est-1'
        $problems[0].Exception.Message | Should -Match "'us-est-1' is not a region .* Did you mean us-east-1"
    }

    It 'says that -Region takes no wildcards, naming the regions a pattern would mean' {
        $null = Get-MarketplacePaidResource @Live -Region 'us-east-*', 'eu-[' -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems | Should -HaveCount 2
        $problems[0].Exception.Message | Should -BeLike "'us-east-*' is not a region * -Region takes region codes, not wildcards: name them, or use -AllRegions (us-east-1*match it)."
        $problems[1].Exception.Message | Should -Match ([regex]::Escape("'eu-[' is not a region") + '.* -Region takes region codes, not wildcards: name them, or use -AllRegions\.$')
    }

    It 'writes RegionDisabled for an opt-in region the account has not enabled (asking DescribeRegions in the home region)' {
        $verbose = Get-MarketplacePaidResource @Live -Region af-south-1 -ErrorVariable problems -ErrorAction SilentlyContinue -Verbose 4>&1 | ForEach-Object Message
        $verbose | Should -Contain 'DescribeRegions failed in af-south-1 (OptInRequired); asking us-east-1.'
        $problems | Should -HaveCount 1
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'RegionDisabled,*'
        $problems[0].CategoryInfo.Category | Should -Be 'ResourceUnavailable'
    }

    It 'reports a region whose calls fail as an error naming the region, and goes on with the others' {
        $found = Get-MarketplacePaidResource -EndpointUrl $Fake.Url -AccessKey AKIADENIEDREGION0000 -SecretKey x -Region eu-west-1, us-east-1 -ResourceType Instance -ErrorVariable problems -ErrorAction SilentlyContinue
        $found.ResourceId | Should -Be 'i-00000000000000c01'
        $problems | Should -HaveCount 1
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'Ec2UnauthorizedOperation,*'
        $problems[0].TargetObject | Should -Be 'eu-west-1'
        $problems[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $problems[0].Exception.Message | Should -BeLike 'eu-west-1: DescribeInstances failed: UnauthorizedOperation: *'
    }

    It 'searches every enabled region with -AllRegions' {
        $found = Get-MarketplacePaidResource @Live -AllRegions -ResourceType Image
        # regions in name order: eu-west-1 before us-east-1
        $found.ResourceId | Should -Be 'ami-00000000000000b01', 'ami-00000000000000a02', 'ami-0000000000000ab01'
    }

    It 'copes with a huge -Region list: each code once, one error per unknown code' {
        $regions = @(1..300 | ForEach-Object { 'eu-west-1', 'EU-WEST-1 ' }) + @(1..150 | ForEach-Object { "xx-nowhere-$_" })
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $found = Get-MarketplacePaidResource @Live -Region $regions -ResourceType Image -ErrorVariable problems -ErrorAction SilentlyContinue
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 30
        $found.ResourceId | Should -Be 'ami-00000000000000b01'
        $problems | Should -HaveCount 150
        $problems | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'RegionUnknown,*' }
    }

    It 'refuses an unknown or empty -ResourceType before calling AWS' {
        { Get-MarketplacePaidResource @Live -Region us-east-1 -ResourceType Imag } | Should -Throw -ErrorId 'ParameterArgumentValidationError,MarketplaceGuard.Cmdlets.PaidResources.GetMarketplacePaidResourceCommand'
        { Get-MarketplacePaidResource @Live -Region us-east-1 -ResourceType @() } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }

    It 'stops with RegionMissing when no region is given or configured' {
        $saved = $env:AWS_REGION, $env:AWS_DEFAULT_REGION
        try {
            Remove-Item Env:AWS_REGION, Env:AWS_DEFAULT_REGION -ErrorAction SilentlyContinue
            { Get-MarketplacePaidResource @Live } | Should -Throw -ErrorId 'RegionMissing,*'
        }
        finally { $env:AWS_REGION, $env:AWS_DEFAULT_REGION = $saved }
    }

    It 'completes -ResourceType and -Region' {
        (TabExpansion2 -inputScript 'Get-MarketplacePaidResource -ResourceType Sn' -cursorColumn 44).CompletionMatches.CompletionText | Should -Be 'Snapshot'
        $line = 'Get-MarketplacePaidResource -Region eu-west-'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'eu-west-1'
    }
}

Describe 'AWSSDK.EC2 beside AWS.Tools' {
    It 'discovers with its own AWSSDK.EC2 and AWSSDK.Core when AWS.Tools'' AWSSDK.Core 4.0.x is already loaded' {
        $oldCore = Join-Path $TestToolsPath 'AWSSDK.Core-4.0.3.3/AWSSDK.Core.dll'
        $output = Invoke-ChildPwsh -Script @"
`$ErrorActionPreference = 'Stop'
`$env:AWS_EC2_METADATA_DISABLED = 'true'
Add-Type -Path '$oldCore'
Import-Module '$ManifestPath'
`$found = Get-MarketplacePaidResource -EndpointUrl '$($Fake.Url)' -AccessKey AKIAISOLATION0000000 -SecretKey x -Region eu-west-1
'found=' + @(`$found).Count
`$ec2 = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'AWSSDK.EC2' }
'ec2-context=' + [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$ec2).Name
"@
        $output | Should -Contain 'found=3'
        $output | Should -Contain 'ec2-context=MarketplaceGuard'
    }
}

Describe 'Protect-MarketplacePaidResource' {
    BeforeEach {
        $script:Own = Start-FakeEc2
        $script:OwnLive = @{ EndpointUrl = $Own.Url } + $Keys
    }

    AfterEach {
        Stop-FakeEc2 $Own
    }

    It 'previews with -WhatIf without writing' {
        $results = Get-MarketplacePaidResource @OwnLive -Region us-east-1 | Protect-MarketplacePaidResource @OwnLive -WhatIf -PassThru
        ($results | Where-Object Status -EQ 'WhatIf').ResourceId | Sort-Object | Should -Be 'ami-00000000000000a02', 'snap-00000000000000a02', 'vol-00000000000000a01'
        Get-LoggedOperation $Own | Where-Object { $_ -like '* CreateTags *' } | Should -BeNullOrEmpty
        (Get-MarketplacePaidResource @OwnLive -Region us-east-1 | Where-Object Protected) | Should -BeNullOrEmpty
    }

    It 'tags the account''s paid images, snapshots and volumes in one call per region, and a second run writes nothing' {
        $first = Get-MarketplacePaidResource @OwnLive -Region us-east-1, eu-west-1 | Protect-MarketplacePaidResource @OwnLive -PassThru -Confirm:$false
        ($first | ForEach-Object { "$($_.ResourceId) $($_.Status)" } | Sort-Object) | Should -Be @(
            'ami-00000000000000a02 Tagged'
            'ami-00000000000000b01 Tagged'
            'ami-0000000000000ab01 Skipped'
            'i-00000000000000a01 Skipped'
            'i-00000000000000b01 Skipped'
            'snap-00000000000000a02 Tagged'
            'snap-00000000000000b01 Tagged'
            'vol-00000000000000a01 Tagged'
        )
        ($first | Where-Object Status -EQ 'Tagged').TagValue | Sort-Object -Unique | Should -Be 'prodcode1abc'
        $writes = Get-LoggedOperation $Own | Where-Object { $_ -like '* CreateTags *' }
        $writes | Should -Be 'ec2 eu-west-1 CreateTags 200', 'ec2 us-east-1 CreateTags 200'
        (Get-MarketplacePaidResource @OwnLive -Region us-east-1 -ResourceType Snapshot).Protected | Should -BeTrue

        $second = Get-MarketplacePaidResource @OwnLive -Region us-east-1, eu-west-1 | Protect-MarketplacePaidResource @OwnLive -PassThru
        ($second | Where-Object Status -EQ 'NoChange') | Should -HaveCount 5
        ($second | Where-Object Status -EQ 'Tagged') | Should -BeNullOrEmpty
        Get-LoggedOperation $Own | Where-Object { $_ -like '* CreateTags *' } | Should -HaveCount 2
    }

    It 'refuses objects that are not paid resources, naming them, and still tags the rest' {
        $paid = Get-MarketplacePaidResource @OwnLive -Region eu-west-1 -ResourceType Snapshot
        $results = @('snap-00000000000000b01', [pscustomobject]@{ ResourceType = 'Snapshot'; ResourceId = 'snap-00000000000000b01'; Region = 'eu-west-1' }, $paid) |
            Protect-MarketplacePaidResource @OwnLive -PassThru -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems | Should -HaveCount 2
        $problems | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'InputNotAPaidResource,*' }
        $problems[0].TargetObject | Should -Be 'snap-00000000000000b01'
        $problems[0].Exception.Message | Should -Match "'snap-00000000000000b01' \(System.String\) is not a paid resource"
        $results.Status | Should -Be 'Tagged'
    }

    It 'accepts paid resources that went through Export-Clixml and Import-Clixml' {
        $file = Join-Path $TestDrive 'paid.xml'
        Get-MarketplacePaidResource @OwnLive -Region eu-west-1 | Export-Clixml -LiteralPath $file
        $results = Import-Clixml -LiteralPath $file | Protect-MarketplacePaidResource @OwnLive -PassThru
        ($results | ForEach-Object { "$($_.ResourceId) $($_.Status)" } | Sort-Object) | Should -Be 'ami-00000000000000b01 Tagged', 'i-00000000000000b01 Skipped', 'snap-00000000000000b01 Tagged'
    }

    It 'reads product codes a script set as an array, and refuses codes flattened to text' {
        $file = Join-Path $TestDrive 'paid-codes.xml'
        Get-MarketplacePaidResource @OwnLive -Region eu-west-1 -ResourceType Image | Export-Clixml -LiteralPath $file
        $image = Import-Clixml -LiteralPath $file
        $image.ProductCodes = @('prodcode1abc', 'second2')
        ($image | Protect-MarketplacePaidResource @OwnLive -PassThru -WhatIf 6> $null).TagValue | Should -Be 'prodcode1abc,second2'
        $image.ProductCodes = 'System.Object[]'
        $image | Protect-MarketplacePaidResource @OwnLive -PassThru -ErrorVariable problems -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'InputNotAPaidResource,*'
    }

    It 'reports a failing region as not tagged and the other region as tagged' {
        $paid = Get-MarketplacePaidResource @OwnLive -Region us-east-1, eu-west-1 -ResourceType Image
        # Resources claimed in a disabled region: its calls fail (OptInRequired), the other region goes on.
        $moved = $paid | Where-Object Region -EQ 'eu-west-1' | ForEach-Object {
            $copy = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($_))
            $copy.Region = 'af-south-1'
            $copy
        }
        $results = @($paid | Where-Object Region -EQ 'us-east-1') + @($moved) | Protect-MarketplacePaidResource @OwnLive -PassThru -ErrorVariable problems -ErrorAction SilentlyContinue
        ($results | ForEach-Object { "$($_.Region) $($_.ResourceId) $($_.Status)" } | Sort-Object) | Should -Be @(
            'af-south-1 ami-00000000000000b01 Failed'
            'us-east-1 ami-00000000000000a02 Tagged'
            'us-east-1 ami-0000000000000ab01 Skipped'
        )
        $problems | Should -HaveCount 1
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'Ec2OptInRequired,*'
        $problems[0].TargetObject | Should -Be 'af-south-1'
    }
}
