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
}
