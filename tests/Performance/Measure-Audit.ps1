<#
.SYNOPSIS
    Measures Test-MarketplaceLeastPrivilege on synthetic accounts of growing size: time per phase, peak memory, GC.

.DESCRIPTION
    Not part of the test suite, and it builds nothing: build first (dotnet build -c Release), then run

        dotnet pwsh -NoProfile -File tests/Performance/Measure-Audit.ps1 [-Scale 1,2,4] [-Repeat 3]

    For each scale it makes (once, if missing) a synthetic snapshot with New-SyntheticAccount.ps1 in -WorkPath, then
    starts ONE fresh child PowerShell (dotnet <PSHOME>/pwsh.dll -NoProfile -NonInteractive -Command ...) that imports
    the module and runs

        Test-MarketplaceLeastPrivilege -AuthorizationDetailsPath <file> -ProcurementPrincipal Procurement
            -ViewerPrincipal Billing -Quiet -Verbose

    Untimed runs warm the process up (JIT, the shipped AWS managed policies, the action catalog), then -Repeat runs are
    timed with a Stopwatch. The first run after Import-Module is also reported on its own, with the import: that is what
    a CI job that audits once per process waits for ("Cold ms"). One such run varies by a tenth or more from process to
    process on a small machine, so -ColdRuns - 1 more fresh processes each import the module and audit once, and
    "Cold ms" is the median of all of them (ColdRangeMs in the details: the fastest and the slowest).

    Warm means the runtime has stopped recompiling. Tiered compilation keeps recompiling hot code in the background
    (probed first, then optimized) for many runs: measured on a 2-core machine, the JIT compiled 100 to 500 methods in
    each of the first 18 runs of a 1x session and under 50 from the 19th. So the warm-up runs at least -Warmup times
    and then until two runs in a row compiled at most -SettledJitMethods methods each (System.Runtime.JitInfo), up to
    -MaxWarmup runs (then the table says so). "Early ms" is the median of the session's second to (Repeat+1)th runs,
    timed during that warm-up: what a script that audits a handful of accounts in one session sees per account.
    The phases come from the cmdlet's -Verbose lines
    ("Read ... in N ms", "Built the account ... in N ms", "Evaluated ... in N ms"); each column is the median over the
    timed runs. PeakMB is the child's peak working set (Process.PeakWorkingSet64) after all its runs, the warm-up
    included. A fresh process per scale keeps one scale's memory from inflating the next one's.

    Prints the table, a details table (distinct documents, cold first run, allocation and GC per run), and how each
    phase grows from the smallest to the largest scale. -PassThru also returns the rows as objects.

.EXAMPLE
    dotnet pwsh -NoProfile -File tests/Performance/Measure-Audit.ps1

.EXAMPLE
    dotnet pwsh -NoProfile -File tests/Performance/Measure-Audit.ps1 -Scale 0.5,1 -Repeat 5 -WorkPath /tmp/mg-perf

.EXAMPLE
    dotnet pwsh -NoProfile -File tests/Performance/Measure-Audit.ps1 -Scale 1,2,4 -Repeat 5 -UpdateBaseline
