namespace NetDsl;

/// <summary>
/// A learning rate that changes with the step, as Keras's <c>keras.optimizers.schedules.LearningRateSchedule</c>:
/// it maps the optimizer's iteration count — the steps taken before this one, from 0, counted across the
/// network's Fits — to the step's learning rate. Give it to an optimizer as
/// <see cref="Optimizer.LearningRateSchedule"/>; derive from it for your own (a record, like the built-in ones).
/// </summary>
/// <remarks>
/// The optimizer evaluates it once a step, before the update. The built-in schedules compute in double and
/// round once to float (Keras computes in float32, so its values can differ in the last bit).
/// PyTorch differs: its schedulers (<c>torch.optim.lr_scheduler</c>) are objects you <c>step()</c> yourself,
/// usually once an epoch, that overwrite the optimizer's rate; here, as in Keras, a schedule is a pure
/// function of the step.
/// </remarks>
public abstract record LearningRateSchedule
{
    /// <summary>The learning rate of the step taken after <paramref name="step"/> steps (from 0).</summary>
    public abstract float LearningRateAt(long step);

    /// <summary>
    /// Throws <see cref="ArgumentOutOfRangeException"/> (or <see cref="ArgumentException"/>) for settings out of
    /// range; called when an optimizer's state is created, since <c>with</c> runs no constructor.
    /// </summary>
    protected virtual void Validate()
    {
    }

    internal void CheckSettings() => Validate();

    /// <summary>Throws unless <paramref name="value"/> is finite and ≥ 0.</summary>
    private protected void RequireNonNegative(float value, string setting)
    {
        if (!(value >= 0f) || float.IsPositiveInfinity(value))
            throw new ArgumentOutOfRangeException(setting, value, $"{GetType().Name}.{setting} must be a finite value ≥ 0, got {value}.");
    }

    /// <summary>Throws unless <paramref name="value"/> is at least <paramref name="least"/>.</summary>
    private protected void RequireAtLeast(long value, long least, string setting)
    {
        if (value < least)
            throw new ArgumentOutOfRangeException(setting, value, $"{GetType().Name}.{setting} must be at least {least}, got {value}.");
    }
}

/// <summary>
/// Keras's <c>ExponentialDecay</c>: <c>η(step) = η₀ · rate^(step / decaySteps)</c>, the exponent floored
/// with <see cref="Staircase"/> (so the rate drops once every <see cref="DecaySteps"/> steps).
/// Keras: <c>ExponentialDecay(initial_learning_rate, decay_steps, decay_rate, staircase=False)</c>.
/// Valid settings: η₀ and the rate finite and ≥ 0, decay steps ≥ 1.
/// </summary>
/// <remarks>
/// PyTorch differs: <c>ExponentialLR(gamma)</c> multiplies the rate by γ each time you call <c>step()</c>
/// (usually each epoch): γ = rate, decay steps = 1 and staircase, counted in your calls.
/// </remarks>
/// <param name="InitialLearningRate">η₀, Keras's <c>initial_learning_rate</c>.</param>
/// <param name="DecaySteps">Keras's <c>decay_steps</c>, ≥ 1.</param>
/// <param name="DecayRate">Keras's <c>decay_rate</c>.</param>
/// <param name="Staircase">Keras's <c>staircase</c>: decay at whole multiples of <see cref="DecaySteps"/> only; default false.</param>
public sealed record ExponentialDecay(float InitialLearningRate, long DecaySteps, float DecayRate, bool Staircase = false) : LearningRateSchedule
{
    public override float LearningRateAt(long step)
    {
        double p = (double)step / DecaySteps;
        if (Staircase) p = Math.Floor(p);
        return (float)(InitialLearningRate * Math.Pow(DecayRate, p));
    }

    protected override void Validate()
    {
        RequireNonNegative(InitialLearningRate, nameof(InitialLearningRate));
        RequireAtLeast(DecaySteps, 1, nameof(DecaySteps));
        RequireNonNegative(DecayRate, nameof(DecayRate));
    }
}

/// <summary>
/// Keras's <c>PiecewiseConstantDecay</c>, a step schedule: <c>Values[0]</c> while step ≤ <c>Boundaries[0]</c>,
/// <c>Values[i]</c> while <c>Boundaries[i − 1]</c> &lt; step ≤ <c>Boundaries[i]</c>, and the last value after the
/// last boundary: <c>new PiecewiseConstantDecay([100_000, 110_000], [1f, 0.5f, 0.1f])</c> is 1 for the first
/// 100 001 steps, 0.5 for the next 10 000, then 0.1. Keras: <c>PiecewiseConstantDecay(boundaries, values)</c>.
/// </summary>
/// <remarks>
/// PyTorch differs: <c>MultiStepLR(milestones, gamma)</c> multiplies the rate by γ once your <c>step()</c> count
/// reaches each milestone (the new rate from the milestone itself, where Keras changes after the boundary).
/// </remarks>
public sealed record PiecewiseConstantDecay : LearningRateSchedule
{
    private readonly long[] _boundaries;
    private readonly float[] _values;

    /// <summary>Takes a copy of the boundaries (strictly increasing steps) and of the values (finite, ≥ 0, one more than the boundaries).</summary>
    /// <exception cref="ArgumentException">The counts do not match, the boundaries do not increase, or a value is out of range.</exception>
    public PiecewiseConstantDecay(IEnumerable<long> boundaries, IEnumerable<float> values)
    {
        ArgumentNullException.ThrowIfNull(boundaries);
        ArgumentNullException.ThrowIfNull(values);
        _boundaries = [.. boundaries];
        _values = [.. values];
        Validate();
    }

