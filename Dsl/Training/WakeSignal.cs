using System.Diagnostics;

namespace NetDsl;

/// <summary>
/// A wake-up one thread sets and one other thread waits for, once per set. The waiter spins for a while before it
/// sleeps: a thread woken from the kernel took tens of microseconds to run again on the machines we measured, which
/// a batch of a few hundred microseconds split over the cores felt at every hand-over (OpenMP's and ONNX Runtime's
/// workers spin between parallel regions too). Allocates nothing after construction: it sleeps on a SemaphoreSlim,
/// which makes its lock up front (a ManualResetEventSlim makes it at the first wait that blocks, long after warm-up).
/// </summary>
internal sealed class WakeSignal
{
    /// <summary>How long a waiter spins before it sleeps, by default: longer than a step's serial part between two parallel ones.</summary>
    internal static readonly TimeSpan DefaultSpin = TimeSpan.FromMicroseconds(200);

    private readonly long _spinTicks;
    private readonly SemaphoreSlim _sleep = new(0);
    private int _set;       // 1 from Set until the waiter takes it
    private int _sleeping;  // 1 while the waiter sleeps, or is about to

    /// <summary>A signal whose waiter spins for <paramref name="spin"/> (default <see cref="DefaultSpin"/>; zero: it sleeps at once).</summary>
    public WakeSignal(TimeSpan? spin = null) => _spinTicks = (long)((spin ?? DefaultSpin).TotalSeconds * Stopwatch.Frequency);

    /// <summary>Wakes the waiter: at once if it spins, through the semaphore if it sleeps.</summary>
    public void Set()
    {
        Volatile.Write(ref _set, 1);
        // A full fence on both sides (here and in Sleep): either the waiter sees _set, or this sees it sleeping.
        if (Interlocked.Exchange(ref _sleeping, 0) == 1)
            _sleep.Release();
    }

    /// <summary>Returns once the signal is set, and takes it.</summary>
    public void Wait()
    {
        if (Volatile.Read(ref _set) == 0)
        {
            long deadline = Stopwatch.GetTimestamp() + _spinTicks;
            while (Volatile.Read(ref _set) == 0)
            {
                if (Stopwatch.GetTimestamp() > deadline)
                {
                    Sleep();
                    break;
                }
                Thread.SpinWait(8);
            }
        }
        Volatile.Write(ref _set, 0);
    }

    private void Sleep()
    {
        Interlocked.Exchange(ref _sleeping, 1);
        // Set between the spin and here: take back the sleep, unless Set already took it and released the semaphore.
        if (Volatile.Read(ref _set) == 1 && Interlocked.Exchange(ref _sleeping, 0) == 1)
            return;
        _sleep.Wait();
    }
}
