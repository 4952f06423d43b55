namespace NetDsl;

/// <summary>
/// Operations on any generated network beyond its own members. The generated <c>Fit</c> and
/// <c>Evaluate</c> take float targets; an <c>int[]</c> or <see cref="ReadOnlySpan{T}"/> of <c>int</c>
/// cannot convert to those, so <c>net.Fit(x, labels)</c> finds the overloads here.
/// </summary>
public static class NetworkExtensions
{
    /// <summary>
    /// Trains a categorical cross-entropy network on integer class labels, one per input row, as
    /// Keras's sparse categorical cross-entropy does: each label becomes a one-hot row and training
    /// is exactly <c>Fit</c> on those rows. Validation data given in <paramref name="options"/>
    /// still takes float targets; <see cref="TrainOptions.ValidationSplit"/> needs none.
    /// </summary>
    /// <param name="network">A network declared with <c>Loss = Loss.CategoricalCrossEntropy</c>.</param>
    /// <param name="inputs">Row-major [rows × InputSize].</param>
    /// <param name="labels">
    /// One class index in [0, OutputSize) per row: an <c>int[]</c> or span. (A collection expression of
    /// numbers, <c>[0, 2, 1]</c>, becomes float targets and goes to the generated <c>Fit</c>.)
    /// </param>
    /// <param name="options">As for the generated <c>Fit</c>.</param>
    /// <exception cref="ArgumentException">
    /// The network is not trained with categorical cross-entropy, the label count is not the row
    /// count, or a label is not a class index.
    /// </exception>
    public static TrainingHistory Fit(this INetworkModel network, ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, TrainOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        return TrainingLoop.Fit(network, inputs, OneHot(network, inputs, labels), options);
    }

    /// <summary>
    /// The mean loss and the accuracy of a categorical cross-entropy network on integer class labels,
    /// one per input row (Keras's sparse categorical cross-entropy); dropout is off.
    /// </summary>
    /// <exception cref="ArgumentException">As for <see cref="Fit(INetworkModel, ReadOnlySpan{float}, ReadOnlySpan{int}, TrainOptions?)"/>.</exception>
    public static EvaluationResult Evaluate(this INetworkModel network, ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels)
    {
        ArgumentNullException.ThrowIfNull(network);
        return Evaluation.Evaluate(network, inputs, OneHot(network, inputs, labels));
    }

    // Checks the labels against the network and the inputs, and writes them as one-hot rows.
    private static float[] OneHot(INetworkModel network, ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels)
    {
        if (network.Loss != Loss.CategoricalCrossEntropy)
            throw new ArgumentException(
                $"Integer class labels need a network trained with categorical cross-entropy, but {network.GetType().Name} is trained with {network.Loss}; " +
                $"pass float targets, {network.OutputSize} per row.", nameof(labels));
        int rows = DataChecks.Rows(inputs, network.InputSize), classes = network.OutputSize;
        if (labels.Length != rows)
            throw new ArgumentException($"Expected {rows} labels, one per input row, but got {labels.Length}.", nameof(labels));
        var targets = new float[rows * classes];
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classes)
                throw new ArgumentException($"Expected class labels in [0, {classes}), but labels[{i}] is {labels[i]}.", nameof(labels));
            targets[i * classes + labels[i]] = 1f;
        }
        return targets;
    }


    /// <summary>
    /// Forgets what <c>Fit</c> remembers of the network's training — the optimizer's state (moments,
    /// step count), the epochs completed and the steps taken — so the next <c>Fit</c> starts a fresh
    /// run at epoch 1 from the current weights, as on a network that never trained. The weights are
    /// kept; for fresh weights too, create the network again.
    /// </summary>
    /// <exception cref="InvalidOperationException">A Fit is running on this network.</exception>
    public static void ResetTraining(this INetworkModel network)
    {
        ArgumentNullException.ThrowIfNull(network);
        TrainingState.Reset(network);
    }
}
