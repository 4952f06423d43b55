namespace NetDsl.Examples;

/// <summary>How a rank of <c>distributed</c> fails on purpose, for the tests of a job's failure handling.</summary>
/// <param name="Rank">The rank that fails.</param>
/// <param name="AfterCalls">It fails at this call of the world, counted from 1 (the start-up checks make 9).</param>
/// <param name="How"><c>throw</c> (Fit throws), <c>exit</c> (the process dies with SIGKILL) or <c>hang</c> (it stops answering).</param>
internal sealed record FaultPlan(int Rank, int AfterCalls, string How);

/// <summary>A world that passes every call on to MPI, except that one rank fails at one call as its plan says.</summary>
internal sealed class FaultyWorld(ICommunicator inner, FaultPlan plan) : ICommunicator
{
    private int _calls;

    public int Rank => inner.Rank;
    public int Size => inner.Size;
    public GradientSum GradientSum => inner.GradientSum;

    public void Send(ReadOnlySpan<byte> data, int destination) { Tick(); inner.Send(data, destination); }
    public void Receive(Span<byte> data, int source) { Tick(); inner.Receive(data, source); }
    public void Broadcast(Span<byte> data, int root) { Tick(); inner.Broadcast(data, root); }
    public void AllReduceSum(Span<float> values) { Tick(); inner.AllReduceSum(values); }
    public void Fail(Exception error) => inner.Fail(error);

    private void Tick()
    {
        if (inner.Rank != plan.Rank || ++_calls != plan.AfterCalls) return;
        Console.Error.WriteLine($"fault: rank {plan.Rank} fails now ({plan.How}) at call {_calls}");
        Console.Error.Flush();
        switch (plan.How)
        {
            case "throw":
                throw new IOException($"rank {plan.Rank} could not read its data (a planned fault)");
            case "exit":
                System.Diagnostics.Process.GetCurrentProcess().Kill();
                break;
            case "hang":
                Thread.Sleep(Timeout.Infinite);
                break;
        }
    }
}
