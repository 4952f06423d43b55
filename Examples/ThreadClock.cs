using System.Diagnostics;
using System.Runtime.InteropServices;

namespace NetDsl.Examples;

/// <summary>
/// The CPU time of the calling thread (Linux: CLOCK_THREAD_CPUTIME_ID), for one-thread benchmarks on shared
/// machines: time spent waiting for a core is not counted. Elsewhere it falls back to the wall clock.
/// The TorchSharp peer measures its one-thread products with the same clock.
/// </summary>
internal static class ThreadClock
{
    private const int ThreadCpuTimeClock = 3; // CLOCK_THREAD_CPUTIME_ID

    private static readonly Stopwatch Wall = Stopwatch.StartNew();

    public static double Seconds()
    {
        if (OperatingSystem.IsLinux() && ClockGetTime(ThreadCpuTimeClock, out TimeSpec now) == 0)
            return now.Seconds + now.Nanoseconds * 1e-9;
        return Wall.Elapsed.TotalSeconds;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);
}
