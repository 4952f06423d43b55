namespace NetDsl;

/// <summary>What one epoch measured. Accuracy is null for regression (mean squared error).</summary>
public sealed record EpochResult(int Epoch, float Loss, float? Accuracy);

/// <summary>The per-epoch record of a <c>Fit</c>.</summary>
public sealed class TrainingHistory
{
    private readonly List<EpochResult> _epochs = [];

    /// <summary>One entry per epoch run, in order.</summary>
    public IReadOnlyList<EpochResult> Epochs => _epochs;

    /// <summary>The mean training loss of each epoch.</summary>
    public IReadOnlyList<float> Loss => _epochs.ConvertAll(e => e.Loss);

    internal void Add(EpochResult epoch) => _epochs.Add(epoch);
}

/// <summary>The mean loss on a data set, and the accuracy for classifiers.</summary>
public sealed record EvaluationResult(float Loss, float? Accuracy);