#>
[CmdletBinding()]
param(
    # Scales to measure (1 = 5,000 users). A string list so that "-Scale 1,2,4" also works with pwsh -File.
    [string[]] $Scale = @('1', '2', '4'),

    [ValidateRange(1, 100)]
    [int] $Repeat = 3,

    # Untimed runs before the timed ones, at least (the first is also reported as the cold run); see -MaxWarmup.
    [ValidateRange(1, 100)]
    [int] $Warmup = 3,

    # The warm-up goes on after -Warmup runs until two runs in a row compiled at most -SettledJitMethods methods each,
    # and stops at this many runs whether or not the JIT settled. -MaxWarmup equal to -Warmup turns that off.
    [ValidateRange(1, 200)]
    [int] $MaxWarmup = 40,

    [ValidateRange(0, 100000)]
    [int] $SettledJitMethods = 50,

    # Fresh processes whose first audit makes "Cold ms" (their median): the measuring process's first run and
    # -ColdRuns - 1 more, each of which imports the module, audits once and exits.
    [ValidateRange(1, 50)]
    [int] $ColdRuns = 5,

    [int] $Seed = 42,

    # Where the synthetic snapshots are kept between runs.
    [string] $WorkPath = (Join-Path ([IO.Path]::GetTempPath()) 'MarketplaceGuard-performance'),

    # Also return the table's rows as objects.
    [switch] $PassThru,

    # The committed figures each run is compared with (tests/Performance/audit-baseline.json): a scale in both is
    # compared metric by metric, and a metric more than -Tolerance worse, or findings that differ, is flagged and makes
    # the script exit with 1. '' compares with nothing.
    [string] $BaselinePath = (Join-Path $PSScriptRoot 'audit-baseline.json'),

    # How much worse than the baseline a metric may be before it is flagged: 0.2 = 20 %.
    [ValidateRange(0, 10)]
    [double] $Tolerance = 0.2,

    # Write this run's figures to -BaselinePath (after a change that is meant to move them; commit the file).
    [switch] $UpdateBaseline
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
if ($MaxWarmup -lt $Warmup) {
    throw "-MaxWarmup ($MaxWarmup) is less than -Warmup ($Warmup): the warm-up runs at least -Warmup times."
}

$repo = Split-Path -Parent (Split-Path -Parent $PSScriptRoot)
$manifest = Join-Path $repo 'MarketplaceGuard.psd1'
$builtModule = Join-Path $repo 'artifacts/module/MarketplaceGuard.psd1'
if (-not (Test-Path -LiteralPath $builtModule)) {
    throw "The module is not built ($builtModule is missing): run 'dotnet build -c Release' in $repo first. This script builds nothing."
}

$generator = Join-Path $PSScriptRoot 'New-SyntheticAccount.ps1'
$pwshDll = Join-Path $PSHOME 'pwsh.dll'
if (-not (Test-Path -LiteralPath $pwshDll)) {
    throw "No pwsh.dll in `$PSHOME ($PSHOME): run this script with the repository's PowerShell tool ('dotnet pwsh')."
}

$dotnet = if ([IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') { [Environment]::ProcessPath } else { 'dotnet' }
$invariant = [Globalization.CultureInfo]::InvariantCulture
$scales = @($Scale -split ',' | Where-Object { $_.Trim() } | ForEach-Object {
        $value = 0.0
        if (-not [double]::TryParse($_.Trim(), [Globalization.NumberStyles]::Float, $invariant, [ref]$value) -or $value -lt 0.001 -or $value -gt 1000) {
            throw "-Scale: '$_' is not a number from 0.001 to 1000."
        }

        $value
    } | Sort-Object -Unique)

# Snapshots are named after the generator's own hash, so a changed generator never reuses a stale file.
$generatorHash = (Get-FileHash -LiteralPath $generator -Algorithm SHA256).Hash.Substring(0, 8).ToLowerInvariant()
New-Item -ItemType Directory -Path $WorkPath -Force | Out-Null

function Quote([string] $text) { "'" + $text.Replace("'", "''") + "'" }

# The child: warm-up run, then $Repeat timed runs; one line of JSON on stdout, prefixed so that nothing else is taken
# for it. Numbers in the -Verbose lines are formatted with the current culture: set the invariant one, and parse
# leniently anyway (digits only).
$childTemplate = @'
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
[System.Threading.Thread]::CurrentThread.CurrentCulture = [System.Globalization.CultureInfo]::InvariantCulture
$importWatch = [System.Diagnostics.Stopwatch]::StartNew()
Import-Module __MANIFEST__
$importMs = $importWatch.Elapsed.TotalMilliseconds
$file = __FILE__
$repeat = __REPEAT__
$startupPeakMB = [System.Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64 / 1MB # PowerShell + the module, before any audit

function Get-Number([string] $text) { [double]($text -replace '[^\d]', '') }

function Invoke-Audit {
    $allocatedBefore = [GC]::GetTotalAllocatedBytes($false)
    $gcBefore = @([GC]::CollectionCount(0), [GC]::CollectionCount(1), [GC]::CollectionCount(2))
    $pauseBefore = [GC]::GetTotalPauseDuration()
    $jitBefore = [System.Runtime.JitInfo]::GetCompiledMethodCount($false)
    $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
    $output = & { Test-MarketplaceLeastPrivilege -AuthorizationDetailsPath $file -ProcurementPrincipal Procurement -ViewerPrincipal Billing -Quiet -Verbose } 3>&1 4>&1
    $stopwatch.Stop()
    $run = [ordered]@{
        TotalMs = $stopwatch.Elapsed.TotalMilliseconds
        AllocatedMB = ([GC]::GetTotalAllocatedBytes($false) - $allocatedBefore) / 1MB
        Gen0 = [GC]::CollectionCount(0) - $gcBefore[0]
        Gen1 = [GC]::CollectionCount(1) - $gcBefore[1]
        Gen2 = [GC]::CollectionCount(2) - $gcBefore[2]
        GcPauseMs = ([GC]::GetTotalPauseDuration() - $pauseBefore).TotalMilliseconds
        JitMethods = [System.Runtime.JitInfo]::GetCompiledMethodCount($false) - $jitBefore
        Warnings = 0
        Passed = $null
        Verbose = @()
    }
    foreach ($item in $output) {
        if ($item -is [System.Management.Automation.VerboseRecord]) {
            $run.Verbose += $item.Message
            $n = '(\d[\d.,''\s]*?)'
            if ($item.Message -match "bytes, $n users, $n groups, $n roles, $n managed policies in $n ms") {
                $run.Users = Get-Number $Matches[1]; $run.Groups = Get-Number $Matches[2]; $run.Roles = Get-Number $Matches[3]
                $run.Policies = Get-Number $Matches[4]; $run.LoadMs = Get-Number $Matches[5]
            }
            elseif ($item.Message -match "Built the account: $n distinct policy documents compiled in $n ms") {
                $run.Documents = Get-Number $Matches[1]; $run.BuildMs = Get-Number $Matches[2]
            }
            elseif ($item.Message -match "Evaluated $n principals .* in $n ms: $n findings, $n suppressed") {
                $run.Principals = Get-Number $Matches[1]; $run.EvaluateMs = Get-Number $Matches[2]; $run.Findings = Get-Number $Matches[3]
            }
        }
        elseif ($item -is [System.Management.Automation.WarningRecord]) {
            $run.Warnings++
        }
        elseif ($item -is [bool]) {
            $run.Passed = $item
        }
    }

    [pscustomobject]$run
}

$warmup = Invoke-Audit
$firstPeakMB = [System.Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64 / 1MB # one audit in a fresh process
# Warm up until the JIT has settled (see the script's help): at least __WARMUP__ runs, then until two runs in a row
# compiled at most __SETTLED__ methods each, at most __MAXWARMUP__ runs.
$warmupRuns = @($warmup)
$quiet = 0
while ($warmupRuns.Count -lt __MAXWARMUP__ -and ($warmupRuns.Count -lt __WARMUP__ -or $quiet -lt 2)) {
    $run = Invoke-Audit
    $warmupRuns += $run
    $quiet = if ($run.JitMethods -le __SETTLED__) { $quiet + 1 } else { 0 }
}
$runs = @(for ($i = 0; $i -lt $repeat; $i++) { Invoke-Audit })
# The session's second to (repeat+1)th runs: from the warm-up, then the timed runs if the warm-up was shorter.
$early = @(@($warmupRuns | Select-Object -Skip 1) + $runs | Select-Object -First $repeat)
$process = [System.Diagnostics.Process]::GetCurrentProcess()
$process.Refresh()
$memory = [GC]::GetGCMemoryInfo()
$result = [ordered]@{
    Warmup = $warmup
    WarmupRuns = $warmupRuns.Count
    Settled = $quiet -ge 2
    EarlyMs = @($early | ForEach-Object TotalMs)
    ImportMs = $importMs
    FirstPeakMB = $firstPeakMB
    Runs = $runs
    PeakWorkingSetMB = $process.PeakWorkingSet64 / 1MB
    StartupPeakMB = $startupPeakMB
    WorkingSetMB = $process.WorkingSet64 / 1MB
    GcHeapMB = $memory.HeapSizeBytes / 1MB
    ServerGC = [System.Runtime.GCSettings]::IsServerGC
    ConcurrentGC = [System.Runtime.GCSettings]::LatencyMode.ToString()
    Processors = [Environment]::ProcessorCount
    Runtime = [System.Runtime.InteropServices.RuntimeInformation]::FrameworkDescription
    # Runtime knobs set in the environment (DOTNET_TieredPGO=0 ...): they move every figure, so they are part of the description.
    Settings = @(Get-ChildItem env: | Where-Object Name -Match '^(DOTNET|COMPlus)_(Tiered|TC_|ReadyToRun|gc|Jit|OSR)' | Sort-Object Name | ForEach-Object { "$($_.Name)=$($_.Value)" })
}
'MGPERF ' + ($result | ConvertTo-Json -Depth 5 -Compress)
'@

# A cold-only child: Import-Module and one audit, as the measuring child's first run.
$coldTemplate = @'
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$watch = [System.Diagnostics.Stopwatch]::StartNew()
Import-Module __MANIFEST__
$importMs = $watch.Elapsed.TotalMilliseconds
$watch.Restart()
$null = & { Test-MarketplaceLeastPrivilege -AuthorizationDetailsPath __FILE__ -ProcurementPrincipal Procurement -ViewerPrincipal Billing -Quiet -Verbose } 3>&1 4>&1
'MGCOLD ' + ([ordered]@{ ImportMs = $importMs; TotalMs = $watch.Elapsed.TotalMilliseconds } | ConvertTo-Json -Compress)
'@

function Get-Median([double[]] $values) {
    $sorted = @($values | Sort-Object)
    if ($sorted.Count -eq 0) { return [double]::NaN }
    $middle = [int][math]::Floor($sorted.Count / 2)
    if ($sorted.Count % 2) { return $sorted[$middle] }
    return ($sorted[$middle - 1] + $sorted[$middle]) / 2
}

$measured = foreach ($s in $scales) {
    $scaleText = $s.ToString('0.###', $invariant)
    $snapshot = Join-Path $WorkPath "account-x$scaleText-seed$Seed-$generatorHash.json"
    if (-not (Test-Path -LiteralPath $snapshot)) {
        Write-Host "Generating the ${scaleText}x account: $snapshot"
        $generated = & $generator -Path $snapshot -Scale $s -Seed $Seed
        Write-Host ("  {0:N1} MB, {1} users, {2} roles, {3} groups, {4} customer managed policies, in {5:N1} s" -f $generated.SizeMB, $generated.Users, $generated.Roles, $generated.Groups, $generated.CustomerPolicies, $generated.Seconds)
    }

    Write-Host "Measuring ${scaleText}x: $Warmup to $MaxWarmup warm-up runs (until the JIT settles) + $Repeat timed runs in a fresh process..."
    $child = $childTemplate.Replace('__MANIFEST__', (Quote $manifest)).Replace('__FILE__', (Quote $snapshot)).Replace('__REPEAT__', [string]$Repeat).Replace('__WARMUP__', [string]$Warmup).Replace('__MAXWARMUP__', [string]$MaxWarmup).Replace('__SETTLED__', [string]$SettledJitMethods)
    $lines = & $dotnet $pwshDll -NoProfile -NonInteractive -Command $child
    if ($LASTEXITCODE -ne 0) {
        throw "The child PowerShell for ${scaleText}x failed (exit code $LASTEXITCODE):`n$($lines -join "`n")"
    }

    $line = @($lines | Where-Object { $_ -like 'MGPERF *' }) | Select-Object -Last 1
    if (-not $line) {
        throw "The child PowerShell for ${scaleText}x printed no result:`n$($lines -join "`n")"
    }

    $result = $line.Substring('MGPERF '.Length) | ConvertFrom-Json
    $coldMs = @($result.ImportMs + $result.Warmup.TotalMs)
    if ($ColdRuns -gt 1) {
        Write-Host "  and $($ColdRuns - 1) more fresh processes for the cold first audit..."
        $coldChild = $coldTemplate.Replace('__MANIFEST__', (Quote $manifest)).Replace('__FILE__', (Quote $snapshot))
        for ($c = 1; $c -lt $ColdRuns; $c++) {
            $coldLines = & $dotnet $pwshDll -NoProfile -NonInteractive -Command $coldChild
            $coldLine = @($coldLines | Where-Object { $_ -like 'MGCOLD *' }) | Select-Object -Last 1
            if ($LASTEXITCODE -ne 0 -or -not $coldLine) {
                throw "A cold child PowerShell for ${scaleText}x failed (exit code $LASTEXITCODE):`n$($coldLines -join "`n")"
            }

            $cold = $coldLine.Substring('MGCOLD '.Length) | ConvertFrom-Json
            $coldMs += $cold.ImportMs + $cold.TotalMs
        }
    }

    $runs = @($result.Runs)
    foreach ($run in @($runs) + $result.Warmup) {
        foreach ($name in 'LoadMs', 'BuildMs', 'EvaluateMs', 'Findings') {
            if (-not $run.PSObject.Properties[$name]) {
                throw "The ${scaleText}x run wrote no '$name' in its -Verbose output (the cmdlet's messages changed?):`n$($run.Verbose -join "`n")"
            }
        }
    }

    $first = $runs[0]
    [pscustomobject]@{
        Scale         = $s
        Users         = [int]$first.Users
        Roles         = [int]$first.Roles
        Groups        = [int]$first.Groups
        Policies      = [int]$first.Policies
        SnapshotMB    = [math]::Round((Get-Item -LiteralPath $snapshot).Length / 1MB, 1)
        'Load ms'     = [long](Get-Median $runs.LoadMs)
        'Build ms'    = [long](Get-Median $runs.BuildMs)
        'Evaluate ms' = [long](Get-Median $runs.EvaluateMs)
        'Total ms'    = [long](Get-Median $runs.TotalMs)
        'Early ms'    = [long](Get-Median $result.EarlyMs)
        PeakMB        = [long]$result.PeakWorkingSetMB
        Findings      = [int]$first.Findings
        # Details, in the second table.
        Documents     = [int]$first.Documents
        'Cold ms'     = [long](Get-Median $coldMs)
        ColdRangeMs   = '{0:0}-{1:0}' -f ($coldMs | Measure-Object -Minimum).Minimum, ($coldMs | Measure-Object -Maximum).Maximum
        ImportMs      = [long]$result.ImportMs
        ColdPeakMB    = [long]$result.FirstPeakMB
        ColdTotalMs   = [long]$result.Warmup.TotalMs
        AllocMBPerRun = [long](Get-Median $runs.AllocatedMB)
        Gen0PerRun    = [long](Get-Median $runs.Gen0)
        Gen1PerRun    = [long](Get-Median $runs.Gen1)
        Gen2PerRun    = [long](Get-Median $runs.Gen2)
        GcPauseMs     = [long](Get-Median $runs.GcPauseMs)
        WarmupRuns    = "$($result.WarmupRuns)$(if (-not $result.Settled) { ' (JIT not settled)' })"
        JitPerRun     = [long](Get-Median $runs.JitMethods)
        GcHeapMB      = [long]$result.GcHeapMB
        StartupMB     = [long]$result.StartupPeakMB
        Warnings      = [int]$first.Warnings
        Runtime       = "$($result.Runtime), $($result.Processors) CPU, $(if ($result.ServerGC) { 'server' } else { 'workstation' }) GC ($($result.ConcurrentGC))$(@($result.Settings | ForEach-Object { ", $_" }) -join '')"
    }
}

$measured = @($measured)
Write-Host ''
Write-Host "Test-MarketplaceLeastPrivilege, median of $Repeat warm runs, after the JIT settled (phases from -Verbose; Early ms = the session's runs 2 to $($Repeat + 1); PeakMB = peak working set of the child process; Cold ms = Import-Module and the first audit of a fresh process, median of $ColdRuns processes):"
$scaleColumn = @{ Name = 'Scale'; Expression = { $_.Scale.ToString('0.###', $invariant) + 'x' }; Alignment = 'Right' }
$snapshotColumn = @{ Name = 'SnapshotMB'; Expression = { $_.SnapshotMB.ToString('0.0', $invariant) }; Alignment = 'Right' }
# Out-String -Width: a child or CI console may report 80 columns, which would cut the table.
$measured | Format-Table $scaleColumn, Users, Roles, Groups, Policies, $snapshotColumn, 'Load ms', 'Build ms', 'Evaluate ms', 'Total ms', 'Early ms', PeakMB, 'Cold ms', Findings -AutoSize | Out-String -Width 250 | Write-Host
Write-Host 'Details: distinct documents compiled, Import-Module and the first audit apart, peak working set after that first audit, allocation, GC and methods compiled per warm run (medians), warm-up runs, GC heap at the end, peak working set before the first audit (PowerShell + module):'
$measured | Format-Table $scaleColumn, Documents, ImportMs, ColdTotalMs, ColdRangeMs, ColdPeakMB, AllocMBPerRun, Gen0PerRun, Gen1PerRun, Gen2PerRun, GcPauseMs, JitPerRun, WarmupRuns, GcHeapMB, StartupMB, Warnings -AutoSize | Out-String -Width 250 | Write-Host
Write-Host "Runtime: $($measured[0].Runtime)"

if ($measured.Count -ge 2) {
    $small = $measured[0]
    $large = $measured[-1]
    $factor = $large.Scale / $small.Scale
    function Growth([string] $column) {
        if ($small.$column -le 0) { return 'n/a' }
        '{0}x' -f ($large.$column / $small.$column).ToString('0.00', $invariant)
    }

    $label = '{0}x -> {1}x' -f $small.Scale.ToString('0.###', $invariant), $large.Scale.ToString('0.###', $invariant)
    Write-Host ''
    Write-Host ("Growth {0} ({1} times the data; linear would be {1}x):" -f $label, $factor.ToString('0.##', $invariant))
    Write-Host ("  Total {0} ({1} ms -> {2} ms)" -f (Growth 'Total ms'), $small.'Total ms', $large.'Total ms')
    Write-Host ("  Load {0}, Build {1}, Evaluate {2}, peak memory {3}, snapshot {4}" -f (Growth 'Load ms'), (Growth 'Build ms'), (Growth 'Evaluate ms'), (Growth 'PeakMB'), (Growth 'SnapshotMB'))
    $perUser = { param($row) $row.'Total ms' * 1000 / ($row.Users + $row.Roles) }
    Write-Host ("  Per principal: {0:N0} us at {1}x, {2:N0} us at {3}x" -f (& $perUser $small), $small.Scale, (& $perUser $large), $large.Scale)
}

$compared = @('Total ms', 'Load ms', 'Build ms', 'Evaluate ms', 'Early ms', 'Cold ms', 'AllocMBPerRun', 'PeakMB')
$flagged = 0
if ($UpdateBaseline) {
    $baseline = [ordered]@{
        measuredAt = [DateTime]::UtcNow.ToString('yyyy-MM-dd', $invariant)
        commit     = (& git -C $repo rev-parse --short HEAD 2>$null)
        runtime    = $measured[0].Runtime
        repeat     = $Repeat
        warmup     = "$Warmup to $MaxWarmup runs, until two in a row compiled at most $SettledJitMethods methods each"
        coldRuns   = $ColdRuns
        scales     = @($measured | ForEach-Object {
            $row = $_
            $entry = [ordered]@{ scale = $row.Scale; findings = $row.Findings }
            foreach ($metric in $compared) { $entry[$metric] = $row.$metric }
            $entry
        })
    }
    $baseline | ConvertTo-Json -Depth 4 | Set-Content -LiteralPath $BaselinePath -Encoding utf8NoBOM
    Write-Host ''
    Write-Host "Wrote the baseline: $BaselinePath (commit it)."
}
elseif ($BaselinePath -and (Test-Path -LiteralPath $BaselinePath)) {
    $baseline = Get-Content -LiteralPath $BaselinePath -Raw | ConvertFrom-Json
    $rows = foreach ($row in $measured) {
        $before = @($baseline.scales | Where-Object { [double]$_.scale -eq $row.Scale }) | Select-Object -First 1
        if (-not $before) { continue }
        foreach ($metric in $compared) {
            if (-not $before.PSObject.Properties[$metric]) { continue } # a metric the baseline predates
            $was = [double]$before.$metric
            $now = [double]$row.$metric
            $change = if ($was -gt 0) { ($now - $was) / $was } else { 0 }
            $flag = if ($change -gt $Tolerance) { 'REGRESSION' } elseif ($change -lt -$Tolerance) { 'better' } else { '' }
            if ($flag -eq 'REGRESSION') { $flagged++ }
            [pscustomobject]@{ Scale = $row.Scale.ToString('0.###', $invariant) + 'x'; Metric = $metric; Baseline = $was; Now = $now; Change = $change.ToString('+0%;-0%;0%', $invariant); Flag = $flag }
        }

        $same = [int]$before.findings -eq $row.Findings
        if (-not $same) { $flagged++ }
        [pscustomobject]@{ Scale = $row.Scale.ToString('0.###', $invariant) + 'x'; Metric = 'Findings'; Baseline = [int]$before.findings; Now = $row.Findings; Change = ''; Flag = if ($same) { '' } else { 'CHANGED' } }
    }

    Write-Host ''
    if ($baseline.runtime -ne $measured[0].Runtime) {
        Write-Warning "The baseline was measured on another runtime or with other runtime settings ($($baseline.runtime)); this run: $($measured[0].Runtime). The figures compare different things."
    }
    Write-Host "Against the baseline of $($baseline.measuredAt) (commit $($baseline.commit), $($baseline.runtime)); flagged when more than $($Tolerance.ToString('0%', $invariant)) worse:"
    @($rows) | Format-Table Scale, Metric, Baseline, Now, Change, Flag -AutoSize | Out-String -Width 200 | Write-Host
    if ($flagged -gt 0) {
        Write-Host "$flagged metric(s) flagged: run again to tell the machine's noise from a regression (allocation and findings do not vary between runs)."
    }
}

if ($PassThru) {
    $measured | Select-Object Scale, Users, Roles, Groups, Policies, SnapshotMB, 'Load ms', 'Build ms', 'Evaluate ms', 'Total ms', 'Early ms', PeakMB, Findings, 'Cold ms', ColdRangeMs, Documents, ImportMs, ColdTotalMs, ColdPeakMB, AllocMBPerRun, Gen0PerRun, Gen1PerRun, Gen2PerRun, GcPauseMs, JitPerRun, WarmupRuns, GcHeapMB, StartupMB
}

if ($flagged -gt 0) {
    exit 1
}
