using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using TorchSharp;

namespace RLMix.Mixing.CoMixup;

/// <summary>
/// A <see cref="HelperTeam"/> whose helpers are libtorch's own CPU worker threads: one OpenMP parallel region
/// (<c>GOMP_parallel</c> of the libgomp that libtorch loaded) runs the caller's work on the calling thread and the
/// helper's on libgomp's workers.
/// </summary>
/// <remarks>
/// Why: after every libtorch op, libgomp's workers spin for several milliseconds waiting for the next one (on this
/// project's 2-core test machine, through most of an 8 ms Co-Mixup solve). A .NET helper thread then shares a core with
/// a spinner. Used as the helper, the spinning worker gives its core to the solver instead, and no thread is created
/// or woken. Like every libtorch op, the region ends when each worker has returned: a worker that has not been
/// scheduled yet holds the caller until it is (it then finds nothing left to do and returns).
/// Only on Linux, where libtorch's CPU build uses libgomp; elsewhere <see cref="Fits"/> is false.
/// </remarks>
public static class OpenMpTeam
{
    private const int RtldLazy = 1, RtldNoload = 4;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void RegionBody(IntPtr data);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void GompParallel(IntPtr body, IntPtr data, uint threads, uint flags);

    // Kept in a static field: libgomp calls it through the pointer long after it was marshalled.
    private static readonly RegionBody Body = RunMember;
    private static readonly IntPtr BodyPointer = Marshal.GetFunctionPointerForDelegate(Body);
    private static GompParallel? parallel;

    /// <summary>
    /// Whether a team of <paramref name="threads"/> (the caller included) can run on libtorch's workers: libtorch's
    /// libgomp exports <c>GOMP_parallel</c> and libtorch uses at least that many threads (with fewer, its workers
    /// are not there to spin, and a .NET helper has its core).
    /// </summary>
    public static bool Fits(int threads) => threads >= 2 && Resolve() is not null && torch.get_num_threads() >= threads;

    /// <summary>
    /// Runs <paramref name="caller"/> on the calling thread and <paramref name="helper"/> on each of the other
    /// <paramref name="helpers"/> threads of one parallel region; returns when all have returned. An exception of
    /// <paramref name="caller"/> is rethrown here; one of a helper is dropped (a <see cref="HelperTeam"/>'s helpers must
    /// not fail the batch). libgomp may give fewer threads than asked (OMP_THREAD_LIMIT): then fewer helpers run.
    /// </summary>
    public static void Run(int helpers, Action caller, Action helper)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(helpers);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(helper);
        var region = Resolve() ?? throw new PlatformNotSupportedException("libtorch's libgomp (GOMP_parallel) was not found; check OpenMpTeam.Fits first.");
        var team = new Team(Environment.CurrentManagedThreadId, caller, helper);
        var handle = GCHandle.Alloc(team);
        try
        {
            region(BodyPointer, GCHandle.ToIntPtr(handle), (uint)(helpers + 1), 0);
        }
        finally
        {
            handle.Free();
        }
        team.Error?.Throw();
    }

    private sealed class Team(int callerThread, Action caller, Action helper)
    {
        public readonly int CallerThread = callerThread;
        public readonly Action Caller = caller;
        public readonly Action Helper = helper;
        public ExceptionDispatchInfo? Error;
    }

    // Every thread of the region runs this; no exception may unwind into libgomp.
    private static void RunMember(IntPtr data)
    {
        var team = (Team)GCHandle.FromIntPtr(data).Target!;
        var isCaller = Environment.CurrentManagedThreadId == team.CallerThread;
        try
        {
            if (isCaller) team.Caller();
            else team.Helper();
        }
        catch (Exception e)
        {
            if (isCaller) team.Error = ExceptionDispatchInfo.Capture(e);
        }
    }

    // GOMP_parallel from the libgomp among libtorch_cpu's dependencies (its file name carries a build hash). Looked up
    // again until found: libtorch may not be loaded yet at the first call.
    private static GompParallel? Resolve()
    {
        if (parallel is not null || !OperatingSystem.IsLinux()) return parallel;
        try
        {
            var library = dlopen("libtorch_cpu.so", RtldLazy | RtldNoload);
            if (library == IntPtr.Zero) return null;
            var symbol = dlsym(library, "GOMP_parallel");
            return symbol == IntPtr.Zero ? null : parallel = Marshal.GetDelegateForFunctionPointer<GompParallel>(symbol);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    [DllImport("libc", EntryPoint = "dlopen")]
    private static extern IntPtr dlopen(string file, int mode);

    [DllImport("libc", EntryPoint = "dlsym")]
    private static extern IntPtr dlsym(IntPtr handle, string name);
}
