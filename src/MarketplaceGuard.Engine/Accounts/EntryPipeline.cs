using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using MarketplaceGuard.Engine.Policies;

namespace MarketplaceGuard.Engine.Accounts;

/// <summary>
/// Turns a snapshot's entries (users, groups, roles, managed policies) into the model on a thread of their own while the
/// reader goes on through the file. Reading the file (finding where each entry ends) and reading an entry (parsing it,
/// hashing it, checking and keeping its fields) each took about half of a load on one core; on two, they overlap.
/// <para>
/// The entries are read one after another, in the file's order, by one thread: what they add to (the lists, the shared
/// strings and documents) is never touched by two threads, and the snapshot is the same as one read on a single thread.
/// The file's own checks (invalid JSON, text that is not UTF-8) stay on the reading thread, in order. Whatever fails on the
/// entries' thread comes from an entry earlier in the file than where the reader is, so it is the error reported.
/// </para>
/// <para>
/// Entries travel in batches (copied without whitespace into the batch's buffer), so that the threads meet once per
/// batch, not per entry; a few batches go round, so memory stays bounded however large the file. With <c>concurrent</c>
/// false (see <see cref="SnapshotLoader.ReadsEntriesConcurrently"/>), each entry is read at once on the calling thread.
/// </para>
/// </summary>
internal sealed class EntryPipeline : IDisposable
{
    /// <summary>Reads one entry, given as its JSON element, its JSON path and its line (0 when it has none).</summary>
    public delegate void EntryReader(JsonElement entry, string path, int line);

    // An entry of the synthetic accounts averages 1.4 KB without whitespace: a batch is 64 entries or 64 KB, whichever
    // comes first. Larger batches would only keep the entries' thread waiting longer at the start; the sizes were not
    // tuned further.
    private const int BatchBytes = 64 * 1024;
    private const int BatchEntries = 64;
    private const int Batches = 4;

    private static Batch[]? spare;

    /// <summary>The bytes that the batches kept for the next load hold (0 while a load uses them).</summary>
    internal static long SpareBytes => Volatile.Read(ref spare) is { } kept ? kept.Sum(static b => (long)b.Bytes.Length) : 0;

    private readonly StreamingJsonReader json;
    private readonly string source;
    private readonly bool lines;
    private readonly BlockingCollection<Batch>? full;
    private readonly BlockingCollection<Batch>? free;
    private readonly Task? reading;
    private readonly Batch[]? batches;
    private Batch? current;
    private ExceptionDispatchInfo? failure;
    private bool finished;
    private bool disposed;

    public EntryPipeline(StreamingJsonReader json, string source, bool lines, bool concurrent)
    {
        this.json = json;
        this.source = source;
        this.lines = lines;
        if (concurrent)
        {
            full = new BlockingCollection<Batch>(Batches);
            free = new BlockingCollection<Batch>(Batches);
            batches = Interlocked.Exchange(ref spare, null) ?? CreateBatches();
            foreach (var batch in batches)
            {
                free.Add(batch);
            }

            reading = EntriesThread.Run(ReadBatches);
        }
    }

    /// <summary>Reads the next value of the file as an entry at <paramref name="path"/>, now or on the entries' thread.</summary>
    public void Add(string path, EntryReader read)
    {
        // After Dispose the batches may be another load's.
        ObjectDisposedException.ThrowIf(disposed, this);
        if (Volatile.Read(ref failure) is { } failed)
        {
            failed.Throw(); // the entries' thread stopped: stop reading the file too
        }

        if (full is null)
        {
            using var document = json.ReadValue(path, out var fileLine);
            Check(JsonMarshal.GetRawUtf8Value(document.RootElement), path, fileLine);
            read(document.RootElement, path, lines ? fileLine : 0);
            return;
        }

        var batch = current ??= free!.Take();
        var length = json.CopyValue(path, ref batch.Bytes, batch.Used, out var line);
        Check(batch.Bytes.AsSpan(batch.Used, length), path, line);
        batch.Entries.Add(new Entry(batch.Used, length, path, lines ? line : 0, read));
        batch.Used += length;
        if (batch.Used >= BatchBytes || batch.Entries.Count >= BatchEntries)
        {
            full.Add(batch);
            current = null;
        }
    }

