<#
.SYNOPSIS
    Measures organization runs: an offline audit of an organization snapshot, and a live fan-out over the fake
    endpoints with injected latency, with the calls each account cost and the peak memory.

.DESCRIPTION
    Not part of the test suite, and it builds nothing: build first (dotnet build -c Release), then run

        dotnet pwsh -NoProfile -File tests/Performance/Measure-Organization.ps1 [-Accounts 200] [-Principals 300]
            [-Repeat 3] [-LatencyMs 50] [-ThrottleLimit 8]

    It makes (once, if missing) a synthetic organization snapshot with New-SyntheticOrganization.ps1 in -WorkPath, then
    in ONE fresh child PowerShell:

    - offline: Test-MarketplaceLeastPrivilege -OrganizationSnapshotPath <folder> -ProcurementPrincipal Procurement
      -ViewerPrincipal Billing -PassThru, once to warm up, then -Repeat times;
    - live: it starts the fake endpoint (tests/MarketplaceGuard.FakeIam) with --organization <folder> --latency-ms
      <LatencyMs> --request-log, and runs the same audit with -AllAccounts -ThrottleLimit <ThrottleLimit> against it,
      once to warm up, then -Repeat times; from the request log of the last run it counts AssumeRole and
      GetAccountAuthorizationDetails per account and the Organizations calls.

    Each time is the median of the timed runs; PeakMB is the child's peak working set after all its runs.

.EXAMPLE
    dotnet pwsh -NoProfile -File tests/Performance/Measure-Organization.ps1 -Repeat 3
