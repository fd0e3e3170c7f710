using System;
using System.Runtime;
using MarketplaceGuard.Engine.Runtime;

namespace MarketplaceGuard.Tests.Runtime;

/// <summary>These tests change the process's collector mode: they run alone.</summary>
[CollectionDefinition(nameof(BatchCollectionsTests), DisableParallelization = true)]
public sealed class GarbageCollectorModeCollection;

[Collection(nameof(BatchCollectionsTests))]
public sealed class BatchCollectionsTests : IDisposable
{
    private readonly GCLatencyMode before = GCSettings.LatencyMode;

    public void Dispose() => GCSettings.LatencyMode = before;

    [Fact]
    public void SwitchesTheDefaultModeToBatchUntilTheLastOverlappingAuditCloses()
    {
        GCSettings.LatencyMode = GCLatencyMode.Interactive;

        var first = BatchCollections.Open();
        Assert.Equal(GCLatencyMode.Batch, GCSettings.LatencyMode);
        Assert.True(BatchCollections.IsSwitched);

        var second = BatchCollections.Open();
        first.Dispose();
        first.Dispose(); // twice is harmless: it must not close the second audit's scope
        Assert.Equal(GCLatencyMode.Batch, GCSettings.LatencyMode);

        second.Dispose();
        Assert.Equal(GCLatencyMode.Interactive, GCSettings.LatencyMode);
        Assert.False(BatchCollections.IsSwitched);
    }

    [Theory]
    [InlineData(GCLatencyMode.LowLatency)]
    [InlineData(GCLatencyMode.SustainedLowLatency)]
    [InlineData(GCLatencyMode.Batch)]
    public void LeavesAModeTheHostChoseAlone(GCLatencyMode chosen)
    {
        GCSettings.LatencyMode = chosen;
        var expected = GCSettings.LatencyMode; // a mode the runtime does not offer (LowLatency under server GC) reads back as another

        using (BatchCollections.Open())
        {
            Assert.Equal(expected, GCSettings.LatencyMode);
            Assert.False(BatchCollections.IsSwitched);
        }

        Assert.Equal(expected, GCSettings.LatencyMode);
    }

    [Fact]
    public void KeepsAModeTheHostSetWhileTheAuditRan()
    {
        GCSettings.LatencyMode = GCLatencyMode.Interactive;
        var scope = BatchCollections.Open();
        GCSettings.LatencyMode = GCLatencyMode.SustainedLowLatency;

        scope.Dispose();

        Assert.Equal(GCLatencyMode.SustainedLowLatency, GCSettings.LatencyMode);
        Assert.False(BatchCollections.IsSwitched);
    }

    [Fact]
    public void TakesBackTheBatchModeANoGcRegionStartedDuringAnAuditGivesBack()
    {
        GCSettings.LatencyMode = GCLatencyMode.Interactive;
        var audit = BatchCollections.Open();
        Assert.True(GC.TryStartNoGCRegion(16 << 20));
        try
        {
            audit.Dispose(); // inside the region the mode cannot be set: nothing throws, and the batch mode is remembered
            Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        }
        finally
        {
            GC.EndNoGCRegion();
        }

        Assert.Equal(GCLatencyMode.Batch, GCSettings.LatencyMode); // what the region found when it started
        Assert.False(BatchCollections.IsSwitched);

        using (BatchCollections.Open())
        {
            Assert.True(BatchCollections.IsSwitched);
        }

        Assert.Equal(GCLatencyMode.Interactive, GCSettings.LatencyMode);
    }

    [Fact]
    public void LeavesAHostsNoGcRegionAloneAndNeverThrows()
    {
        GCSettings.LatencyMode = GCLatencyMode.Interactive;
        Assert.True(GC.TryStartNoGCRegion(16 << 20));
        try
        {
            using (BatchCollections.Open())
            {
                Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
                Assert.False(BatchCollections.IsSwitched);
            }

            Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        }
        finally
        {
            GC.EndNoGCRegion();
        }

        Assert.Equal(GCLatencyMode.Interactive, GCSettings.LatencyMode);
        using (BatchCollections.Open())
        {
            Assert.Equal(GCLatencyMode.Batch, GCSettings.LatencyMode);
        }

        Assert.Equal(GCLatencyMode.Interactive, GCSettings.LatencyMode);
    }

    // A snapshot size whose region is the smallest this class starts.
    private const long SmallestSnapshot = BatchCollections.MinimumRegionBytes / BatchCollections.BytesPerSnapshotByte + 1;

    // A snapshot whose region is 256 MB. The tests say what the process keeps (nothing, unless a test is about it):
    // the test process's own heap depends on which tests ran before.
    private const long RegionSnapshot = (256L << 20) / BatchCollections.BytesPerSnapshotByte;

    private static long Expect(long snapshotBytes) => BatchCollections.ExpectSnapshot(snapshotBytes, keptBytes: 0);

