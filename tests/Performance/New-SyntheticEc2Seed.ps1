<#
.SYNOPSIS
    Writes an EC2 seed file for the fake endpoint (tests/MarketplaceGuard.FakeIam, option --ec2): a synthetic
    account with paid AMIs, instances, snapshots and volumes spread over several regions.

.DESCRIPTION
    Per region (-Regions, default 4): -ImagesPerRegion account AMIs derived from Marketplace products (each with a
    root snapshot in its block device mapping), -MarketplaceImagesPerRegion public Marketplace AMIs, and
    -InstancesPerRegion instances: most launched from the account's AMIs, some from the Marketplace AMIs, every fifth
    from an Amazon AMI (no product code). -VolumesPerRegion root volumes (attached to the first instances, created
    from their AMI's snapshot) and -ExtraSnapshotsPerRegion snapshots taken from those volumes. Product codes are
    given on the AMIs only; the fake's loader propagates them along the lineage, as EC2 would have.
    The defaults are the performance target of issue 11: 10,000 instances and 2,000 images over 4 regions.
    Deterministic: the same parameters give the same file.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $Path,
    [string[]] $Regions = @('us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2'),
    [int] $InstancesPerRegion = 2500,
    [int] $ImagesPerRegion = 500,
    [int] $MarketplaceImagesPerRegion = 5,
    [int] $VolumesPerRegion = 1000,
    [int] $ExtraSnapshotsPerRegion = 100
)

$ErrorActionPreference = 'Stop'
function Id([string] $prefix, [int] $region, [int] $kind, [int] $n) { '{0}{1:x2}{2:x2}{3:x13}' -f $prefix, $region, $kind, $n }

$publicImages = [ordered]@{}
$regionsJson = [ordered]@{}
for ($r = 0; $r -lt $Regions.Count; $r++) {
    $name = $Regions[$r]
    $marketplace = for ($m = 0; $m -lt $MarketplaceImagesPerRegion; $m++) {
        [ordered]@{ imageId = (Id 'ami-' $r 1 $m); name = "vendor-product-$m"; productCodes = @("mpcode$('{0:d2}' -f $m)vendor$r"); snapshotIds = @(Id 'snap-' $r 1 $m) }
    }
    $amazon = [ordered]@{ imageId = (Id 'ami-' $r 2 0); name = 'amzn-linux'; ownerAlias = 'amazon' }
    $publicImages[$name] = @($marketplace) + @($amazon)

    $snapshots = [System.Collections.Generic.List[object]]::new()
    $images = for ($i = 0; $i -lt $ImagesPerRegion; $i++) {
        $snapshot = Id 'snap-' $r 3 $i
        $snapshots.Add([ordered]@{ snapshotId = $snapshot; description = "root of golden-$i" })
        [ordered]@{ imageId = (Id 'ami-' $r 3 $i); name = "golden-$i"; productCodes = @("mpcode$('{0:d2}' -f ($i % [math]::Max(1, $MarketplaceImagesPerRegion)))vendor$r"); snapshotIds = @($snapshot) }
    }

    $rootSnapshot = @{}
    foreach ($image in @($images) + @($marketplace)) { $rootSnapshot[$image.imageId] = $image.snapshotIds[0] }

    $instances = for ($i = 0; $i -lt $InstancesPerRegion; $i++) {
        $image = if ($i % 5 -eq 4) { $amazon.imageId }
                 elseif ($i % 5 -eq 3 -and $MarketplaceImagesPerRegion -gt 0) { $marketplace[$i % $MarketplaceImagesPerRegion].imageId }
                 else { $images[$i % $ImagesPerRegion].imageId }
        [ordered]@{ instanceId = (Id 'i-' $r 4 $i); imageId = $image; tags = @{ Name = "app-$i" } }
    }

    $volumes = for ($v = 0; $v -lt [math]::Min($VolumesPerRegion, $InstancesPerRegion); $v++) {
        $instance = $instances[$v]
        [ordered]@{ volumeId = (Id 'vol-' $r 5 $v); instanceId = $instance.instanceId; snapshotId = $rootSnapshot[$instance.imageId] }
    }

    for ($s = 0; $s -lt [math]::Min($ExtraSnapshotsPerRegion, @($volumes).Count); $s++) {
        $snapshots.Add([ordered]@{ snapshotId = (Id 'snap-' $r 6 $s); volumeId = $volumes[$s].volumeId; description = 'backup' })
    }

    $regionsJson[$name] = [ordered]@{ images = @($images); instances = @($instances); snapshots = $snapshots; volumes = @($volumes) }
}

$seed = [ordered]@{ publicImages = $publicImages; accounts = @([ordered]@{ regions = $regionsJson }) }
$seed | ConvertTo-Json -Depth 10 -Compress | Set-Content -LiteralPath $Path -Encoding utf8NoBOM
Write-Information "Wrote ${Path}: $($Regions.Count) regions, $($InstancesPerRegion * $Regions.Count) instances, $($ImagesPerRegion * $Regions.Count) account AMIs." -InformationAction Continue
