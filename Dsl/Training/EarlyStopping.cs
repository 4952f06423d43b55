namespace NetDsl;

/// <summary>
/// A quantity measured each epoch, which <see cref="EarlyStopping.Monitor"/> watches (Keras's
/// <c>monitor</c>: <c>val_loss</c>, <c>val_accuracy</c>, <c>loss</c>, <c>accuracy</c>).
/// </summary>
public enum Metric
{
    /// <summary>Validation loss (Keras's <c>val_loss</c>, the default); lower is better.</summary>
    ValidationLoss,
    /// <summary>Validation accuracy (<c>val_accuracy</c>); higher is better.</summary>
    ValidationAccuracy,
    /// <summary>Training loss (<c>loss</c>); lower is better.</summary>
    Loss,
    /// <summary>Training accuracy (<c>accuracy</c>); higher is better.</summary>
    Accuracy,
}

/// <summary>
/// Stops training when the monitored quantity has stopped improving, with Keras's semantics:
/// an epoch improves when it beats the best so far by more than <see cref="MinDelta"/>; training
/// stops once <see cref="Patience"/> epochs in a row have not improved (patience 0 stops at the
/// first epoch that does not); epochs before <see cref="StartFromEpoch"/> are ignored; with
/// <see cref="RestoreBestWeights"/>, the network ends with the weights of its best epoch —
/// also when patience never ran out (as Keras 3 does).
/// </summary>
public sealed record EarlyStopping
{
    /// <summary>What to watch; validation loss by default.</summary>
    public Metric Monitor { get; init; } = Metric.ValidationLoss;

    /// <summary>The smallest change that counts as an improvement.</summary>
    public float MinDelta { get; init; }

    /// <summary>Epochs without improvement to allow before stopping.</summary>
    public int Patience { get; init; }

    /// <summary>
    /// Epochs (counted from 0, as Keras does) to wait before watching at all. Epochs are numbered across
    /// the network's Fits, as Keras numbers them from <c>initial_epoch</c>; the watching itself (best
    /// value, patience) starts afresh with each Fit, as Keras's callback does.
    /// </summary>
    public int StartFromEpoch { get; init; }

    /// <summary>End with the weights of the best epoch rather than the last.</summary>
    public bool RestoreBestWeights { get; init; }

    internal bool HigherIsBetter => Monitor is Metric.ValidationAccuracy or Metric.Accuracy;

    internal bool NeedsValidation => Monitor is Metric.ValidationLoss or Metric.ValidationAccuracy;

    internal void Validate()
    {
        if (Patience < 0) throw new ArgumentOutOfRangeException(nameof(Patience), Patience, "Patience cannot be negative.");
        if (!(MinDelta >= 0)) throw new ArgumentOutOfRangeException(nameof(MinDelta), MinDelta, "MinDelta must be a non-negative number.");
        if (StartFromEpoch < 0) throw new ArgumentOutOfRangeException(nameof(StartFromEpoch), StartFromEpoch, "StartFromEpoch cannot be negative.");
        if (!Enum.IsDefined(Monitor)) throw new ArgumentOutOfRangeException(nameof(Monitor), Monitor, "Not a defined Metric.");
    }
}
