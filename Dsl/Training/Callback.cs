namespace NetDsl;

/// <summary>
/// Code that Fit runs at fixed points of training, as Keras's <c>keras.callbacks.Callback</c>: derive
/// from it, override the hooks you need and pass it in <see cref="TrainOptions.Callbacks"/>. Each hook
/// gets the Fit's <see cref="TrainingContext"/>: the options, the history so far, read access to the
/// parameters, the optimizer's state (its learning rate can be set), and <see cref="TrainingContext.StopTraining"/>.
/// </summary>
/// <remarks>
/// <para>
/// Fit calls, in this order: <see cref="OnTrainBegin"/>; for each epoch <see cref="OnEpochBegin"/>,
/// <see cref="OnBatchEnd"/> after every batch, <see cref="OnEpochEnd"/> once the validation data is measured;
/// then <see cref="OnTrainEnd"/>. An exception from a hook ends the Fit and propagates (no
/// <see cref="OnTrainEnd"/>, as in Keras); one thrown by <see cref="OnTrainBegin"/> comes before anything changed.
/// </para>
/// <para>
/// The callbacks of one Fit run, at each hook, in a fixed order: the history (so every later callback
/// finds the epoch in <see cref="TrainingContext.History"/>), then the early stopping of
/// <see cref="TrainOptions.EarlyStopping"/> (so its best weights are back before the callbacks after it
/// see the end of training), then <see cref="TrainOptions.Callbacks"/> in list order, then the progress of
/// <see cref="TrainOptions.Progress"/>, last, as Keras's progress bar is. (Keras appends its History after
/// the user's callbacks; here it comes first.)
/// </para>
/// <para>
/// A callback keeps the state of one training: Keras resets it in <c>on_train_begin</c>, and so should
/// yours. One instance serves one Fit at a time: a Fit given a callback that another running Fit holds
/// throws <see cref="InvalidOperationException"/> (create one per Fit to train networks in parallel).
/// </para>
/// <para>
/// <see cref="OnBatchEnd"/> runs after every step, so keep it cheap: it receives a
/// <see cref="BatchResult"/> by reference and Fit allocates nothing per batch for it. Throttle anything slow
/// (drawing, logging) yourself, as the progress bar does.
/// </para>
/// </remarks>
public abstract class Callback
{
    private int _running;

    /// <summary>Before the first epoch; reset the callback's state here. Throwing refuses the Fit before anything changed.</summary>
    public virtual void OnTrainBegin(TrainingContext context)
    {
    }

    /// <summary>Before epoch <paramref name="epoch"/> (from 1, numbered across the network's Fits) shuffles and trains.</summary>
    public virtual void OnEpochBegin(TrainingContext context, int epoch)
    {
    }

    /// <summary>After each optimizer step. Setting <see cref="TrainingContext.StopTraining"/> here ends the epoch early, then training.</summary>
    public virtual void OnBatchEnd(TrainingContext context, in BatchResult batch)
    {
    }

    /// <summary>
    /// After each epoch, with its results: training loss and accuracy, validation loss and accuracy. Setting
    /// <see cref="TrainingContext.StopTraining"/> here ends training after this epoch (as Keras's
    /// <c>model.stop_training</c>).
    /// </summary>
    public virtual void OnEpochEnd(TrainingContext context, EpochResult epoch)
    {
    }

    /// <summary>After the last epoch run, when training ends normally or was stopped.</summary>
    public virtual void OnTrainEnd(TrainingContext context)
    {
    }

    /// <summary>Marks this callback as held by a Fit; false if another holds it.</summary>
    internal bool TryEnter() => Interlocked.CompareExchange(ref _running, 1, 0) == 0;

    internal void Exit() => Volatile.Write(ref _running, 0);
}

/// <summary>
/// One batch just trained, passed to <see cref="Callback.OnBatchEnd"/> by reference. As in Keras's
/// batch logs, <see cref="Loss"/> and <see cref="Accuracy"/> are the epoch's running values.
/// </summary>
/// <param name="Epoch">The epoch, from 1, numbered across the network's Fits.</param>
/// <param name="Batch">The batch just trained, from 1.</param>
/// <param name="Batches">Batches in an epoch.</param>
/// <param name="Rows">Rows in this batch.</param>
/// <param name="BatchLoss">This batch's mean loss, before the update.</param>
/// <param name="Loss">The mean loss over the epoch's rows so far.</param>
/// <param name="Accuracy">The accuracy over the epoch's rows so far; null for regression.</param>
public readonly record struct BatchResult(int Epoch, int Batch, int Batches, int Rows, float BatchLoss, float Loss, float? Accuracy);

