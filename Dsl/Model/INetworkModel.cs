using System.ComponentModel;

namespace NetDsl;

/// <summary>
/// What the generator implements on every network so the runtime can train and evaluate it.
/// User code rarely needs it: call the generated <c>Fit</c>, <c>Evaluate</c> and <c>Predict</c>,
/// or a <see cref="Trainer"/> for a custom loop.
/// </summary>
public interface INetworkModel
{
    /// <summary>Features per example.</summary>
    int InputSize { get; }

    /// <summary>Outputs per example.</summary>
    int OutputSize { get; }

    /// <summary>The loss the network was declared with.</summary>
    Loss Loss { get; }

    /// <summary>All parameters, layer after layer: weights <c>[units × fanIn]</c> then bias.</summary>
    Span<float> Parameters { get; }

    /// <summary>Scratch buffers for batches of up to <paramref name="maxRows"/> examples.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    NetworkWorkspace CreateWorkspace(int maxRows);

    /// <summary>
    /// Forward, loss and backward over <paramref name="rows"/> examples, in training mode (dropout on).
    /// Returns <c>scale · Σ loss</c> and overwrites <paramref name="gradient"/> with its gradient.
    /// Inputs are not validated: callers check them once.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    float ComputeLossAndGradient(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int rows, float scale,
        Span<float> gradient, NetworkWorkspace workspace, DropoutStream dropout);

    /// <summary>
    /// Forward in inference mode over <paramref name="rows"/> examples. Returns the values the loss
    /// reads — logits for the cross-entropies, activations for mean squared error — held in the workspace.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    ReadOnlySpan<float> ComputeLossInputs(ReadOnlySpan<float> inputs, int rows, NetworkWorkspace workspace);
}
