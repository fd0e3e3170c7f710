using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using MarketplaceGuard.Engine.Accounts;

namespace MarketplaceGuard.Tests.Accounts;

/// <summary>
/// These tests look at the batches kept for the next load, which every load in the process shares: they run alone, so
/// that no other test's load takes or hands back batches between a test's steps.
/// </summary>
[CollectionDefinition(nameof(EntryPipelineTests), DisableParallelization = true)]
public sealed class EntryPipelineCollection;

[Collection(nameof(EntryPipelineTests))]
public sealed class EntryPipelineTests
{
    /// <summary>A JSON array of <paramref name="count"/> small objects, one per line, each with its index.</summary>
    private static string Entries(int count, string? replace = null, int at = -1) =>
        "[\n" + string.Join(",\n", Enumerable.Range(0, count).Select(i => i == at ? replace : $$"""  { "i": {{i}}, "name": "entry {{i}}" }""")) + "\n]";

    /// <summary>Reads every entry of the array through a pipeline; returns what the reader was given, in order.</summary>
    private static List<(int Index, string Path, int Line, int ThreadId)> ReadAll(string json, bool concurrent, Action<int>? onEntry = null)
    {
        var read = new List<(int, string, int, int)>();
        var reader = new StreamingJsonReader(new MemoryStream(Encoding.UTF8.GetBytes(json)), "test.json", null);
        using var pipeline = new EntryPipeline(reader, "test.json", lines: true, concurrent);
        try
        {
            Assert.Equal(JsonTokenType.StartArray, reader.Next("$"));
            for (var i = 0; reader.PeekIsNot(JsonTokenType.EndArray, "$"); i++)
            {
                pipeline.Add($"$[{i}]", (e, path, line) =>
                {
                    var index = e.GetProperty("i").GetInt32();
                    onEntry?.Invoke(index);
                    read.Add((index, path, line, Environment.CurrentManagedThreadId));
                });
            }

            reader.Next("$");
        }
        catch
        {
            pipeline.Finish();
            throw;
        }

        pipeline.Finish();
        return read;
    }

    /// <summary>Hands the first <paramref name="count"/> entries of a 500-entry array to a two-thread pipeline, then disposes it unfinished.</summary>
    private static void StopAfter(int count, EntryPipeline.EntryReader read)
    {
        var reader = new StreamingJsonReader(new MemoryStream(Encoding.UTF8.GetBytes(Entries(500))), "test.json", null);
        using var pipeline = new EntryPipeline(reader, "test.json", lines: true, concurrent: true);
        reader.Next("$");
        for (var i = 0; i < count; i++)
        {
            pipeline.Add($"$[{i}]", read);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadsEveryEntryInTheFilesOrderWithItsPathAndLine(bool concurrent)
    {
        // 1,000 entries: many more batches than go round, so the reader waits for the entries' thread again and again.
        var read = ReadAll(Entries(1000), concurrent);

        Assert.Equal(Enumerable.Range(0, 1000), read.Select(r => r.Index));
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => $"$[{i}]"), read.Select(r => r.Path));
        Assert.Equal(Enumerable.Range(2, 1000), read.Select(r => r.Line));
        var caller = Environment.CurrentManagedThreadId;
        Assert.All(read, r => Assert.Equal(concurrent, r.ThreadId != caller));
    }

