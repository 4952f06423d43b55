namespace NetDsl;

/// <summary>
/// How <c>Fit</c> trains: an immutable record, changed with <c>with</c>.
/// </summary>
/// <remarks>
/// A network remembers its training between Fit calls, so Fit after Fit continues one run, as calling
/// Keras's <c>fit</c> again does: epochs are numbered on from the last Fit (5 epochs, then 5 more, are
/// epochs 6–10, with the shuffles and dropout masks of epochs 6–10), and an <see cref="Optimizer"/>
/// equal to the last Fit's (records compare by value) continues its moments and step count. Two Fits
/// of 5 epochs give the same bits as one of 10. Another optimizer starts a fresh optimizer state; the
/// other options change nothing that is remembered. <c>network.ResetTraining()</c> starts over.
/// </remarks>
public sealed record TrainOptions
{
    /// <summary>Passes over the training data in this Fit; they are numbered on from the network's earlier Fits.</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>Examples per step; 1 is the lecture's stochastic gradient descent. Keras's default is 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>
    /// The update rule; Keras's SGD (learning rate 0.01) by default. If it equals the last Fit's, its
    /// state (moments, step count) continues; otherwise this Fit starts a fresh one.
    /// </summary>
    public Optimizer Optimizer { get; init; } = new Sgd();

    /// <summary>Whether to reshuffle the examples each epoch (from <see cref="Seed"/>).</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>
    /// Seeds shuffling, dropout and <see cref="ValidationSplit"/>: the same seed gives the same run, to the
    /// bit, at any thread count. Epoch e's shuffle and step n's dropout masks come from (seed, e) and
    /// (seed, n), with e and n counted across the network's Fits.
    /// </summary>
    public long Seed { get; init; }

    /// <summary>Threads for the shards of a batch; −1 for one per core.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    /// <summary>Held-out data measured after each epoch (takes precedence over <see cref="ValidationSplit"/>).</summary>
    public ValidationData? Validation { get; init; }

    /// <summary>
    /// A fraction in [0, 1) of the training examples to hold out for validation. Unlike Keras, which
    /// takes the <em>last</em> fraction of the data unshuffled (a frequent surprise with sorted data),
    /// NetDsl picks the held-out examples at random from <see cref="Seed"/>. It holds out
    /// ⌊split · rows⌋ rows, the split read as the decimal you wrote (0.02f of 50 rows is 1 row); 0 means
    /// no validation, and a split too small to hold out a single row is refused with the smallest that would.
    /// </summary>
    public float ValidationSplit { get; init; }

    /// <summary>
    /// Stop when the monitored quantity stops improving; null to run every epoch. Runs as a callback,
    /// after the history and before <see cref="Callbacks"/>.
    /// </summary>
    public EarlyStopping? EarlyStopping { get; init; }

    /// <summary>
    /// Receives progress during and after each epoch; see <see cref="ProgressBar"/> for a Keras-style bar.
    /// Runs as a callback, after all the others.
    /// </summary>
    public IProgress<TrainingProgress>? Progress { get; init; }

    /// <summary>
    /// Code to run at the start and end of training, of each epoch and after each batch, as Keras's
    /// <c>callbacks</c>: <see cref="ReduceLROnPlateau"/>, or your own <see cref="Callback"/>.
    /// They run in list order, after the history and <see cref="EarlyStopping"/> and before
    /// <see cref="Progress"/>; see <see cref="Callback"/>.
    /// </summary>
    public IReadOnlyList<Callback> Callbacks { get; init; } = [];

    /// <summary>
    /// The processes to train on together, e.g. <c>NetDsl.Mpi</c>'s <c>Mpi.Start()</c>; null (the default) for this
    /// process alone. Every process calls Fit with the same data and options; each computes its shards of every
    /// batch, and the gradients are summed across the processes in shard order, so the result is the bits of one
    /// process whatever their number. Rank 0 measures the validation data, runs <see cref="Callbacks"/> and
    /// reports <see cref="Progress"/>; its decisions (stop, learning rate) reach the others. Once an epoch the
    /// processes compare their parameters and throw <see cref="DistributedTrainingException"/> if they differ.
    /// </summary>
    public ICommunicator? Distributed { get; init; }

    /// <summary>
    /// A checkpoint to resume from, written by <see cref="ModelCheckpoint"/>: Fit puts back the weights, the optimizer's
    /// state, the epoch and step numbers (and with them the shuffles and dropout masks), the history, and the watching
    /// of <see cref="EarlyStopping"/> and the built-in callbacks, then runs the epochs the interrupted Fit had left, up to
    /// its first epoch + <see cref="Epochs"/> − 1. Given the options and data of the interrupted Fit, the result is the
    /// same to the bit as a Fit never interrupted; other options are refused before anything changes. As PyTorch
    /// Lightning's <c>trainer.fit(model, ckpt_path=...)</c>, or Keras's <c>BackupAndRestore</c> callback. The network's own
    /// remembered training is replaced by the checkpoint's. Null (the default): continue the network's training.
    /// </summary>
    /// <remarks>A missing file is a <see cref="FileNotFoundException"/>: resume only from a checkpoint that exists
    /// (<c>ResumeFrom = File.Exists(path) ? path : null</c>).</remarks>
    public string? ResumeFrom { get; init; }

    internal void Validate()
    {
        if (!(ValidationSplit >= 0f && ValidationSplit < 1f))
            throw new ArgumentOutOfRangeException(nameof(ValidationSplit), ValidationSplit, "The validation split must be a fraction in [0, 1).");
        EarlyStopping?.Validate();
        if (Epochs < 0) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "Epochs cannot be negative.");
        if (BatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "The batch size must be at least 1.");
        if (Optimizer is null) throw new ArgumentNullException(nameof(Optimizer), "An optimizer is required.");
        if (Callbacks is null) throw new ArgumentNullException(nameof(Callbacks), "Use an empty list for no callbacks.");
        for (int i = 0; i < Callbacks.Count; i++)
        {
            if (Callbacks[i] is null) throw new ArgumentNullException(nameof(Callbacks), $"Callbacks[{i}] is null.");
            for (int j = 0; j < i; j++)
                if (ReferenceEquals(Callbacks[i], Callbacks[j]))
                    throw new ArgumentException($"Callbacks[{j}] and Callbacks[{i}] are the same {Callbacks[i].GetType().Name}; a callback runs once a hook.", nameof(Callbacks));
        }
        if (ResumeFrom is { Length: 0 }) throw new ArgumentException("ResumeFrom is empty: give a checkpoint's path, or null to continue the network's own training.", nameof(ResumeFrom));
        if (MaxDegreeOfParallelism == 0 || MaxDegreeOfParallelism < -1)
            throw new ArgumentOutOfRangeException(nameof(MaxDegreeOfParallelism), MaxDegreeOfParallelism, "Use −1 for one thread per core, or a positive count.");
    }
}