#>
[CmdletBinding()]
param(
    [ValidateRange(1, 2000)]
    [int] $Accounts = 200,

    [ValidateRange(1, 100000)]
    [int] $Principals = 300,

    [ValidateRange(1, 100)]
    [int] $Repeat = 3,

    [ValidateRange(0, 10000)]
    [int] $LatencyMs = 50,

    [ValidateRange(1, 64)]
    [int] $ThrottleLimit = 8,

    [int] $Seed = 42,

    # Where the synthetic organization is kept between runs.
    [string] $WorkPath = (Join-Path ([IO.Path]::GetTempPath()) 'MarketplaceGuard-performance')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$repo = Split-Path -Parent (Split-Path -Parent $PSScriptRoot)
$builtModule = Join-Path $repo 'artifacts/module/MarketplaceGuard.psd1'
$fakeDll = Join-Path $repo 'artifacts/bin/MarketplaceGuard.FakeIam/release/MarketplaceGuard.FakeIam.dll'
foreach ($built in $builtModule, $fakeDll) {
    if (-not (Test-Path -LiteralPath $built)) {
        throw "$built is missing: run 'dotnet build -c Release' in $repo first. This script builds nothing."
    }
}

$folder = Join-Path $WorkPath "organization-$Accounts-x-$Principals-seed$Seed"
if (-not (Test-Path -LiteralPath (Join-Path $folder 'organization.json'))) {
    Write-Host "Generating $Accounts accounts x $Principals principals in $folder ..."
    & (Join-Path $PSScriptRoot 'New-SyntheticOrganization.ps1') -Path $folder -Accounts $Accounts -Principals $Principals -Seed $Seed -Force | Out-Null
}

$child = @'
param($Manifest, $Folder, $FakeDll, $LatencyMs, $ThrottleLimit, $Repeat)
$ErrorActionPreference = 'Stop'
Import-Module $Manifest
$audit = @{ ProcurementPrincipal = 'Procurement'; ViewerPrincipal = 'Billing'; PassThru = $true; WarningAction = 'SilentlyContinue' }

function Measure-Runs([scriptblock] $Run) {
    $null = & $Run   # warm-up
    $times = foreach ($i in 1..$Repeat) {
        [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $scope = & $Run
        $watch.Stop()
        $watch.Elapsed.TotalSeconds
    }
    $sorted = @($times | Sort-Object)
    [pscustomobject]@{ Median = $sorted[[int][math]::Floor($sorted.Count / 2)]; Scope = $scope; All = $sorted }
}

$offline = Measure-Runs { Test-MarketplaceLeastPrivilege @audit -OrganizationSnapshotPath $Folder -ThrottleLimit $ThrottleLimit }
$offlineFindings = ($offline.Scope.Runs | ForEach-Object { $_.Findings.Count } | Measure-Object -Sum).Sum
$offlinePeak = [Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64 / 1MB

$log = Join-Path ([IO.Path]::GetTempPath()) ("mg-org-requests-{0}.log" -f [guid]::NewGuid().ToString('N'))
$info = [Diagnostics.ProcessStartInfo]::new('dotnet')
foreach ($a in @($FakeDll, '--organization', $Folder, '--latency-ms', "$LatencyMs", '--request-log', $log)) { $info.ArgumentList.Add($a) }
$info.RedirectStandardInput = $true; $info.RedirectStandardOutput = $true; $info.UseShellExecute = $false
$fake = [Diagnostics.Process]::Start($info)
$line = $fake.StandardOutput.ReadLine()
if ($line -notmatch '^listening (http://127\.0\.0\.1:\d+/)') { throw "The fake endpoint did not start: $line" }
$live = @{ EndpointUrl = $Matches[1]; AccessKey = 'AKIAPERFORMANCE00000'; SecretKey = 'performance-secret' }
try {
    $lines = 0
    $run = {
        $script:lines = @(Get-Content $log -ErrorAction SilentlyContinue).Count
        Test-MarketplaceLeastPrivilege @audit @live -AllAccounts -ThrottleLimit $ThrottleLimit
    }
    $liveRuns = Measure-Runs $run
    Start-Sleep -Milliseconds 500   # the fake flushes its log every 100 ms
    $last = @(Get-Content $log | Select-Object -Skip $script:lines)
}
finally {
    $fake.StandardInput.Close()
    if (-not $fake.WaitForExit(5000)) { $fake.Kill() }
}

$operations = $last | ForEach-Object { ($_ -split ' ')[4] } | Group-Object -AsHashTable
function Count($name) { if ($operations -and $operations.ContainsKey($name)) { $operations[$name].Count } else { 0 } }
$organizationCalls = ($last | Where-Object { ($_ -split ' ')[2] -eq 'organizations' }).Count
[pscustomobject]@{
    OfflineSeconds        = [math]::Round($offline.Median, 2)
    OfflineRuns           = ($offline.All | ForEach-Object { [math]::Round($_, 2) }) -join ', '
    OfflineAccounts       = $offline.Scope.Runs.Count
    OfflineFindings       = $offlineFindings
    OfflinePeakMB         = [math]::Round($offlinePeak)
    LiveSeconds           = [math]::Round($liveRuns.Median, 2)
    LiveRuns              = ($liveRuns.All | ForEach-Object { [math]::Round($_, 2) }) -join ', '
    LiveAccounts          = $liveRuns.Scope.Runs.Count
    LiveUnaudited         = $liveRuns.Scope.Unaudited.Count
    AssumeRole            = Count 'AssumeRole'
    AuthorizationDetails  = Count 'GetAccountAuthorizationDetails'
    GetCallerIdentity     = Count 'GetCallerIdentity'
    OrganizationsCalls    = $organizationCalls
    PeakMB                = [math]::Round([Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64 / 1MB)
}
'@

$script = Join-Path ([IO.Path]::GetTempPath()) 'mg-measure-organization.ps1'
Set-Content -LiteralPath $script -Value $child
$pwshDll = Join-Path $PSHOME 'pwsh.dll'
$json = & dotnet $pwshDll -NoProfile -NonInteractive -Command "& '$script' -Manifest '$builtModule' -Folder '$folder' -FakeDll '$fakeDll' -LatencyMs $LatencyMs -ThrottleLimit $ThrottleLimit -Repeat $Repeat | ConvertTo-Json -Compress"
if ($LASTEXITCODE -ne 0) { throw "The measuring child failed:`n$($json -join "`n")" }
$result = ($json | Select-Object -Last 1) | ConvertFrom-Json
$result | Format-List
Write-Host ("Organization of {0} accounts x {1} principals: offline {2} s (target 10 s), live with {3} ms per call at -ThrottleLimit {4}: {5} s (target 15 s); {6} AssumeRole and {7} GetAccountAuthorizationDetails for {8} accounts (the caller's own account needs no AssumeRole), {9} Organizations calls; peak {10} MB (target 1,500 MB)." -f `
    $Accounts, $Principals, $result.OfflineSeconds, $LatencyMs, $ThrottleLimit, $result.LiveSeconds, $result.AssumeRole, $result.AuthorizationDetails, $result.LiveAccounts, $result.OrganizationsCalls, $result.PeakMB)