/// <summary>
/// What callbacks see of a running Fit (Keras gives its callbacks <c>self.model</c> and <c>self.params</c>):
/// the options, the epochs, the history so far, the parameters (read only), the optimizer's state, and
/// <see cref="StopTraining"/>. One per Fit, shared by its callbacks.
/// </summary>
public sealed class TrainingContext
{
    internal TrainingContext(INetworkModel network, OptimizerState optimizer, TrainOptions options, TrainingHistory history,
        int firstEpoch, int lastEpoch, int batches, int trainingRows, int validationRows)
    {
        Network = network;
        Optimizer = optimizer;
        Options = options;
        History = history;
        FirstEpoch = firstEpoch;
        LastEpoch = lastEpoch;
        Batches = batches;
        TrainingRows = trainingRows;
        ValidationRows = validationRows;
    }

    /// <summary>The network being trained, for the runtime's own callbacks (early stopping restores weights).</summary>
    internal INetworkModel Network { get; }

    /// <summary>
    /// The first epoch of the training run this Fit carries out: <see cref="FirstEpoch"/>, unless the Fit resumed
    /// an interrupted one from a checkpoint, whose first epoch it keeps (its epochs run to that + Epochs − 1).
    /// </summary>
    internal int RunFirstEpoch { get; init; }

    /// <summary>Files to write once every callback has seen the epoch's end: checkpoints, or weights only.</summary>
    internal List<(string Path, bool WeightsOnly)> PendingSaves { get; } = [];

    /// <summary>The network's parameters, layer after layer, as they are now (read only).</summary>
    public ReadOnlySpan<float> Parameters => Network.Parameters;

    /// <summary>
    /// The optimizer's running state: <see cref="OptimizerState.Iterations"/>, and the
    /// <see cref="OptimizerState.LearningRate"/> the next step uses, which a callback may set (as
    /// <see cref="ReduceLROnPlateau"/> does, and Keras's callbacks set <c>optimizer.learning_rate</c>).
    /// </summary>
    public OptimizerState Optimizer { get; }

    /// <summary>The options this Fit was given.</summary>
    public TrainOptions Options { get; }

    /// <summary>The epochs run so far in this Fit (the history Fit returns).</summary>
    public TrainingHistory History { get; }

    /// <summary>The number of this Fit's first epoch: the network's epochs so far + 1.</summary>
    public int FirstEpoch { get; }

    /// <summary>The number of the last epoch this Fit runs unless stopped.</summary>
    public int LastEpoch { get; }

    /// <summary>Batches in an epoch.</summary>
    public int Batches { get; }

    /// <summary>Rows trained on in an epoch.</summary>
    public int TrainingRows { get; }

    /// <summary>Rows of validation data measured after each epoch; 0 without validation.</summary>
    public int ValidationRows { get; }

    /// <summary>Whether the loss has an accuracy (the cross-entropies do; mean squared error does not).</summary>
    public bool HasAccuracy => Accuracy.Has(Network.Loss);

    /// <summary>
    /// Set to end training, as Keras's <c>model.stop_training</c>: from <see cref="Callback.OnEpochEnd"/>, after
    /// that epoch; from <see cref="Callback.OnBatchEnd"/>, after that batch (the epoch ends there, is
    /// validated and reported, and counts as run). Every callback still sees the hook that set it.
    /// </summary>
    public bool StopTraining { get; set; }

    /// <summary>Whether Fit measures <paramref name="metric"/> each epoch here.</summary>
    public bool Measures(Metric metric) => metric switch
    {
        Metric.Loss => true,
        Metric.Accuracy => HasAccuracy,
        Metric.ValidationLoss => ValidationRows > 0,
        _ => HasAccuracy && ValidationRows > 0,
    };

    /// <summary>Throws the <see cref="ArgumentException"/> that refuses a Fit whose <paramref name="who"/> watches a metric it cannot measure.</summary>
    internal void RequireMeasured(Metric metric, string who)
    {
        if (Measures(metric)) return;
        bool validation = metric is Metric.ValidationLoss or Metric.ValidationAccuracy;
        if (validation && ValidationRows == 0)
            throw new ArgumentException($"{who} monitors {metric}, which needs validation data: set Validation or ValidationSplit.", "options");
        throw new ArgumentException(
            $"{who} monitors {metric}, but {Network.GetType().Name} is trained with mean squared error, which has no accuracy: " +
            $"monitor {(validation ? Metric.ValidationLoss : Metric.Loss)} instead.", "options");
    }

    /// <summary>The value of <paramref name="metric"/> in <paramref name="epoch"/>, if measured.</summary>
    internal static float? Value(Metric metric, EpochResult epoch) => metric switch
    {
        Metric.Loss => epoch.Loss,
        Metric.Accuracy => epoch.Accuracy,
        Metric.ValidationLoss => epoch.ValidationLoss,
        _ => epoch.ValidationAccuracy,
    };
}
