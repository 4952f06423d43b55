namespace NetDsl;

/// <summary>
/// Thrown when a step's loss or gradient is not finite, or its update would overflow a parameter or the
/// optimizer's state; <see cref="Failure"/> says which. Either way the step is not applied (an overflowing
/// update is undone), so the network keeps the parameters, and the optimizer the state, of its last good step.
/// </summary>
public sealed class TrainingDivergedException(string message, int? epoch = null, int? batch = null, StepFailure failure = StepFailure.None)
    : ArithmeticException(message)
{
    /// <summary>The epoch (from 1, numbered across the network's Fits) in which training diverged, when known.</summary>
    public int? Epoch { get; } = epoch;

    /// <summary>The batch (from 1) within the epoch, when known.</summary>
    public int? Batch { get; } = batch;

    /// <summary>What was not finite: the loss, the gradient or the updated parameters (None when not known).</summary>
    public StepFailure Failure { get; } = failure;

    /// <summary>The exception for a failed step of a custom loop: its message is the step's.</summary>
    internal static TrainingDivergedException For(in StepResult step) => new(step.Message!, failure: step.Failure);

    /// <summary>The exception for a failed step of Fit, naming the epoch and the batch.</summary>
    internal static TrainingDivergedException For(in StepResult step, int epoch, int batch, int batches) =>
        new($"Training diverged in epoch {epoch}, batch {batch} of {batches}: {step.Reason}", epoch, batch, step.Failure);
}