    [Fact]
    public void AnEntryTooLargeForABatchGrowsItsBuffer()
    {
        var large = $$"""  { "i": 1, "name": "{{new string('x', 300_000)}}" }""";
        var read = ReadAll(Entries(3, large, at: 1), concurrent: true);

        Assert.Equal([0, 1, 2], read.Select(r => r.Index));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WhatFailsOnTheEntriesThreadIsTheErrorEvenWhenTheFileFailsLater(bool concurrent)
    {
        // Entry 5 fails where it is read; the file breaks off after entry 900. The entry comes first in the file, so its
        // error is the one reported, as on one thread, and nothing after it is read.
        var json = Entries(1000)[..Entries(1000).IndexOf("{ \"i\": 901,", StringComparison.Ordinal)];
        var after = new List<int>();
        var e = Assert.Throws<InvalidOperationException>(() => ReadAll(json, concurrent, i =>
        {
            if (i == 5)
            {
                throw new InvalidOperationException("entry 5 cannot be read");
            }

            if (i > 5)
            {
                after.Add(i);
            }
        }));

        Assert.Equal("entry 5 cannot be read", e.Message);
        Assert.Empty(after);
    }

    [Theory]
    [InlineData(false, "  { \"i\": 200, \"name\": tru }", 200)] // not JSON
    [InlineData(true, "  { \"i\": 200, \"name\": tru }", 200)]
    [InlineData(false, "  { \"i\": 120, \"name\": \"\\ud800\" }", 120)] // not Unicode text
    [InlineData(true, "  { \"i\": 120, \"name\": \"\\ud800\" }", 120)]
    public void TheFilesOwnErrorNamesItsEntryAndLineWhenEveryEntryBeforeItWasRead(bool concurrent, string damaged, int at)
    {
        var e = Assert.Throws<SnapshotFormatException>(() => ReadAll(Entries(300, damaged, at), concurrent));

        Assert.Equal($"$[{at}]", e.JsonPath);
        Assert.Equal(at + 2, e.Line);
    }

    [Fact]
    public void DisposingWithoutFinishingStopsTheEntriesThread()
    {
        var read = 0;
        StopAfter(400, (_, _, _) => Interlocked.Increment(ref read));

        // Dispose waited for the batches already handed over; nothing runs on after it.
        var afterDispose = Volatile.Read(ref read);
        Thread.Sleep(50);
        Assert.Equal(afterDispose, Volatile.Read(ref read));
        Assert.True(afterDispose <= 400);
    }

    [Fact]
    public void ALoadAfterOneStoppedHalfwayReadsOnlyItsOwnEntries()
    {
        // The batches go round from one load to the next: the one a stopped load left half full (entries 64 to 99, never
        // handed over) must come back empty, or the next load would read those entries again.
        var stale = 0;
        StopAfter(100, (_, _, _) => Interlocked.Increment(ref stale));

        var stopped = Volatile.Read(ref stale);
        var read = ReadAll(Entries(1000), concurrent: true);

        Assert.Equal(stopped, Volatile.Read(ref stale));
        Assert.Equal(Enumerable.Range(0, 1000), read.Select(r => r.Index));
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => $"$[{i}]"), read.Select(r => r.Path));
    }

    [Fact]
    public void DisposingTwiceHandsTheBatchesOnOnce()
    {
        var reader = new StreamingJsonReader(new MemoryStream(Encoding.UTF8.GetBytes(Entries(10))), "test.json", null);
        var pipeline = new EntryPipeline(reader, "test.json", lines: true, concurrent: true);
        pipeline.Dispose();

        // The next load takes the batches the first handed on; a second Dispose of the first must not hand them on again
        // while that load uses them, or a third load would share them.
        var reader2 = new StreamingJsonReader(new MemoryStream(Encoding.UTF8.GetBytes(Entries(10))), "test.json", null);
        using var second = new EntryPipeline(reader2, "test.json", lines: true, concurrent: true);
        var keptWhileSecondRuns = EntryPipeline.SpareBytes;
        pipeline.Dispose();

        Assert.Equal(keptWhileSecondRuns, EntryPipeline.SpareBytes);
    }

    [Fact]
    public void NothingIsAddedAfterDispose()
    {
        // Its batches may belong to the next load by then.
        var reader = new StreamingJsonReader(new MemoryStream(Encoding.UTF8.GetBytes(Entries(10))), "test.json", null);
        var pipeline = new EntryPipeline(reader, "test.json", lines: true, concurrent: true);
        reader.Next("$");
        pipeline.Dispose();

        Assert.Throws<ObjectDisposedException>(() => pipeline.Add("$[0]", (_, _, _) => { }));
    }

    [Fact]
    public void BatchesThatGrewForAnOutsizedEntryAreNotKeptForTheNextLoad()
    {
        var large = $$"""  { "i": 1, "name": "{{new string('x', 300_000)}}" }""";
        ReadAll(Entries(3, large, at: 1), concurrent: true);

        Assert.True(EntryPipeline.SpareBytes <= 512 * 1024, $"{EntryPipeline.SpareBytes} bytes kept for the next load");
    }

    [Fact]
    public void LoadsSideBySideEachReadTheirOwnEntries()
    {
        var sizes = new[] { 700, 5, 1000, 64, 65, 300, 1, 129 };
        var results = new List<(int Index, string Path, int Line, int ThreadId)>[sizes.Length];

        var onPool = 0;
        Parallel.For(0, sizes.Length, new ParallelOptions { MaxDegreeOfParallelism = sizes.Length }, i =>
            results[i] = ReadAll(Entries(sizes[i]), concurrent: true, onEntry: _ => Interlocked.Or(ref onPool, Thread.CurrentThread.IsThreadPoolThread ? 1 : 0)));

        for (var i = 0; i < sizes.Length; i++)
        {
            Assert.Equal(Enumerable.Range(0, sizes[i]), results[i].Select(r => r.Index));
        }

        Assert.Equal(0, onPool); // the loads that found the kept thread busy started threads of their own
    }

    [Fact]
    public void EntriesAreReadOnOneKeptThreadLoadAfterLoadAndNeverOnThePool()
    {
        // The kept thread keeps its caches from one load to the next; a thread of the pool would make a load wait for a
        // free one when the pool is busy. (These tests run alone, so the kept thread is free at each load.)
        var onPool = false;
        var first = ReadAll(Entries(100), concurrent: true, onEntry: _ => onPool |= Thread.CurrentThread.IsThreadPoolThread);
        var second = ReadAll(Entries(100), concurrent: true, onEntry: _ => onPool |= Thread.CurrentThread.IsThreadPoolThread);

        Assert.False(onPool);
        Assert.All(first.Concat(second), r => Assert.Equal(first[0].ThreadId, r.ThreadId));
    }

    [Fact]
    public void AManyMegabyteSnapshotGivesTheSameSnapshotOnTwoThreads()
    {
        // Hundreds of batches and of buffer fills, entries cut by the reader's 64 KB reads.
        var users = new StringBuilder("{\n  \"UserDetailList\": [\n");
        var count = 0;
        while (users.Length < 3 << 20)
        {
            users.Append(count == 0 ? string.Empty : ",\n").Append($$$"""
                    {
                      "UserName": "user{{{count}}}", "Arn": "arn:aws:iam::111122223333:user/user{{{count}}}", "Path": "/",
                      "GroupList": ["Devs"], "Tags": [{"Key": "n", "Value": "{{{count}}}"}],
                      "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::bucket-{{{count % 50}}}/*"}]}}]
                    }
                """);
            count++;
        }

        users.Append("\n  ],\n  \"GroupDetailList\": [{\"GroupName\": \"Devs\", \"Arn\": \"arn:aws:iam::111122223333:group/Devs\"}],\n  \"RoleDetailList\": [],\n  \"Policies\": []\n}\n");

        var snapshot = SnapshotReads.Load(users.ToString());

        Assert.Equal(count, snapshot.Users.Count);
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"user{i}"), snapshot.Users.Select(u => u.Name));
    }

    [Theory]
    [InlineData(SnapshotLoader.ConcurrentReadBytes, true, true)]
    [InlineData(SnapshotLoader.ConcurrentReadBytes - 1, true, false)]
    [InlineData(SnapshotLoader.ConcurrentReadBytes * 10, false, false)]
    public void OnlyALargeFileIsReadOnTwoThreads(long length, bool canSeek, bool expected)
    {
        var stream = new Sized(length, canSeek);

        Assert.Equal(expected && Environment.ProcessorCount > 1, SnapshotLoader.ReadsEntriesConcurrently(stream));
    }

    /// <summary>A stream that only says how long it is (or that it cannot tell, like a network stream).</summary>
    private sealed class Sized(long length, bool canSeek) : MemoryStream
    {
        public override bool CanSeek => canSeek;

        public override long Length => canSeek ? length : throw new NotSupportedException();
    }
}
