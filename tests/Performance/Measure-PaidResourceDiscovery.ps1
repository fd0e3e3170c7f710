<#
.SYNOPSIS
    Measures Get-MarketplacePaidResource on a large synthetic account served by the fake endpoint: time, and the
    number of describe calls per region and resource type (from the fake's request log).

.DESCRIPTION
    Not part of the test suite, and it builds nothing: build first (dotnet build -c Release), then run

        dotnet pwsh -NoProfile -File tests/Performance/Measure-PaidResourceDiscovery.ps1 [-Repeat 3]

    It writes (once) a seed with New-SyntheticEc2Seed.ps1 (default: 10,000 instances and 2,000 account AMIs over 4
    regions, plus Marketplace AMIs, snapshots and volumes), starts the fake endpoint as a child process with
    --ec2 <seed> --request-log <file>, imports the module and runs

        Get-MarketplacePaidResource -Region <the 4 regions> -EndpointUrl <fake>

    once to warm up, then -Repeat times, each timed with a Stopwatch. For each timed run it reads the requests the
    fake logged and counts the calls per region and operation. The target of issue 11: within 5 s warm, with at
    most ceil(n/1000) describe calls per region and resource type. The last lines say whether each run met it; the
    script asserts nothing (exit code 0).

    How the calls are counted against n: DescribeInstances against the region's instances; DescribeImages
    (owner self) against the account's AMIs; DescribeSnapshots and DescribeVolumes against the region's snapshots and
    volumes. The Marketplace AMIs the instances run are looked up by id (filter image-id, 200 ids a call): that
    lookup is one more DescribeImages call per region when any instance runs an AMI the account does not own, and is
    shown on its own line.
#>
[CmdletBinding()]
param(
    [ValidateRange(1, 20)]
    [int] $Repeat = 3,
    [string] $WorkPath = (Join-Path ([IO.Path]::GetTempPath()) 'marketplaceguard-perf'),
    [string[]] $Regions = @('us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2'),
    [int] $InstancesPerRegion = 2500,
    [int] $ImagesPerRegion = 500,
    [int] $VolumesPerRegion = 1000,
    [int] $ExtraSnapshotsPerRegion = 100
)

$ErrorActionPreference = 'Stop'
$repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$fakeDll = Join-Path $repo 'artifacts/bin/MarketplaceGuard.FakeIam/release/MarketplaceGuard.FakeIam.dll'
if (-not (Test-Path $fakeDll)) { throw "Build first (dotnet build -c Release): $fakeDll is missing." }
New-Item -ItemType Directory -Path $WorkPath -Force | Out-Null
$seed = Join-Path $WorkPath ("ec2-seed-{0}x{1}-{2}-{3}-{4}.json" -f $Regions.Count, $InstancesPerRegion, $ImagesPerRegion, $VolumesPerRegion, $ExtraSnapshotsPerRegion)
if (-not (Test-Path $seed)) {
    & (Join-Path $PSScriptRoot 'New-SyntheticEc2Seed.ps1') -Path $seed -Regions $Regions -InstancesPerRegion $InstancesPerRegion `
        -ImagesPerRegion $ImagesPerRegion -VolumesPerRegion $VolumesPerRegion -ExtraSnapshotsPerRegion $ExtraSnapshotsPerRegion
}

$log = Join-Path $WorkPath 'requests.log'
$info = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
foreach ($a in @($fakeDll, '--ec2', $seed, '--request-log', $log)) { $info.ArgumentList.Add($a) }
$info.RedirectStandardInput = $true; $info.RedirectStandardOutput = $true; $info.UseShellExecute = $false
$fake = [System.Diagnostics.Process]::Start($info)
try {
    $line = $fake.StandardOutput.ReadLine()
    if ($line -notmatch '^listening (http://127\.0\.0\.1:\d+/)') { throw "The fake endpoint did not start: $line" }
    $url = $Matches[1]
    $env:AWS_EC2_METADATA_DISABLED = 'true'
    Import-Module (Join-Path $repo 'MarketplaceGuard.psd1')
    $ProgressPreference = 'SilentlyContinue'
    $call = @{ Region = $Regions; EndpointUrl = $url; AccessKey = 'AKIAPERFORMANCE00000'; SecretKey = 'performance-secret' }

    function Read-LogLines { Start-Sleep -Milliseconds 300; @(Get-Content -LiteralPath $log) }

    $null = Get-MarketplacePaidResource @call   # warm-up: JIT, SDK clients, the fake's first replies
    $rows = for ($run = 1; $run -le $Repeat; $run++) {
        $before = (Read-LogLines).Count
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $found = @(Get-MarketplacePaidResource @call)
        $watch.Stop()
        # log line: <time> <method> <service> <region> <operation> <status> [<error>] <fault>
        $requests = (Read-LogLines) | Select-Object -Skip $before | ForEach-Object { $f = $_ -split ' '; [pscustomobject]@{ Service = $f[2]; Region = $f[3]; Operation = $f[4]; Status = $f[5] } }
        [pscustomobject]@{
            Run        = $run
            Ms         = [int]$watch.Elapsed.TotalMilliseconds
            Found      = $found.Count
            ByType     = ($found | Group-Object ResourceType -NoElement | ForEach-Object { "$($_.Name)=$($_.Count)" }) -join ' '
            Requests   = $requests
        }
    }

    $rows | Format-Table Run, Ms, Found, ByType -AutoSize | Out-String | Write-Host
    $last = $rows[-1]
    Write-Host 'Calls per region and operation (last run):'
    $last.Requests | Group-Object Region, Operation -NoElement | Sort-Object Name | Format-Table Count, Name -AutoSize | Out-String | Write-Host

    $n = @{ DescribeInstances = $InstancesPerRegion; DescribeImages = $ImagesPerRegion; DescribeSnapshots = $ImagesPerRegion + $ExtraSnapshotsPerRegion; DescribeVolumes = $VolumesPerRegion }
    foreach ($row in $rows) {
        $problems = foreach ($region in $Regions) {
            $mine = @($row.Requests | Where-Object { $_.Region -eq $region -and $_.Service -eq 'ec2' })
            foreach ($operation in $n.Keys) {
                $count = @($mine | Where-Object Operation -EQ $operation).Count
                # DescribeImages also looks up the Marketplace AMIs in use by id: one call per 200 of them.
                $allowed = [math]::Ceiling($n[$operation] / 1000) + $(if ($operation -eq 'DescribeImages') { 1 } else { 0 })
                if ($count -gt $allowed) { "$region $operation $count > $allowed" }
            }
            if ($mine | Where-Object Operation -Like '*Attribute') { "$region made attribute calls" }
        }
        $ok = $row.Ms -le 5000 -and -not $problems
        Write-Host ("Run {0}: {1:N0} ms, {2} requests; target (<= 5,000 ms, <= ceil(n/1000) describe calls per region and type): {3}{4}" -f `
            $row.Run, $row.Ms, @($row.Requests).Count, $(if ($ok) { 'met' } else { 'MISSED' }), $(if ($problems) { ' - ' + ($problems -join '; ') } else { '' }))
    }
}
finally {
    $fake.StandardInput.Close()
    if (-not $fake.WaitForExit(5000)) { $fake.Kill() }
}
