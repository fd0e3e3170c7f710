#requires -Version 7.6
<#
.SYNOPSIS
    Builds MarketplaceGuard and runs every test: xUnit (engine, AWS layer, help compiler) and Pester (cmdlets).
.DESCRIPTION
    The README's test command. Needs only the .NET SDK and the local PowerShell tool (`dotnet tool restore`).
    Results go to artifacts/test-results (TRX for xUnit, NUnit XML for Pester). The last line is always
    "N passed, N failed" for the whole run; the exit code is 0 only when nothing failed.
.PARAMETER Configuration
    Build configuration, Release by default.
.PARAMETER SkipBuild
    Use the existing build output.
#>
[CmdletBinding()]
param(
    [ValidateSet('Release', 'Debug')]
    [string] $Configuration = 'Release',
    [switch] $SkipBuild
)

$ErrorActionPreference = 'Stop'
$repo = Split-Path -Parent $PSScriptRoot
$results = Join-Path $repo 'artifacts/test-results'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'
# Tests never reach real AWS: no instance-metadata lookups, no colours in logs.
$env:AWS_EC2_METADATA_DISABLED = 'true'
$env:NO_COLOR = '1'
$PSStyle.OutputRendering = 'PlainText'

if (-not $SkipBuild) {
    Write-Host "Building ($Configuration)..."
    dotnet build (Join-Path $repo 'MarketplaceGuard.slnx') -c $Configuration -nologo -v:q -clp:ErrorsOnly
    if ($LASTEXITCODE -ne 0) {
        Write-Host 'Build failed.'
        Write-Host '0 passed, 1 failed'
        exit 1
    }
}

if (Test-Path $results) { Remove-Item $results -Recurse -Force }
New-Item -ItemType Directory -Path $results -Force | Out-Null

# xUnit: one TRX file per test project; counts come from the files, not from console text.
Write-Host 'Running xUnit tests...'
dotnet test (Join-Path $repo 'MarketplaceGuard.slnx') -c $Configuration --no-build -nologo `
    --results-directory (Join-Path $results 'xunit') --logger 'trx' --logger 'console;verbosity=minimal'
$xunitExit = $LASTEXITCODE
$xunitPassed = 0
$xunitFailed = 0
$trxFiles = @(Get-ChildItem (Join-Path $results 'xunit') -Filter *.trx -ErrorAction SilentlyContinue)
foreach ($trx in $trxFiles) {
    $counters = ([xml](Get-Content -LiteralPath $trx.FullName -Raw)).TestRun.ResultSummary.Counters
    $xunitPassed += [int]$counters.passed
    $xunitFailed += [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
}
if ($xunitExit -ne 0 -and $xunitFailed -eq 0) {
    # The runner failed without reporting a failed test (a crash, a missing TRX): count it, never hide it.
    Write-Host "dotnet test exited with $xunitExit."
    $xunitFailed = 1
}

# Pester, from NuGet (artifacts/test-tools is filled by tests/TestDependencies during the build).
Write-Host 'Running Pester tests...'
Import-Module (Join-Path $repo 'artifacts/test-tools/Pester/Pester.psd1') -RequiredVersion 5.7.1 -Force
$config = New-PesterConfiguration
$config.Run.Path = Join-Path $PSScriptRoot 'Pester'
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Normal'
$config.Output.RenderMode = 'Plaintext'
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'NUnitXml'
$config.TestResult.OutputPath = Join-Path $results 'pester.xml'
$pester = Invoke-Pester -Configuration $config
$pesterPassed = $pester.PassedCount
$pesterFailed = $pester.FailedCount + $pester.FailedBlocksCount + $pester.FailedContainersCount
# A run that returns no result (Invoke-Pester itself failed, such as writing its XML) is a failure, not "0 failed".
if ($null -eq $pester -or $null -eq $pesterPassed) {
    Write-Host 'Pester returned no result (see the errors above).'
    $pesterPassed = 0
    $pesterFailed = [Math]::Max(1, [int] $pesterFailed)
}

Write-Host ''
Write-Host "xUnit:  $xunitPassed passed, $xunitFailed failed"
Write-Host "Pester: $pesterPassed passed, $pesterFailed failed"
$passed = $xunitPassed + $pesterPassed
$failed = $xunitFailed + $pesterFailed
Write-Host "$passed passed, $failed failed"
exit ([int]($failed -gt 0))
