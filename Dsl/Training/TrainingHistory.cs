namespace NetDsl;

/// <summary>
/// What one epoch measured. <see cref="Epoch"/> counts from 1 across the network's Fits. Accuracies
/// are null for regression (mean squared error); validation values are null without validation data.
/// </summary>
public sealed record EpochResult(int Epoch, float Loss, float? Accuracy, float? ValidationLoss, float? ValidationAccuracy, TimeSpan Elapsed);

/// <summary>The per-epoch record of a <c>Fit</c>; epoch numbers continue from the network's earlier Fits.</summary>
public sealed class TrainingHistory
{
    private readonly List<EpochResult> _epochs = [];

    /// <summary>One entry per epoch run, in order.</summary>
    public IReadOnlyList<EpochResult> Epochs => _epochs;

    /// <summary>The mean training loss of each epoch.</summary>
    public IReadOnlyList<float> Loss => _epochs.ConvertAll(e => e.Loss);

    /// <summary>The validation loss of each epoch (empty without validation data).</summary>
    public IReadOnlyList<float> ValidationLoss => _epochs.Where(e => e.ValidationLoss.HasValue).Select(e => e.ValidationLoss!.Value).ToList();

    /// <summary>
    /// The epoch (from 1) after which a callback — early stopping, or one of yours setting
    /// <see cref="TrainingContext.StopTraining"/> — ended training, or null if it ran every epoch.
    /// </summary>
    public int? StoppedEpoch { get; internal set; }

    /// <summary>The epoch (from 1) with the best monitored value, when early stopping watched one.</summary>
    public int? BestEpoch { get; internal set; }

    /// <summary>Whether the network ended with the weights of <see cref="BestEpoch"/> (RestoreBestWeights).</summary>
    public bool RestoredBestWeights { get; internal set; }

    internal void Add(EpochResult epoch) => _epochs.Add(epoch);
}

/// <summary>The mean loss on a data set, and the accuracy for classifiers.</summary>
public sealed record EvaluationResult(float Loss, float? Accuracy);
