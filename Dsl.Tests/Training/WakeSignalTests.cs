namespace NetDsl.Tests.Training;

/// <summary>The worker pool's wake-up: no set is lost or taken twice, whether the waiter spins or sleeps when it comes.</summary>
public class WakeSignalTests
{
    [Theory]
    [InlineData(0, 0)]      // the waiter always sleeps
    [InlineData(200, 0)]    // it always spins
    [InlineData(20, 40)]    // sets come before and after its spin ends
    public void Ping_pong_between_two_threads_loses_no_wake_up(int spinMicroseconds, int maxDelayMicroseconds)
    {
        const int Rounds = 3000;
        var spin = TimeSpan.FromMicroseconds(spinMicroseconds);
        var ping = new WakeSignal(spin);
        var pong = new WakeSignal(spin);
        int received = 0, completed = 0;
        string? mismatch = null;
        var answering = new Thread(() =>
        {
            var random = new Random(1);
            for (int i = 0; i < Rounds; i++)
            {
                ping.Wait();
                Interlocked.Increment(ref received);
                Delay(random, maxDelayMicroseconds);
                pong.Set();
            }
        }) { IsBackground = true };
        var asking = new Thread(() =>
        {
            var random = new Random(2);
            for (int i = 0; i < Rounds; i++)
            {
                Delay(random, maxDelayMicroseconds);
                ping.Set();
                pong.Wait();
                // Each round's ping was taken exactly once before its pong.
                if (Volatile.Read(ref received) != i + 1) mismatch ??= $"round {i}: {received} pings taken";
                completed = i + 1;
            }
        }) { IsBackground = true };
        answering.Start();
        asking.Start();
        // A lost wake-up leaves both threads waiting for ever: the joins time out.
        Assert.True(asking.Join(TimeSpan.FromSeconds(30)), $"A wake-up was lost after {completed} of {Rounds} rounds.");
        Assert.True(answering.Join(TimeSpan.FromSeconds(5)));
        Assert.Null(mismatch);
        Assert.Equal(Rounds, received);
    }

    private static void Delay(Random random, int maxMicroseconds)
    {
        if (maxMicroseconds == 0) return;
        long until = System.Diagnostics.Stopwatch.GetTimestamp() + random.Next(maxMicroseconds) * System.Diagnostics.Stopwatch.Frequency / 1_000_000;
        while (System.Diagnostics.Stopwatch.GetTimestamp() < until) Thread.SpinWait(4);
    }
}