    /// <summary>The steps after which the rate changes, strictly increasing.</summary>
    public IReadOnlyList<long> Boundaries => Array.AsReadOnly(_boundaries);

    /// <summary>The rate up to the first boundary, between each two, and after the last.</summary>
    public IReadOnlyList<float> Values => Array.AsReadOnly(_values);

    public override float LearningRateAt(long step)
    {
        int i = 0;
        while (i < _boundaries.Length && step > _boundaries[i]) i++;
        return _values[i];
    }

    protected override void Validate()
    {
        if (_boundaries.Length == 0 || _values.Length != _boundaries.Length + 1)
            throw new ArgumentException(
                $"PiecewiseConstantDecay needs at least one boundary and one value more than boundaries; got {_boundaries.Length} boundaries and {_values.Length} values.", "values");
        for (int i = 1; i < _boundaries.Length; i++)
            if (_boundaries[i] <= _boundaries[i - 1])
                throw new ArgumentException($"PiecewiseConstantDecay's boundaries must increase strictly; boundary {i} is {_boundaries[i]} after {_boundaries[i - 1]}.", "boundaries");
        for (int i = 0; i < _values.Length; i++)
            if (!(_values[i] >= 0f) || float.IsPositiveInfinity(_values[i]))
                throw new ArgumentOutOfRangeException("values", _values[i], $"PiecewiseConstantDecay's values must be finite and ≥ 0; value {i} is {_values[i]}.");
    }

    /// <summary>Equal when the boundaries and values are.</summary>
    public bool Equals(PiecewiseConstantDecay? other) =>
        other is not null && _boundaries.AsSpan().SequenceEqual(other._boundaries) && _values.AsSpan().SequenceEqual(other._values);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (long boundary in _boundaries) hash.Add(boundary);
        foreach (float value in _values) hash.Add(value);
        return hash.ToHashCode();
    }

    protected override bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("Boundaries = [").AppendJoin(", ", _boundaries).Append("], Values = [").AppendJoin(", ", _values).Append(']');
        return true;
    }
}

/// <summary>
/// Keras 3's <c>CosineDecay</c> (Loshchilov and Hutter, 2017, without restarts), with its optional linear warmup.
/// Without warmup: with s = min(step, decaySteps),
/// <c>η(step) = η₀ · ((1 − α) · ½(1 + cos(π·s / decaySteps)) + α)</c>, so η falls from η₀ to α·η₀ and stays.
/// With <see cref="WarmupTarget"/> η_w and <see cref="WarmupSteps"/> w: η rises linearly from η₀ to η_w over the
/// first w steps, <c>η₀ + (η_w − η₀)·step / w</c>, then decays as above from η_w, with s = min(step − w, decaySteps).
/// Keras: <c>CosineDecay(initial_learning_rate, decay_steps, alpha=0.0, warmup_target=None, warmup_steps=0)</c>.
/// Valid settings: η₀ and η_w finite and ≥ 0, decay steps ≥ 1, α in [0, 1], warmup steps ≥ 0.
/// </summary>
/// <remarks>
/// PyTorch differs: <c>CosineAnnealingLR(T_max, eta_min)</c> is the same curve (η_min = α·η₀) but counted in your
/// <c>step()</c> calls and not held at the end: past T_max it rises again. Warmup there is a separate scheduler
/// (<c>LinearLR</c>, chained with <c>SequentialLR</c>).
/// </remarks>
/// <param name="InitialLearningRate">η₀, Keras's <c>initial_learning_rate</c>: the start (and, with warmup, the rate warmup starts from).</param>
/// <param name="DecaySteps">Keras's <c>decay_steps</c>: steps from the start of the decay to its end, ≥ 1.</param>
/// <param name="Alpha">α, Keras's <c>alpha</c>: the final rate as a fraction of the rate decayed from; default 0.</param>
/// <param name="WarmupTarget">η_w, Keras's <c>warmup_target</c>: the rate warmup reaches and decay starts from; default null, no warmup.</param>
/// <param name="WarmupSteps">w, Keras's <c>warmup_steps</c>; default 0.</param>
public sealed record CosineDecay(float InitialLearningRate, long DecaySteps, float Alpha = 0f, float? WarmupTarget = null, long WarmupSteps = 0)
    : LearningRateSchedule
{
    public override float LearningRateAt(long step)
    {
        double decaySteps = DecaySteps, s = step;
        if (WarmupTarget is not float target)
            return (float)Decay(Math.Min(s, decaySteps), InitialLearningRate);
        double warmup = WarmupSteps;
        s = Math.Min(s, decaySteps + warmup);
        return s < warmup
            ? (float)(((double)target - InitialLearningRate) * (s / warmup) + InitialLearningRate)
            : (float)Decay(s - warmup, target);
    }

    // η · ((1 − α) · ½(1 + cos(π·s / decaySteps)) + α)
    private double Decay(double s, double from)
    {
        double cosine = 0.5 * (1.0 + Math.Cos(Math.PI * (s / DecaySteps)));
        return from * ((1.0 - Alpha) * cosine + Alpha);
    }

    protected override void Validate()
    {
        RequireNonNegative(InitialLearningRate, nameof(InitialLearningRate));
        RequireAtLeast(DecaySteps, 1, nameof(DecaySteps));
        if (!(Alpha >= 0f && Alpha <= 1f))
            throw new ArgumentOutOfRangeException(nameof(Alpha), Alpha, $"CosineDecay.Alpha must be in [0, 1], got {Alpha}.");
        if (WarmupTarget is float target) RequireNonNegative(target, nameof(WarmupTarget));
        RequireAtLeast(WarmupSteps, 0, nameof(WarmupSteps));
    }
}
