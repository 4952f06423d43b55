namespace NetDsl;

/// <summary>
/// A progress report from Fit: during an epoch (every batch, at most about ten times a second)
/// and once at its end, when the validation metrics are known.
/// </summary>
public readonly record struct TrainingProgress(
    int Epoch,
    int Epochs,
    int Batch,
    int Batches,
    float Loss,
    float? Accuracy,
    float? ValidationLoss,
    float? ValidationAccuracy,
    TimeSpan Elapsed,
    bool EpochEnded)
{
    /// <summary>Time left in this epoch, extrapolated from the batches done so far.</summary>
    public TimeSpan EpochRemaining => Batch == 0 ? TimeSpan.Zero : Elapsed / Batch * (Batches - Batch);
}
