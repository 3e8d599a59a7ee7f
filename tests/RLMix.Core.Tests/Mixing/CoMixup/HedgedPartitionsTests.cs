using RLMix.Mixing.CoMixup;

namespace RLMix.Core.Tests.Mixing.CoMixup;

public sealed class HedgedPartitionsTests
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    // A result that records the thread that produced it.
    sealed record Result(int Value, int Thread);

    static Result Square(int item) => new(item * item, Environment.CurrentManagedThreadId);

    // Each helper on a thread of its own, started before the caller's work.
    static void OnNewThreads(int helpers, Action caller, Action helper)
    {
        for (var h = 0; h < helpers; h++) new Thread(() => helper()) { IsBackground = true }.Start();
        caller();
    }

    // A team whose helpers never start: it counts the helpers it was asked for.
    static HelperTeam NeverStarting(Action<int> count) => (helpers, caller, _) => { count(helpers); caller(); };

    [Fact]
    public void NoHelpers_TheCallerSolvesEveryItem_AndStartsNoThread()
    {
        var started = 0;
        var results = HedgedPartitions.Run(5, 0, () => 0, (i, _, _) => Square(i), NeverStarting(n => started += n));
        Assert.Equal([0, 1, 4, 9, 16], results.Select(r => r.Value));
        Assert.All(results, r => Assert.Equal(Environment.CurrentManagedThreadId, r.Thread));
        Assert.Equal(0, started);
    }

    [Fact]
    public void AHelperThatNeverStarts_CostsNothing_TheCallerSolvesEveryItem()
    {
        var started = 0;
        var results = HedgedPartitions.Run(5, 1, () => 0, (i, _, _) => Square(i), NeverStarting(n => started += n));
        Assert.Equal(1, started);
        Assert.Equal([0, 1, 4, 9, 16], results.Select(r => r.Value));
    }

    [Fact]
    public void HelpersAreNeverMoreThanItemsMinusOne()
    {
        var started = 0;
        HedgedPartitions.Run(3, 8, () => 0, (i, _, _) => Square(i), NeverStarting(n => started += n));
        Assert.Equal(2, started);
    }

    [Fact]
    public void AStarvedHelper_IsNotWaitedFor_TheCallerSolvesItsItemAgain_AndTheHelperHasStoppedWhenRunReturns()
    {
        var caller = Environment.CurrentManagedThreadId;
        using var helperClaimed = new ManualResetEventSlim();
        using var helperStopped = new ManualResetEventSlim();
        var helperItem = -1;
        var results = HedgedPartitions.Run(4, 1, () => 0, (i, _, stop) =>
        {
            if (Environment.CurrentManagedThreadId != caller)
            {
                // The helper claims one item and never finishes it unless told to stop.
                helperItem = i;
                helperClaimed.Set();
                while (!stop()) Thread.Sleep(1);
                helperStopped.Set();
                return null;
            }
            if (i == 0) Assert.True(helperClaimed.Wait(Timeout), "the helper did not start");
            return Square(i);
        }, OnNewThreads);

        Assert.Equal([0, 1, 4, 9], results.Select(r => r.Value));
        Assert.All(results, r => Assert.Equal(caller, r.Thread));
        Assert.InRange(helperItem, 0, 3);
        Assert.True(helperStopped.IsSet, "Run returned while a helper was still running");
    }

    [Fact]
    public void WhenTheHelperFinishesFirst_ItsResultIsKept_AndTheCallersCopyIsStopped()
    {
        var caller = Environment.CurrentManagedThreadId;
        using var helperClaimed = new ManualResetEventSlim();
        using var callerHedging = new ManualResetEventSlim();
        var helperThread = -1;
        var helperItem = -1;
        var callerCopyStopped = false;
        var results = HedgedPartitions.Run(3, 1, () => 0, (i, _, stop) =>
        {
            if (Environment.CurrentManagedThreadId != caller)
            {
                helperThread = Environment.CurrentManagedThreadId;
                helperItem = i;
                helperClaimed.Set();
                Assert.True(callerHedging.Wait(Timeout));
                return Square(i);
            }
            if (i == 0) Assert.True(helperClaimed.Wait(Timeout), "the helper did not start");
            if (i != helperItem) return Square(i);
            // The caller's copy of the helper's item: it runs until the helper's result is in.
            callerHedging.Set();
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (!stop())
            {
                if (waited.Elapsed > Timeout) return Square(i);
                Thread.Sleep(1);
            }
            callerCopyStopped = true;
            return null;
        }, OnNewThreads);

        Assert.Equal([0, 1, 4], results.Select(r => r.Value));
        Assert.True(callerCopyStopped);
        Assert.Equal(helperThread, results[helperItem].Thread);
    }

    [Fact]
    public void AnExceptionOnAHelper_IsDropped_AndTheCallerSolvesTheItem()
    {
        var caller = Environment.CurrentManagedThreadId;
        using var helperFailed = new ManualResetEventSlim();
        var results = HedgedPartitions.Run(4, 1, () => 0, (i, _, _) =>
        {
            if (Environment.CurrentManagedThreadId != caller)
            {
                helperFailed.Set();
                throw new InvalidOperationException("helper failure");
            }
            if (i == 0) Assert.True(helperFailed.Wait(Timeout), "the helper did not start");
            return Square(i);
        }, OnNewThreads);
        Assert.Equal([0, 1, 4, 9], results.Select(r => r.Value));
    }

    [Fact]
    public void AnExceptionOnTheCaller_Propagates()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            HedgedPartitions.Run<int, Result>(3, 0, () => 0, (i, _, _) => i == 1 ? throw new ArgumentException("bad item") : Square(i)));
        Assert.Equal("bad item", error.Message);
    }

    [Fact]
    public void ABodyThatReturnsNullWithoutBeingStopped_IsAnError()
    {
        Assert.Throws<InvalidOperationException>(() => HedgedPartitions.Run<int, Result>(2, 0, () => 0, (_, _, _) => null));
    }

    [Fact]
    public void EachLocalStateIsUsedByOneThreadOnly()
    {
        var locals = new System.Collections.Concurrent.ConcurrentBag<HashSet<int>>();
        var caller = Environment.CurrentManagedThreadId;
        using var helperWorked = new ManualResetEventSlim();
        var results = HedgedPartitions.Run(6, 1, () => { var l = new HashSet<int>(); locals.Add(l); return l; }, (i, threads, _) =>
        {
            lock (threads) threads.Add(Environment.CurrentManagedThreadId);
            if (Environment.CurrentManagedThreadId != caller) helperWorked.Set();
            else if (i == 0) Assert.True(helperWorked.Wait(Timeout), "the helper did not start");
            return Square(i);
        }, OnNewThreads);
        Assert.Equal([0, 1, 4, 9, 16, 25], results.Select(r => r.Value));
        Assert.Equal(2, locals.Count);
        // At most one thread per local (the caller's stays empty when a quick helper took every item first).
        Assert.All(locals, l => Assert.True(l.Count <= 1, $"one local was used by {l.Count} threads"));
        Assert.Contains(locals, l => l.Count == 1);
    }
}
