namespace RLMix.Mixing.CoMixup;

/// <summary>
/// How <see cref="HedgedPartitions.Run"/> puts its helpers to work: runs <paramref name="caller"/> on the calling thread
/// and <paramref name="helper"/> on up to <paramref name="helpers"/> other threads, and returns once
/// <paramref name="caller"/> has returned (it waits, itself, for every helper that has started). <paramref name="helper"/>
/// never throws; an exception of <paramref name="caller"/> propagates.
/// </summary>
public delegate void HelperTeam(int helpers, Action caller, Action helper);

/// <summary>
/// Runs independent work items on the calling thread and helper threads without ever waiting for a helper: when the
/// calling thread has claimed every item, it solves again each item a helper has not finished ("hedging"), and
/// whichever copy finishes first is kept. A helper that gets no core, or a share of one, therefore costs the batch
/// nothing beyond the items the calling thread would have solved alone; a helper that runs saves what it finished.
/// </summary>
/// <remarks>
/// Why: a helper may get a share of a core or none (other processes; with <see cref="ThreadPoolTeam"/>, libgomp's
/// worker, which spins for several ms after every libtorch op, unless <see cref="OpenMpTeam"/> makes that worker the
/// helper). A static split (Parallel.For) then waits for the slower thread and was measured up to 1.8x slower than
/// serial under load. Results must not depend on which copy is kept: the body must be a deterministic function of
/// the item (Co-Mixup seeds each partition's Random from the batch seed).
/// </remarks>
public static class HedgedPartitions
{
    /// <summary>
    /// Runs <paramref name="body"/> for items 0..count-1 with up to <paramref name="helpers"/> helper threads and
    /// returns the results by item. <paramref name="body"/>(item, local, stop) must return the item's result, or null
    /// after <c>stop()</c> turned true (checked by the body between steps: another copy finished first, or the batch
    /// is done). <paramref name="localInit"/> makes each thread's reusable state (one per thread, never shared).
    /// <paramref name="team"/> puts the helpers to work (default: <see cref="ThreadPoolTeam"/>); a helper that starts
    /// late or never is harmless. An exception on a helper is dropped: the calling thread solves the item again and
    /// throws it. Returns once every helper that started has stopped, so no helper runs on after the call.
    /// </summary>
    public static T[] Run<TLocal, T>(int count, int helpers, Func<TLocal> localInit, Func<int, TLocal, Func<bool>, T?> body, HelperTeam? team = null)
        where T : class
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(helpers);
        ArgumentNullException.ThrowIfNull(localInit);
        ArgumentNullException.ThrowIfNull(body);
        var work = new Work<TLocal, T>(count, localInit, body);
        void Caller()
        {
            try
            {
                work.RunCaller();
            }
            finally
            {
                work.Finish();
            }
        }
        helpers = Math.Min(helpers, count - 1);
        if (helpers > 0) (team ?? ThreadPoolTeam)(helpers, Caller, work.Help);
        else Caller();
        return work.Results!;
    }

    /// <summary>The default <see cref="HelperTeam"/>: each helper is a .NET thread-pool work item, queued before the caller's work runs.</summary>
    public static void ThreadPoolTeam(int helpers, Action caller, Action helper)
    {
        for (var h = 0; h < helpers; h++) ThreadPool.UnsafeQueueUserWorkItem(static state => ((Action)state!)(), helper, preferLocal: false);
        caller();
    }

    private sealed class Work<TLocal, T>(int count, Func<TLocal> localInit, Func<int, TLocal, Func<bool>, T?> body) where T : class
    {
        private readonly T?[] results = new T?[count];
        private readonly object gate = new();
        private int next = -1;
        private int running;           // helpers inside their loop (under gate)
        private volatile bool finished;

        public T[] Results => results!;

        // Items in claim order; then every item still without a result (a helper's, in flight or abandoned) again.
        public void RunCaller()
        {
            var local = localInit();
            int item;
            while ((item = Interlocked.Increment(ref next)) < count)
                Publish(item, body(item, local, static () => false));
            for (item = 0; item < count; item++)
            {
                if (Volatile.Read(ref results[item]) is not null) continue;
                var i = item;
                Publish(item, body(item, local, () => Volatile.Read(ref results[i]) is not null));
                if (Volatile.Read(ref results[item]) is null) throw new InvalidOperationException($"Item {item} returned no result without being stopped.");
            }
        }

        public void Help()
        {
            lock (gate)
            {
                if (finished) return; // started after the batch: nothing to do
                running++;
            }
            try
            {
                var local = localInit();
                int item;
                while (!finished && (item = Interlocked.Increment(ref next)) < count)
                {
                    var i = item;
                    Publish(item, body(item, local, () => finished || Volatile.Read(ref results[i]) is not null));
                }
            }
            catch
            {
                // The calling thread solves every unfinished item itself and reports its own failure.
            }
            finally
            {
                lock (gate)
                {
                    if (--running == 0) Monitor.PulseAll(gate);
                }
            }
        }

        // Stops the helpers and waits, blocked, until each running one has left its loop (it stops at its body's next
        // check). A helper left running would take turns on a core with libtorch's threads in the ops that follow; a
        // blocked caller frees its own core for it instead, so it ends at once. Helpers that have not started do nothing.
        public void Finish()
        {
            lock (gate)
            {
                finished = true;
                while (running > 0) Monitor.Wait(gate);
            }
        }

        // The first result for an item wins; a later copy (the same value, by the body's determinism) is dropped.
        private void Publish(int item, T? result)
        {
            if (result is not null) Interlocked.CompareExchange(ref results[item], result, null);
        }
    }
}
