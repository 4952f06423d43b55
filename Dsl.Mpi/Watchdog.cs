using System.Diagnostics;
using System.Runtime.InteropServices;

namespace NetDsl.Mpi;

/// <summary>
/// Ends this process when a call on the world has waited longer than the time limit: MPI's blocking calls
/// (fastest, as MPI progresses them itself) cannot be interrupted, so a peer that died or hangs would hold
/// them forever. The process exits with code 1 after saying why; <c>mpirun</c>, seeing a rank end with an
/// error, ends the job. One thread, waking four times a limit; a call only writes its deadline.
/// </summary>
internal sealed partial class Watchdog : IDisposable
{
    private readonly TimeSpan _limit;
    private readonly int _rank, _size;
    private readonly Thread _thread;
    private long _deadline = long.MaxValue; // Stopwatch ticks; MaxValue: no call waiting
    private string _call = "";
    private int _peer;
    private volatile bool _disposed;

    public Watchdog(TimeSpan limit, int rank, int size)
    {
        (_limit, _rank, _size) = (limit, rank, size);
        _thread = new Thread(Watch) { IsBackground = true, Name = "NetDsl.Mpi watchdog" };
        _thread.Start();
    }

    /// <summary>A call starts waiting for <paramref name="peer"/> (−1: for all).</summary>
    public void Begin(string call, int peer)
    {
        _call = call;
        _peer = peer;
        Volatile.Write(ref _deadline, Stopwatch.GetTimestamp() + (long)(_limit.TotalSeconds * Stopwatch.Frequency));
    }

    public void End() => Volatile.Write(ref _deadline, long.MaxValue);

    public void Dispose() => _disposed = true;

    private void Watch()
    {
        var nap = TimeSpan.FromTicks(Math.Clamp(_limit.Ticks / 4, TimeSpan.TicksPerMillisecond, TimeSpan.TicksPerSecond));
        while (!_disposed)
        {
            Thread.Sleep(nap);
            if (Stopwatch.GetTimestamp() <= Volatile.Read(ref _deadline)) continue;
            string whom = _peer >= 0 ? $"rank {_peer}" : "the other ranks";
            Console.Out.Flush();
            Console.Error.WriteLine(
                $"NetDsl.Mpi: rank {_rank} of {_size} waited {_limit.TotalSeconds:0.#} s in {_call} for {whom}, which stopped answering " +
                "(a rank died or hangs, or the ranks' programs took different paths). Ending this rank, and with it the job.");
            Console.Error.Flush();
            ExitNow(1);
        }
    }

    // exit(2)'s raw form: no handlers, no finalizers, nothing that could wait on the blocked thread.
    [LibraryImport("libc", EntryPoint = "_exit")]
    private static partial void ExitNow(int status);
}
