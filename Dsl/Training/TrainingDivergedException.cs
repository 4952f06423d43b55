namespace NetDsl;

/// <summary>
/// Thrown when a step's loss or gradient is not finite. The step is not applied, so the network
/// keeps the parameters of its last good step.
/// </summary>
public sealed class TrainingDivergedException(string message, int? epoch = null, int? batch = null)
    : ArithmeticException(message)
{
    /// <summary>The epoch (from 1, numbered across the network's Fits) in which training diverged, when known.</summary>
    public int? Epoch { get; } = epoch;

    /// <summary>The batch (from 1) within the epoch, when known.</summary>
    public int? Batch { get; } = batch;
}