    [Fact]
    public void HoldsCollectionsOffWhileTheOnlyAuditReadsALargeSnapshotAndEndsTheRegionWhenItCloses()
    {
        GCSettings.LatencyMode = GCLatencyMode.Interactive;
        GC.Collect();
        var collections = GC.CollectionCount(0);

        var fullCollections = 0;
        using (BatchCollections.Open())
        {
            Assert.True(Expect(RegionSnapshot) >= BatchCollections.MinimumRegionBytes);
            Assert.True(BatchCollections.InRegion);
            Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
            Assert.True(GC.CollectionCount(0) > collections); // the collection first
            Assert.Equal(0, Expect(RegionSnapshot)); // twice: the region stays as it is
            Assert.True(BatchCollections.InRegion);
            fullCollections = GC.CollectionCount(GC.MaxGeneration);
        }

        Assert.True(GC.CollectionCount(GC.MaxGeneration) > fullCollections); // and the full collection after it
        Assert.False(BatchCollections.InRegion);
        Assert.Equal(GCLatencyMode.Interactive, GCSettings.LatencyMode);
    }

    [Fact]
    public void StartsNoRegionForASmallSnapshotOverlappingAuditsOrAModeTheHostChose()
    {
        GCSettings.LatencyMode = GCLatencyMode.Interactive;
        using (BatchCollections.Open())
        {
            BatchCollections.ExpectSnapshot(SmallestSnapshot - 1);
            BatchCollections.ExpectSnapshot(0);
            BatchCollections.ExpectSnapshot(-1);
            Assert.False(BatchCollections.InRegion);
            Assert.Equal(GCLatencyMode.Batch, GCSettings.LatencyMode);

            using (BatchCollections.Open())
            {
                Expect(RegionSnapshot); // two audits would spend one region on each other
                Assert.False(BatchCollections.InRegion);
            }
        }

        Expect(RegionSnapshot); // no audit open
        Assert.False(BatchCollections.InRegion);

        GCSettings.LatencyMode = GCLatencyMode.SustainedLowLatency;
        using (BatchCollections.Open())
        {
            Expect(RegionSnapshot);
            Assert.False(BatchCollections.InRegion);
            Assert.Equal(GCLatencyMode.SustainedLowLatency, GCSettings.LatencyMode);
        }
    }

    [Fact]
    public void AnAuditThatAllocatesMoreThanExpectedIsCollectedAsUsualAndClosesCleanly()
    {
        GCSettings.LatencyMode = GCLatencyMode.Interactive;
        GC.Collect();
        using (BatchCollections.Open())
        {
            Expect(RegionSnapshot);
            Assert.True(BatchCollections.InRegion);
            object? keep = null;
            for (var i = 0; i < (300L << 20) / 1024; i++)
            {
                keep = new byte[1000];
            }

            GC.KeepAlive(keep);
            Assert.False(BatchCollections.InRegion); // the region ended with a collection
            Assert.Equal(GCLatencyMode.Batch, GCSettings.LatencyMode);
        }

        Assert.Equal(GCLatencyMode.Interactive, GCSettings.LatencyMode);

        using (BatchCollections.Open())
        {
            Expect(RegionSnapshot);
            Assert.True(BatchCollections.InRegion);
            GC.Collect(); // an induced collection ends the region too
            Assert.False(BatchCollections.InRegion);
        }

        Assert.Equal(GCLatencyMode.Interactive, GCSettings.LatencyMode);
    }

    [Fact]
    public void AHugeSnapshotGetsARegionTheCollectorCanPromiseOrNoneAndNeverThrows()
    {
        GCSettings.LatencyMode = GCLatencyMode.Interactive;
        using (BatchCollections.Open())
        {
            BatchCollections.ExpectSnapshot(long.MaxValue);
        }

        Assert.False(BatchCollections.InRegion);
        Assert.Equal(GCLatencyMode.Interactive, GCSettings.LatencyMode);
    }

    [Fact]
    public void StartsNoRegionWhenTheProcessKeepsMuchOfWhatTheAuditWouldAllocate()
    {
        GCSettings.LatencyMode = GCLatencyMode.Interactive;
        // What the process keeps is read from the last collection.
        var kept = new byte[128 << 20]; // a session's earlier results, say: more than a quarter of the 256 MB region
        GC.Collect();
        Assert.True(BatchCollections.KeptBytes() >= kept.Length);
        GC.KeepAlive(kept);

        using (BatchCollections.Open())
        {
            Assert.Equal(0, BatchCollections.ExpectSnapshot(RegionSnapshot, keptBytes: 128 << 20));
            Assert.False(BatchCollections.InRegion);
            Assert.Equal(GCLatencyMode.Batch, GCSettings.LatencyMode);

            // An audit large enough for what is kept still gets its region.
            Assert.True(BatchCollections.ExpectSnapshot(4 * RegionSnapshot, keptBytes: 128 << 20) > 0);
            Assert.True(BatchCollections.InRegion);
        }

        Assert.Equal(GCLatencyMode.Interactive, GCSettings.LatencyMode);
    }
}
