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

    /// <summary>
    /// What each layer is, in order (dropout layers too, with no parameters), and where its parameters sit in
    /// <see cref="Parameters"/>: every generated network lists them, the same list as its static <c>Layers</c>.
    /// Used for what works per variable as Keras does: <see cref="Optimizer.ClipNorm"/> clips each layer's
    /// weights and each layer's bias by their own norm. Null (the default, for a hand-written model) when the
    /// network does not list them; the whole buffer is then one variable.
    /// </summary>
    IReadOnlyList<LayerDescription>? Layers => null;

    /// <summary>Scratch buffers for batches of up to <paramref name="maxRows"/> examples.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    NetworkWorkspace CreateWorkspace(int maxRows);

    /// <summary>
    /// Forward, loss and backward over <paramref name="rows"/> examples, in training mode (dropout on).
    /// Returns <c>scale · Σ loss</c> and overwrites <paramref name="gradient"/> with its gradient.
    /// Inputs are not validated: callers check them once. Given an empty <paramref name="gradient"/>, a network
    /// whose workspace lists <see cref="NetworkWorkspace.WeightGradientOperands"/> computes the deltas and leaves
    /// the weight gradients to the caller.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    float ComputeLossAndGradient(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int rows, float scale,
        Span<float> gradient, NetworkWorkspace workspace, DropoutStream dropout);

    /// <summary>
    /// <see cref="ComputeLossAndGradient"/>, and the correct predictions among the <paramref name="rows"/>
    /// examples, counted on the outputs of this same training pass (dropout on, before any update), as
    /// Keras's running training accuracy is. The trainer calls this, not the workspace.
    /// </summary>
    /// <remarks>
    /// The default implementation counts on <see cref="NetworkWorkspace.LossInputs"/> after the pass,
    /// which the generated backward passes leave as the forward pass wrote them. A network whose backward
    /// pass reuses that buffer implements this itself and counts where it computes the loss.
    /// </remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    LossAndAccuracy ComputeLossGradientAndAccuracy(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int rows, float scale,
        Span<float> gradient, NetworkWorkspace workspace, DropoutStream dropout)
    {
        float loss = ComputeLossAndGradient(inputs, targets, rows, scale, gradient, workspace, dropout);
        var (correct, counted) = Accuracy.Count(Loss, workspace.LossInputs.AsSpan(0, rows * OutputSize), targets, OutputSize);
        return new LossAndAccuracy(loss, correct, counted);
    }

    /// <summary>
    /// Forward in inference mode over <paramref name="rows"/> examples. Returns the values the loss
    /// reads — logits for the cross-entropies, activations for mean squared error — held in the workspace.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    ReadOnlySpan<float> ComputeLossInputs(ReadOnlySpan<float> inputs, int rows, NetworkWorkspace workspace);
}
