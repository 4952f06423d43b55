using System.Runtime.CompilerServices;

namespace NetDsl;

/// <summary>
/// What a network remembers of its training between Fit calls, so that Fit after Fit continues one
/// run: the optimizer's state (moments, step count) with the settings it was made for, the epochs
/// completed and the steps taken (which number the shuffles and dropout masks). Held weakly, keyed
/// by the network instance: an entry lives exactly as long as its network. Also whether a Fit is
/// running on it.
/// </summary>
internal sealed class TrainingState
{
    private static readonly ConditionalWeakTable<INetworkModel, TrainingState> States = new();

    private int _running;

    /// <summary>The settings <see cref="OptimizerState"/> was made for; null before the first Fit.</summary>
    public Optimizer? Optimizer { get; private set; }

    /// <summary>The optimizer's running state, continued by a Fit with an equal optimizer.</summary>
    public OptimizerState? OptimizerState { get; private set; }

    /// <summary>Epochs run to their end, over every Fit: the next Fit's first epoch is this + 1.</summary>
    public int EpochsCompleted { get; set; }

    /// <summary>Steps started, over every Fit: step n's dropout masks come from (Seed, n).</summary>
    public long StepsTaken { get; set; }

    /// <summary>The state of <paramref name="network"/>, made on first use.</summary>
    public static TrainingState For(INetworkModel network) => States.GetValue(network, static _ => new TrainingState());

    /// <summary>Forgets <paramref name="network"/>'s training; refused while a Fit runs on it.</summary>
    public static void Reset(INetworkModel network)
    {
        if (!States.TryGetValue(network, out var state)) return;
        if (Interlocked.CompareExchange(ref state._running, 1, 0) != 0)
            throw new InvalidOperationException("Fit is running on this network; reset its training after Fit returns.");
        try
        {
            state.Optimizer = null;
            state.OptimizerState = null;
            state.EpochsCompleted = 0;
            state.StepsTaken = 0;
        }
        finally
        {
            state.Exit();
        }
    }

    /// <summary>
    /// The optimizer state to train with: the remembered one if it was made for settings equal to
    /// <paramref name="optimizer"/> (records compare by value), otherwise a fresh one — which the network
    /// remembers only once <see cref="Remember"/> is called, when the Fit has passed its checks.
    /// </summary>
    public OptimizerState OptimizerStateFor(Optimizer optimizer, int parameterCount) =>
        OptimizerState is not null && OptimizerState.ParameterCount == parameterCount && optimizer.Equals(Optimizer)
            ? OptimizerState
            : optimizer.CreateState(parameterCount);

    /// <summary>Remembers the optimizer state a Fit trains with, for the next Fit to continue.</summary>
    public void Remember(Optimizer optimizer, OptimizerState state)
    {
        if (ReferenceEquals(state, OptimizerState)) return;
        OptimizerState = state;
        Optimizer = optimizer;
    }

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
