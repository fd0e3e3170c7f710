using System;
using System.Runtime;
using System.Threading;

namespace MarketplaceGuard.Engine.Runtime;

/// <summary>
/// Runs the garbage collector without background collections (<see cref="GCLatencyMode.Batch"/>) while an audit is
/// open, and gives the process back its own mode when the last one closes.
/// </summary>
/// <remarks>
/// An audit builds one large, long-lived model (snapshot, compiled policies, findings) and nothing else in the process
/// waits on it. A background collection marks that model on the second core while the audit's parallel loops want
/// it, and the collections in between still stop every thread. Measured on the 2-core machine in alternating runs of
/// the engine (load, build, audit): the 4x synthetic account took 1.78, 2.20 and 1.92 s in batch mode against 2.25, 2.59
/// and 2.39 s (GC pauses 690-810 ms against 950-1,140 ms); the 1x account paused 117-144 ms against 137-200 ms.
/// <para>
/// Only the default mode (<see cref="GCLatencyMode.Interactive"/>) is changed: a host that chose another (low latency,
/// a no-GC region) keeps it. Audits may overlap (runspaces, -Parallel): the first to open switches, the last to close
/// switches back, and only if the mode is still the one set here (the host may have changed it meanwhile).
/// </para>
/// <para>
/// An audit of a snapshot file can go further (<see cref="ExpectSnapshot"/>): one full collection first, which finds
/// little alive (the previous audit's model is garbage by then) and gives the freed memory back to the system, then no
/// collection at all while the audit allocates what a snapshot of that size needs (a no-GC region,
/// <see cref="GC.TryStartNoGCRegion(long, long)"/>). Every collection during an audit otherwise marks and copies the
/// model being built, which all lives to the end: at 4x, three or four collections per audit promoting about 100 MB each
/// (pauses of 140-620 ms each, 805 ms per audit), and at 1x a collection in some runs and not in others. Measured in
/// the engine, warm, on the 2-core machine: the 4x account took 1.48 s against 1.86-2.24 s with a peak working set
/// of 365 MB against 487 MB, the 1x account 405 ms against 430 ms with 146 MB against 237 MB. Without the first
/// collection's giving back, the region's fresh memory came on top of the old and the 4x peak grew past 900 MB.
/// When the last audit closes the region ends with one more full collection, which finds that audit's model dead if only
/// its verdict is kept (see <see cref="Close"/> for why not a young one). The region is only for the first audit to open
/// (overlapping audits would spend it on each other), only when this class holds the mode (a host's own mode or no-GC
/// region is left alone), and only when the process keeps little (see <see cref="MaximumKeptShare"/>); it ends early,
/// with a collection as usual, if the audit allocates more than expected. While it is open, other code in the process
/// can neither set the mode nor start a no-GC region (the runtime refuses both until it ends).
/// </para>
/// <para>
/// The mode is the process's, so what others do with it while an audit runs can meet this class's batch mode. A no-GC
/// region started during an audit cannot be left (the mode cannot be set inside one) and gives back, when it ends, the
/// mode it found: batch. That batch mode is remembered as this class's, and the next audit to open takes it over and
/// switches back when it closes. Code that saves the mode during an audit and puts it back after the audit has ended
/// puts back batch mode: that cannot be told from a host's own choice, and stays.
/// </para>
/// </remarks>
public static class BatchCollections
{
    private static readonly Lock Gate = new();
    private static int open;
    private static bool switched;
    private static bool leftBehind; // batch mode set here that a no-GC region will give back when it ends
    private static bool inRegion; // a no-GC region started here
    private static int regionCollections; // collections when it started: any later one means the region is over

    /// <summary>
    /// What an audit allocates per byte of its snapshot file, with some room: 3.6 bytes measured on the 1x synthetic
    /// account (77 MB for 21.2 MB), 3.5 on the 4x (288 MB for 83.3 MB), with -Quiet; the findings' words add more.
    /// </summary>
    internal const int BytesPerSnapshotByte = 5;

    /// <summary>The smallest region worth a full collection first (a snapshot of about 6 MB): below, an audit takes well under 100 ms.</summary>
    internal const long MinimumRegionBytes = 32L << 20;

    /// <summary>True while a no-GC region started by <see cref="ExpectSnapshot"/> is open.</summary>
    public static bool InRegion
    {
        get
        {
            lock (Gate)
            {
                return inRegion && RegionHolds();
            }
        }
    }

    /// <summary>True while this class holds the collector in batch mode.</summary>
    public static bool IsSwitched
    {
        get
        {
            lock (Gate)
            {
                return switched;
            }
        }
    }

