<#
.SYNOPSIS
    Measures Get-MarketplaceProcurementReport on a synthetic organization: 2,000 agreements and 20,000 paid
    instances across 50 accounts, joined and written in every report format.

.DESCRIPTION
    Not part of the test suite, and it builds nothing: build first (dotnet build -c Release), then run

        dotnet pwsh -NoProfile -File tests/Performance/Measure-Procurement.ps1 [-Repeat 5]

    It generates the input once, with a fixed seed (the same objects on every run): 50 accounts, 200 product codes
    (all mapped), 40 agreements per account (ACTIVE, CANCELLED or EXPIRED, ends spread over a year), 400 instances
    per account over 4 regions (running, pending, stopped), and 1,000 account-owned images. Each timed run is the
    join (Get-MarketplaceProcurementReport -PassThru) followed by the HTML, Markdown and JSON reports written to
    files. One warm-up run, then -Repeat timed runs; it prints each time and the median. The target of issue 14:
    within 3 s warm. The script asserts nothing (exit code 0).
#>
[CmdletBinding()]
param(
    [ValidateRange(1, 20)]
    [int] $Repeat = 5,
    [int] $Seed = 14,
    [string] $WorkPath = (Join-Path ([IO.Path]::GetTempPath()) 'marketplaceguard-procurement-perf')
)

$ErrorActionPreference = 'Stop'
$root = Resolve-Path (Join-Path $PSScriptRoot '../..')
Import-Module (Join-Path $root 'MarketplaceGuard.psd1') -Force
$null = Get-MarketplacePolicyTemplate  # loads the engine into the module's load context
$engine = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'MarketplaceGuard.Engine' } | Select-Object -First 1
$agreementType = $engine.GetType('MarketplaceGuard.Engine.Procurement.Agreement')
$resourceType = $engine.GetType('MarketplaceGuard.Engine.PaidResources.PaidResource')
$kinds = $engine.GetType('MarketplaceGuard.Engine.PaidResources.PaidResourceType')
$writer = $engine.GetType('MarketplaceGuard.Engine.Reports.ProcurementReportWriter')
$formats = $engine.GetType('MarketplaceGuard.Engine.Reports.ReportFormat')
$null = New-Item -ItemType Directory -Force $WorkPath

$random = [Random]::new($Seed)
$accounts = 1..50 | ForEach-Object { '{0:D12}' -f (100000000000 + $_) }
$regions = 'us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2'
$alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'
function New-Id([int] $Length) { -join (1..$Length | ForEach-Object { $alphabet[$random.Next($alphabet.Length)] }) }
$products = 1..200 | ForEach-Object { [pscustomobject] @{ Code = New-Id 25; ProductId = 'prod-' + (New-Id 13); Name = "Product $_" } }
$map = @{ productCodes = @{} }
foreach ($p in $products) { $map.productCodes[$p.Code] = @{ productId = $p.ProductId; productName = $p.Name } }
$mapPath = Join-Path $WorkPath 'product-codes.json'
$map | ConvertTo-Json -Depth 5 | Set-Content $mapPath

$set = { param($type, $object, $name, $value) $type.GetProperty($name).SetValue($object, $value) }
$now = [DateTimeOffset]::UtcNow
$statuses = 'ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE', 'CANCELLED', 'EXPIRED'
$agreements = foreach ($account in $accounts) {
    foreach ($i in 1..40) {
        $a = [Activator]::CreateInstance($agreementType, @("agmt-$(New-Id 24)", $account))
        & $set $agreementType $a 'Status' $statuses[$random.Next($statuses.Length)]
        & $set $agreementType $a 'ProductId' $products[$random.Next($products.Count)].ProductId
        & $set $agreementType $a 'EndTime' ([Nullable[DateTimeOffset]] $now.AddDays($random.Next(-30, 365)))
        & $set $agreementType $a 'LicenseArns' ([string[]] @("arn:aws:license-manager::${account}:license:l-$(New-Id 32)"))
        $a
    }
}
$states = 'running', 'running', 'running', 'running', 'running', 'running', 'running', 'pending', 'stopped', 'stopped'
$instanceKind = [Enum]::Parse($kinds, 'Instance')
$imageKind = [Enum]::Parse($kinds, 'Image')
$resources = [System.Collections.Generic.List[object]]::new()
foreach ($account in $accounts) {
    foreach ($i in 1..400) {
        $r = [Activator]::CreateInstance($resourceType, @($instanceKind, "i-$(New-Id 17)", $regions[$random.Next($regions.Length)], $account))
        & $set $resourceType $r 'ProductCodes' ([string[]] @($products[$random.Next($products.Count)].Code))
        & $set $resourceType $r 'State' $states[$random.Next($states.Length)]
        & $set $resourceType $r 'IsAccountOwned' $true
        $resources.Add($r)
    }
    foreach ($i in 1..20) {
        $r = [Activator]::CreateInstance($resourceType, @($imageKind, "ami-$(New-Id 17)", $regions[$random.Next($regions.Length)], $account))
        & $set $resourceType $r 'ProductCodes' ([string[]] @($products[$random.Next($products.Count)].Code))
        & $set $resourceType $r 'IsAccountOwned' $true
        $resources.Add($r)
    }
}
Write-Host "Input: $(@($agreements).Count) agreements, $($resources.Count) paid resources in $($accounts.Count) accounts."

$run = {
    $inventory = Get-MarketplaceProcurementReport -Agreement $agreements -PaidResource $resources -ProductCodeMapPath $mapPath -PassThru
    foreach ($format in 'Html', 'Markdown', 'Json') {
        $file = [IO.StreamWriter]::new((Join-Path $WorkPath "procurement.$format"))
        try { $writer.GetMethod('Write').Invoke($null, @($inventory.psobject.BaseObject, [Enum]::Parse($formats, $format), $file)) } finally { $file.Dispose() }
    }
    $inventory
}

$inventory = & $run
Write-Host "Warm-up: $($inventory.Products.Count) product codes, $($inventory.Findings.Count) findings ($(($inventory.Findings | Group-Object RuleId | ForEach-Object { "$($_.Name): $($_.Count)" }) -join ', '))."
$times = foreach ($i in 1..$Repeat) {
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $null = & $run
    $watch.Stop()
    Write-Host ("Run {0}: {1:N0} ms" -f $i, $watch.Elapsed.TotalMilliseconds)
    $watch.Elapsed.TotalMilliseconds
}
$median = ($times | Sort-Object)[[Math]::Floor($Repeat / 2)]
Write-Host ("Median of {0} warm runs: {1:N0} ms (target: 3,000 ms) - {2}" -f $Repeat, $median, $(if ($median -le 3000) { 'met' } else { 'NOT met' }))
Get-ChildItem $WorkPath -Filter 'procurement.*' | ForEach-Object { Write-Host ("{0}: {1:N0} bytes" -f $_.Name, $_.Length) }