    /// <summary>
    /// Waits until every entry added is read. Throws what failed on the entries' thread: called after the reader failed
    /// too, that error replaces the reader's, since it comes from earlier in the file.
    /// </summary>
    public void Finish()
    {
        if (full is null || finished)
        {
            return;
        }

        finished = true;
        if (current is { Entries.Count: > 0 })
        {
            full.Add(current);
        }

        current = null;
        full.CompleteAdding();
        reading!.Wait();
        failure?.Throw();
    }

    public void Dispose()
    {
        // Once only: a second call would hand the batches on again, perhaps to a load that took them meanwhile.
        if (full is null || disposed)
        {
            return;
        }

        disposed = true;

        if (!finished)
        {
            finished = true;
            full.CompleteAdding();
            reading!.Wait();
        }

        full.Dispose();
        free!.Dispose();

        // The batches (half a megabyte) serve the next load, unless one grew for an outsized entry; a load running
        // beside another makes its own.
        if (Array.TrueForAll(batches!, static b => b.Bytes.Length == BatchBytes * 2))
        {
            foreach (var batch in batches!)
            {
                batch.Clear();
            }

            Volatile.Write(ref spare, batches);
        }
    }

    /// <summary>Damage below the level of entries (bytes that are not UTF-8, an escape such as \ud800 alone).</summary>
    private void Check(ReadOnlySpan<byte> entry, string path, int line)
    {
        if (JsonText.FindInvalidString(entry) is { } invalid)
        {
            throw new SnapshotFormatException(source, path, line, invalid);
        }
    }

    private void ReadBatches()
    {
        foreach (var batch in full!.GetConsumingEnumerable())
        {
            if (failure is null)
            {
                try
                {
                    foreach (var entry in batch.Entries)
                    {
                        using var document = JsonDocument.Parse(batch.Bytes.AsMemory(entry.Start, entry.Length), StreamingJsonReader.DocumentOptions);
                        entry.Read(document.RootElement, entry.Path, entry.Line);
                    }
                }
                catch (Exception e)
                {
                    Volatile.Write(ref failure, ExceptionDispatchInfo.Capture(e));
                }
            }

            batch.Clear();
            free!.Add(batch);
        }
    }

    /// <summary>
    /// Where a load's entries are read: on one thread kept for the process, reused load after load while it is free, so
    /// that its per-thread caches (the shared array pool's, which each entry's JsonDocument rents from) last from one load
    /// to the next (a fresh thread per load rented them anew: 0.65 MB more per 1x audit); a load that finds it busy (loads
    /// side by side) starts a thread of its own. Never a thread of the pool: a load would then wait for a pool thread
    /// before its entries were read, which a busy pool gives only as it grows (measured by a review: the 5.6 MB account
    /// took 12.9 s instead of 0.1 s with 16 pool work items blocked). The kept thread is a background thread: it waits
    /// for the next load without holding anything but its stack and caches, and does not keep the process alive.
    /// </summary>
    private static class EntriesThread
    {
        private static readonly BlockingCollection<(Action Work, TaskCompletionSource Done)> Loads = new();
        private static readonly Lock Gate = new();
        private static Thread? kept;
        private static int busy; // 1 while a load's entries are read on the kept thread

        public static Task Run(Action work)
        {
            if (Interlocked.CompareExchange(ref busy, 1, 0) != 0)
            {
                return Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            }

            lock (Gate)
            {
                if (kept is null)
                {
                    kept = new Thread(ReadLoads) { IsBackground = true, Name = "MarketplaceGuard snapshot entries" };
                    kept.Start();
                }
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Loads.Add((work, done));
            return done.Task;
        }

        private static void ReadLoads()
        {
            foreach (var (work, done) in Loads.GetConsumingEnumerable())
            {
                // Free again before the load hears it is done, so that the next load (which waits for that) finds it free.
                try
                {
                    work();
                    Volatile.Write(ref busy, 0);
                    done.SetResult();
                }
                catch (Exception e)
                {
                    Volatile.Write(ref busy, 0);
                    done.SetException(e);
                }
            }
        }
    }

    private static Batch[] CreateBatches()
    {
        var created = new Batch[Batches];
        for (var i = 0; i < created.Length; i++)
        {
            created[i] = new Batch();
        }

        return created;
    }

    private readonly record struct Entry(int Start, int Length, string Path, int Line, EntryReader Read);

    private sealed class Batch
    {
        public byte[] Bytes = new byte[BatchBytes * 2];
        public int Used;
        public readonly List<Entry> Entries = new(BatchEntries);

        public void Clear()
        {
            Used = 0;
            Entries.Clear();
        }
    }
}