    /// <summary>Opens a scope; dispose it when the audit is done (twice is harmless). Never throws.</summary>
    public static Scope Open()
    {
        lock (Gate)
        {
            if (open++ == 0)
            {
                var mode = GCSettings.LatencyMode;
                if (mode == GCLatencyMode.Interactive)
                {
                    switched = TrySet(GCLatencyMode.Batch);
                    leftBehind = false;
                }
                else if (mode == GCLatencyMode.Batch && leftBehind)
                {
                    switched = true; // this class's own batch mode, given back by a no-GC region: taken over
                    leftBehind = false;
                }
                else if (mode != GCLatencyMode.NoGCRegion)
                {
                    leftBehind = false; // the host's own mode since
                }
            }
        }

        return new Scope();
    }

    /// <summary>
    /// Tells the open audit it reads a snapshot file of <paramref name="snapshotBytes"/> bytes: when it is the only
    /// audit open and this class holds the mode, collects once and starts a no-GC region sized for that snapshot (see
    /// the remarks). Does nothing otherwise, and never throws. Returns the size of the region started, or 0.
    /// </summary>
    public static long ExpectSnapshot(long snapshotBytes) => ExpectSnapshot(snapshotBytes, KeptBytes());

    /// <summary>As <see cref="ExpectSnapshot(long)"/>, for a process that keeps <paramref name="keptBytes"/>.</summary>
    internal static long ExpectSnapshot(long snapshotBytes, long keptBytes)
    {
        lock (Gate)
        {
            if (open != 1 || !switched || inRegion || GCSettings.LatencyMode != GCLatencyMode.Batch)
            {
                return 0;
            }

            // At most a quarter of the memory the collector may use (a container's limit included), or no region.
            var bytes = Math.Min(snapshotBytes, long.MaxValue / BytesPerSnapshotByte) * BytesPerSnapshotByte;
            bytes = Math.Min(bytes, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4);
            if (bytes < MinimumRegionBytes || keptBytes > bytes / MaximumKeptShare)
            {
                return 0;
            }

            try
            {
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                // Large objects (tables and arrays past 85 KB) were 2-3 % of an audit's allocation: an eighth is room.
                inRegion = GC.TryStartNoGCRegion(bytes, bytes / 8);
                regionCollections = GC.CollectionCount(0);
            }
            catch (Exception e) when (e is ArgumentOutOfRangeException or InvalidOperationException)
            {
                // More than the collector can promise, or a region another thread started meanwhile: no region.
                inRegion = false;
            }

            return inRegion ? bytes : 0;
        }
    }

    /// <summary>
    /// The region is for a process that keeps little: its full collections mark everything the process keeps (three
    /// per audit: before the region, the region's own, after it). A session that kept 535 MB of earlier results had
    /// its 1x audits take 2.5-3.3 s with the region against 1.0-1.2 s without. So none when the old generations at
    /// the last collection held more than a quarter of what the audit is expected to allocate.
    /// </summary>
    internal const int MaximumKeptShare = 4;

    /// <summary>What the process keeps, as far as the last collection tells: its old generations (gen2, large and pinned objects).</summary>
    internal static long KeptBytes()
    {
        var generations = GC.GetGCMemoryInfo().GenerationInfo;
        long old = 0;
        for (var g = 2; g < generations.Length; g++)
        {
            old += generations[g].SizeAfterBytes;
        }

        return old;
    }

    // The region started here is still open: the mode says so and no collection ran since (any ends a region).
    private static bool RegionHolds() =>
        GCSettings.LatencyMode == GCLatencyMode.NoGCRegion && GC.CollectionCount(0) == regionCollections;

    private static void Close()
    {
        lock (Gate)
        {
            if (--open > 0 || !switched)
            {
                return;
            }

            if (inRegion)
            {
                inRegion = false;
                if (RegionHolds())
                {
                    try
                    {
                        GC.EndNoGCRegion(); // back to batch mode, the mode it found
                    }
                    catch (InvalidOperationException)
                    {
                        // Ended meanwhile (a collection between the check and here): the mode is back already.
                    }

                    // Everything the region allocated is young, and old objects that survived the collection before it
                    // (thread caches, the host's pipeline) point into it: the next young collection would take those
                    // pointers for roots and copy the model even when it is garbage (measured at 4x with -Quiet: 197 MB
                    // promoted, 320-350 ms). A full collection asks the real roots instead and gives the memory back
                    // (110-130 ms); a model still in use costs it what the young collection would have.
                    GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                }
            }

            switched = false;
            var mode = GCSettings.LatencyMode;
            if (mode == GCLatencyMode.NoGCRegion || (mode == GCLatencyMode.Batch && !TrySet(GCLatencyMode.Interactive)))
            {
                leftBehind = true;
            }
        }
    }

    // Setting the mode throws inside a no-GC region, which another thread may start at any moment.
    private static bool TrySet(GCLatencyMode mode)
    {
        try
        {
            GCSettings.LatencyMode = mode;
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>An open audit (see <see cref="Open"/>).</summary>
    public sealed class Scope : IDisposable
    {
        private int closed;

        internal Scope()
        {
        }

        /// <summary>Closes the scope (twice is harmless).</summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref closed, 1) == 0)
            {
                Close();
            }
        }
    }
}
