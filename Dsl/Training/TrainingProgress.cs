namespace NetDsl;

/// <summary>
/// A progress report from Fit: during an epoch (every batch, at most about ten times a second)
/// and once at its end, when the validation metrics are known.
/// </summary>
/// <param name="Epoch">The epoch, from 1, numbered across the network's Fits (a second Fit of 5 epochs runs 6–10).</param>
/// <param name="Epochs">The number of the last epoch this Fit runs (10 there), so a bar reads "Epoch 6/10" as Keras's does with <c>initial_epoch</c>.</param>
/// <param name="Batch">Batches done in this epoch.</param>
/// <param name="Batches">Batches in an epoch.</param>
/// <param name="Loss">The mean training loss so far in this epoch.</param>
/// <param name="Accuracy">The training accuracy so far in this epoch; null for regression.</param>
/// <param name="ValidationLoss">At the epoch's end, with validation data: the validation loss.</param>
/// <param name="ValidationAccuracy">At the epoch's end, with validation data: the validation accuracy.</param>
/// <param name="Elapsed">Time since the epoch began.</param>
/// <param name="EpochEnded">Whether this is the epoch's final report.</param>
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
