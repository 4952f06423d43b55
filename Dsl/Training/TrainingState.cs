using System.Runtime.CompilerServices;

namespace NetDsl;

/// <summary>
/// What the runtime keeps for a network between and during Fit calls, held weakly: an entry lives
/// exactly as long as its network. For now, whether a Fit is running on it.
/// </summary>
internal sealed class TrainingState
{
    private static readonly ConditionalWeakTable<INetworkModel, TrainingState> States = new();

    private int _running;

    /// <summary>The state of <paramref name="network"/>, made on first use.</summary>
    public static TrainingState For(INetworkModel network) => States.GetValue(network, static _ => new TrainingState());

    /// <summary>Marks a Fit as running; throws if one already is (from any thread, or re-entered from a callback).</summary>
    public void Enter()
    {
        if (Interlocked.CompareExchange(ref _running, 1, 0) != 0)
            throw new InvalidOperationException(
                "Fit is already running on this network; a second Fit would interleave its updates with the first. " +
                "Wait for the first to return, or train another instance.");
    }

    /// <summary>Marks the Fit as finished; call in <c>finally</c>.</summary>
    public void Exit() => Volatile.Write(ref _running, 0);
}
