namespace NetDsl;

/// <summary>Why a training step was not applied; see <see cref="StepResult.Failure"/>.</summary>
public enum StepFailure
{
    /// <summary>The step was applied.</summary>
    None,
    /// <summary>The batch's loss is NaN or infinite; nothing was changed.</summary>
    NonFiniteLoss,
    /// <summary>The loss is finite but a value of its gradient is not; nothing was changed.</summary>
    NonFiniteGradient,
    /// <summary>
    /// The gradient is finite but the update overflowed a parameter or the optimizer's state (a learning rate far
    /// too large); the update was undone, so nothing was changed either.
    /// </summary>
    NonFiniteUpdate,
}

/// <summary>
/// What one optimizer step did: the batch's mean loss and the correct predictions among its rows,
/// both measured on the training pass before the update (as Keras's running metrics are), and
/// whether the step was applied. <see cref="Trainer.TryStep"/> returns it; <see cref="Trainer.Step"/>
/// throws <see cref="TrainingDivergedException"/> instead of returning a failed one.
/// </summary>
public readonly struct StepResult
{
    // The reasons, as clauses for "Training diverged in epoch 3, batch 2 of 5: …" and as sentences.
    private static readonly string[] Reasons =
    [
        "",
        "the loss is not finite; the step was not applied, so the network keeps the parameters of its last good step. " +
        "Try a smaller learning rate or check the data.",
        "the gradient is not finite (the loss is); the step was not applied, so the network keeps the parameters of its last good step. " +
        "Try a smaller learning rate or check the data.",
        "the update would have made some parameters or optimizer state non-finite (the learning rate is too large for these gradients); " +
        "it was undone, so the network keeps the parameters of its last good step. Try a smaller learning rate.",
    ];

    private static readonly string[] Sentences = [.. Reasons.Select(r => r.Length == 0 ? r : char.ToUpperInvariant(r[0]) + r[1..])];

    internal StepResult(float loss, long correct, long counted, StepFailure failure)
    {
        Loss = loss;
        Correct = correct;
        Counted = counted;
        Failure = failure;
    }

    /// <summary>The batch's mean loss, before the update (as computed, even when not finite).</summary>
    public float Loss { get; }

    /// <summary>Correct predictions in the batch, before the update; 0 for regression.</summary>
    public long Correct { get; }

    /// <summary>Predictions counted: rows for categorical cross-entropy, outputs for binary; 0 for regression.</summary>
    public long Counted { get; }

    /// <summary><see cref="Correct"/> / <see cref="Counted"/>; null for regression (mean squared error has no accuracy).</summary>
    public float? Accuracy => Counted == 0 ? null : (float)Correct / Counted;

    /// <summary>Why the step was not applied, or <see cref="StepFailure.None"/>.</summary>
    public StepFailure Failure { get; }

    /// <summary>Whether the step was applied.</summary>
    public bool Succeeded => Failure == StepFailure.None;

    /// <summary>What went wrong and what the network holds now, as a sentence; null when the step succeeded.</summary>
    public string? Message => Succeeded ? null : Sentences[(int)Failure];

    /// <summary>The same as a clause, to follow "Training diverged in epoch 3, batch 2 of 5: ".</summary>
    internal string Reason => Reasons[(int)Failure];
}
