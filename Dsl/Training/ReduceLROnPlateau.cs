namespace NetDsl;

/// <summary>
/// Lowers the learning rate when the monitored quantity stops improving, as Keras 3's
/// <c>keras.callbacks.ReduceLROnPlateau</c>: an epoch improves when it beats the best so far by more than
/// <see cref="MinDelta"/> (the first watched epoch always does); after <see cref="Patience"/> epochs in a row
/// without improvement the rate becomes <c>max(rate · Factor, MinLearningRate)</c> — if it is still above
/// <see cref="MinLearningRate"/> — and the next <see cref="Cooldown"/> epochs neither count nor reduce.
/// Pass it in <see cref="TrainOptions.Callbacks"/>: <c>Callbacks = [new ReduceLROnPlateau { Factor = 0.2f, Patience = 5 }]</c>.
/// Keras defaults: <c>monitor="val_loss", factor=0.1, patience=10, min_delta=1e-4, cooldown=0, min_lr=0</c>.
/// </summary>
/// <remarks>
/// <para>
/// It sets <see cref="OptimizerState.LearningRate"/>, which the optimizer's state keeps: a later Fit that
/// continues the state (an equal optimizer) continues at the lowered rate, as a second Keras <c>fit</c>
/// does; <c>ResetTraining</c> or another optimizer starts from the optimizer's own rate. The watching (best
/// value, patience, cooldown) starts afresh with each Fit, as Keras resets it in <c>on_train_begin</c>.
/// Fit refuses it, before anything changes, when the optimizer's rate comes from a
/// <see cref="LearningRateSchedule"/> (Keras fails when it first tries to set it), or when it monitors a
/// metric the Fit does not measure (validation without validation data, accuracy of a regression network).
/// The direction (lower or higher is better) follows the metric, as Keras's <c>mode="auto"</c>.
/// <see cref="Factor"/> and <see cref="MinLearningRate"/> are read as the decimals written (0.1f as 0.1),
/// as Keras's Python floats are, and the new rate rounded once to float.
/// </para>
/// <para>
/// PyTorch differs: <c>torch.optim.lr_scheduler.ReduceLROnPlateau</c> (mode "min", factor 0.1, patience 10,
/// threshold 1e-4, cooldown 0, min_lr 0) compares relatively by default (an improvement must beat
/// best·(1 − threshold)), counts the epoch that reduces toward the cooldown differently, and ignores a
/// reduction smaller than eps = 1e-8; you call its <c>step(metric)</c> yourself.
/// </para>
/// <para>
/// A checkpoint (<see cref="ModelCheckpoint"/>) keeps its watching, and a Fit resumed from it
/// (<see cref="TrainOptions.ResumeFrom"/>) goes on with it.
/// </para>
/// </remarks>
public sealed class ReduceLROnPlateau : Callback, ICheckpointedCallback
{
    private float _best;
    private bool _haveBest;
    private int _wait, _cooldownCounter;

    /// <summary>What to watch, Keras's <c>monitor</c>; validation loss by default.</summary>
    public Metric Monitor { get; init; } = Metric.ValidationLoss;

    /// <summary>Keras's <c>factor</c>: the new rate is the old times this, in [0, 1); default 0.1.</summary>
    public float Factor { get; init; } = 0.1f;

    /// <summary>Keras's <c>patience</c>: epochs without improvement before the rate is lowered; default 10.</summary>
    public int Patience { get; init; } = 10;

    /// <summary>Keras's <c>min_delta</c>: the smallest change that counts as an improvement; default 1e-4.</summary>
    public float MinDelta { get; init; } = 1e-4f;

    /// <summary>Keras's <c>cooldown</c>: epochs after a reduction before watching resumes; default 0.</summary>
    public int Cooldown { get; init; }

    /// <summary>Keras's <c>min_lr</c>: the rate is never lowered below this; default 0.</summary>
    public float MinLearningRate { get; init; }

    /// <summary>Checks the settings and the Fit, and starts watching afresh.</summary>
    public override void OnTrainBegin(TrainingContext context)
    {
        if (!(Factor >= 0f && Factor < 1f))
            throw new ArgumentOutOfRangeException(nameof(Factor), Factor, $"ReduceLROnPlateau.Factor must be in [0, 1) (Keras refuses a factor ≥ 1), got {Factor}.");
        if (Patience < 0) throw new ArgumentOutOfRangeException(nameof(Patience), Patience, "ReduceLROnPlateau.Patience cannot be negative.");
        if (!(MinDelta >= 0f)) throw new ArgumentOutOfRangeException(nameof(MinDelta), MinDelta, "ReduceLROnPlateau.MinDelta must be a non-negative number.");
        if (Cooldown < 0) throw new ArgumentOutOfRangeException(nameof(Cooldown), Cooldown, "ReduceLROnPlateau.Cooldown cannot be negative.");
        if (!(MinLearningRate >= 0f) || float.IsPositiveInfinity(MinLearningRate))
            throw new ArgumentOutOfRangeException(nameof(MinLearningRate), MinLearningRate, "ReduceLROnPlateau.MinLearningRate must be a finite value ≥ 0.");
        if (!Enum.IsDefined(Monitor)) throw new ArgumentOutOfRangeException(nameof(Monitor), Monitor, "Not a defined Metric.");
        context.RequireMeasured(Monitor, "ReduceLROnPlateau");
        if (context.Optimizer.LearningRateSchedule is { } schedule)
            throw new ArgumentException(
                $"ReduceLROnPlateau sets the optimizer's learning rate, but this optimizer takes its rate from {schedule}; " +
                "use a constant LearningRate with ReduceLROnPlateau, or the schedule alone.", "options");
        _haveBest = false;
        _wait = 0;
        _cooldownCounter = 0;
    }

    /// <summary>Keras's <c>on_epoch_end</c>, step for step.</summary>
    public override void OnEpochEnd(TrainingContext context, EpochResult epoch)
    {
        float current = TrainingContext.Value(Monitor, epoch)!.Value;
        if (_cooldownCounter > 0)
        {
            _cooldownCounter--;
            _wait = 0;
        }
        if (IsImprovement(current))
        {
            _best = current;
            _haveBest = true;
            _wait = 0;
        }
        else if (_cooldownCounter == 0 && ++_wait >= Patience)
        {
            float rate = context.Optimizer.LearningRate;
            if (rate > MinLearningRate)
            {
                context.Optimizer.LearningRate = (float)Math.Max(rate * (double)(decimal)Factor, (double)(decimal)MinLearningRate);
                _cooldownCounter = Cooldown;
                _wait = 0;
            }
        }
    }

    void ICheckpointedCallback.WriteState(System.Text.Json.Utf8JsonWriter json)
    {
        CheckpointJson.WriteFloat(json, "best", _haveBest ? _best : null);
        json.WriteNumber("wait", _wait);
        json.WriteNumber("cooldown_counter", _cooldownCounter);
    }

    void ICheckpointedCallback.ReadState(System.Text.Json.JsonElement state)
    {
        float? best = CheckpointJson.ReadFloat(state, "best");
        (_haveBest, _best) = (best.HasValue, best ?? 0f);
        _wait = state.GetProperty("wait").GetInt32();
        _cooldownCounter = state.GetProperty("cooldown_counter").GetInt32();
    }

    private bool IsImprovement(float value) => !_haveBest || (Monitor is Metric.Accuracy or Metric.ValidationAccuracy
        ? value - MinDelta > _best
        : value + MinDelta < _best);
}
