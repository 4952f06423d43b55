namespace NetDsl;

/// <summary>
/// An update rule: the immutable settings of an optimizer (learning rate, decay rates…).
/// Change one with <c>with</c>: <c>new Adam() with { LearningRate = 3e-4f }</c>.
/// The per-parameter state (velocities, accumulators) lives in the <see cref="OptimizerState"/>
/// made by <see cref="CreateState"/>, sized once, so a step allocates nothing.
/// </summary>
/// <remarks>
/// The settings are checked when a state is created (a record can be changed with <c>with</c>,
/// which runs no constructor): a value out of range throws
/// <see cref="ArgumentOutOfRangeException"/> whose <see cref="ArgumentException.ParamName"/>
/// is the setting's name and whose <see cref="ArgumentOutOfRangeException.ActualValue"/> is the value.
/// </remarks>
public abstract record Optimizer
{
    /// <summary>η, Keras's <c>learning_rate</c> as a number: the rate of every step, unless <see cref="LearningRateSchedule"/> is set.</summary>
    public abstract float LearningRate { get; init; }

    /// <summary>
    /// A learning rate that changes with the step, as Keras's <c>learning_rate</c> given a
    /// <c>LearningRateSchedule</c>: <c>new Adam { LearningRateSchedule = new ExponentialDecay(0.01f, DecaySteps: 1000, DecayRate: 0.96f) }</c>.
    /// When set, <see cref="LearningRate"/> is not used. Null (the default): the constant <see cref="LearningRate"/>.
    /// </summary>
    public LearningRateSchedule? LearningRateSchedule { get; init; }

    /// <summary>
    /// Keras's <c>clipnorm</c>: clip each variable's gradient to this L2 norm, <c>g ← g · c / max(‖g‖, c)</c>.
    /// A variable is one layer's weights, or its bias, as in Keras, when the network lists its layers
    /// (<see cref="INetworkModel.Layers"/>); otherwise, and in <see cref="OptimizerState.Step"/>, the whole
    /// parameter buffer is one variable, which makes this <see cref="GlobalClipNorm"/>. Null (the default): no clipping.
    /// </summary>
    /// <remarks>PyTorch has no per-parameter norm clipping built in: call <c>clip_grad_norm_</c> on each parameter.</remarks>
    public float? ClipNorm { get; init; }

    /// <summary>
    /// Keras's <c>global_clipnorm</c>: scale the whole gradient so its L2 norm over every parameter is at most
    /// this, <c>g ← g · c · min(1/‖g‖, 1/c)</c>. Norms are summed in double. Null (the default): no clipping.
    /// </summary>
    /// <remarks>
    /// PyTorch's <c>torch.nn.utils.clip_grad_norm_(parameters, max_norm)</c> scales by
    /// <c>min(1, max_norm / (‖g‖ + 1e-6))</c>: the same but for the 1e-6, and called by you before <c>step()</c>.
    /// </remarks>
    public float? GlobalClipNorm { get; init; }

    /// <summary>
    /// Keras's <c>clipvalue</c>: clip each gradient value to [−v, v]. Null (the default): no clipping.
    /// At most one of <see cref="ClipNorm"/>, <see cref="GlobalClipNorm"/> and <see cref="ClipValue"/> may be set.
    /// </summary>
    /// <remarks>PyTorch: <c>torch.nn.utils.clip_grad_value_(parameters, clip_value)</c>, called by you.</remarks>
    public float? ClipValue { get; init; }

    /// <summary>
    /// Keras's <c>weight_decay</c>, decoupled from the gradient: before each update, after clipping,
    /// <c>w ← w − w·wd·lr</c> on every parameter (biases too, as Keras does by default), with the step's
    /// learning rate. <c>new Adam { WeightDecay = 0.004f }</c> is Keras's <c>Adam(weight_decay=0.004)</c>;
    /// see <see cref="AdamW"/>. Null (the default, except for AdamW): no decay.
    /// </summary>
    /// <remarks>
    /// PyTorch differs: <c>weight_decay</c> of <c>torch.optim.SGD</c>, <c>Adam</c>, <c>RMSprop</c>… is an L2
    /// penalty added to the gradient (<c>g + wd·w</c>, then through the moments); only <c>AdamW</c> decouples it,
    /// as <c>w ← w·(1 − lr·wd)</c> (default 0.01).
    /// </remarks>
    public virtual float? WeightDecay { get; init; }

    /// <summary>Creates the state for <paramref name="parameterCount"/> parameters.</summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// A setting is out of range, or <paramref name="parameterCount"/> is negative.
    /// </exception>
    public abstract OptimizerState CreateState(int parameterCount);

    /// <summary>Throws unless <paramref name="value"/> is finite and ≥ 0.</summary>
    private protected void RequireNonNegative(float value, string setting)
    {
        if (!(value >= 0f) || float.IsPositiveInfinity(value))
            throw OutOfRange(setting, value, "a finite value ≥ 0");
    }

    /// <summary>Throws unless 0 ≤ <paramref name="value"/> &lt; 1 (or ≤ 1 when <paramref name="allowOne"/>).</summary>
    private protected void RequireFraction(float value, string setting, bool allowOne = false)
    {
        bool ok = value >= 0f && (allowOne ? value <= 1f : value < 1f);
        if (!ok)
            throw OutOfRange(setting, value, allowOne ? "in [0, 1]" : "in [0, 1)");
    }

    private ArgumentOutOfRangeException OutOfRange(string setting, float value, string expected) =>
        new(setting, value, $"{GetType().Name}.{setting} must be {expected}, got {value}.");

    /// <summary>Checks the settings every optimizer has (the state's constructor calls it).</summary>
    internal void CheckCommonSettings()
    {
        LearningRateSchedule?.CheckSettings();
        RequirePositive(ClipNorm, nameof(ClipNorm));
        RequirePositive(GlobalClipNorm, nameof(GlobalClipNorm));
        RequirePositive(ClipValue, nameof(ClipValue));
        if ((ClipNorm is null ? 0 : 1) + (GlobalClipNorm is null ? 0 : 1) + (ClipValue is null ? 0 : 1) > 1)
            throw new ArgumentException(
                $"Only one of ClipNorm, GlobalClipNorm and ClipValue can be set (as in Keras); {GetType().Name} has " +
                $"ClipNorm = {Show(ClipNorm)}, GlobalClipNorm = {Show(GlobalClipNorm)}, ClipValue = {Show(ClipValue)}.");
        if (WeightDecay is float decay) RequireNonNegative(decay, nameof(WeightDecay));
    }

    private void RequirePositive(float? value, string setting)
    {
        if (value is float v && (!(v > 0f) || float.IsPositiveInfinity(v)))
            throw OutOfRange(setting, v, "a finite value > 0 (or null for none)");
    }

    private static string Show(float? value) => value is float v ? v.ToString(System.Globalization.CultureInfo.InvariantCulture) : "null";

    /// <summary>How this optimizer clips gradients, and at what.</summary>
    internal (GradientTransforms.Clipping Kind, float Threshold) Clipping =>
        ClipNorm is float norm ? (GradientTransforms.Clipping.Norm, norm)
        : GlobalClipNorm is float global ? (GradientTransforms.Clipping.GlobalNorm, global)
        : ClipValue is float value ? (GradientTransforms.Clipping.Value, value)
        : (GradientTransforms.Clipping.None, 0f);
}

/// <summary>The running state of one optimizer over one parameter buffer.</summary>
/// <remarks>
/// A step is deterministic: the same settings, parameters and gradients give the same bits.
/// Each element goes through the same IEEE operations (no fused multiply-add, no estimates)
/// whether it lands in a 512-, 256- or 128-bit lane or in the scalar tail.
/// </remarks>
public abstract class OptimizerState
{
    private float _learningRate;
    private readonly List<float[]> _buffers = [];
    private readonly GradientTransforms.Clipping _clipping;
    private readonly float _clipThreshold;
    private readonly float? _weightDecay;
    private readonly float[] _clipped; // the clipped gradient, when clipping
    private float _globalScale;        // this step's GlobalClipNorm factor

    /// <summary>Number of parameters this state was sized for.</summary>
    public int ParameterCount { get; }

    /// <summary>Steps taken so far.</summary>
    public long Iterations { get; private set; }

    /// <summary>The schedule that gives each step its learning rate, or null for a constant one.</summary>
    public LearningRateSchedule? LearningRateSchedule { get; }

    /// <summary>
    /// The learning rate the next step uses (Keras's <c>optimizer.learning_rate</c>): the schedule at
    /// <see cref="Iterations"/>, or the constant rate, which starts as the optimizer's
    /// <see cref="Optimizer.LearningRate"/> and can be set, as <see cref="ReduceLROnPlateau"/> does.
    /// The state keeps it: a later Fit that continues this state continues at the rate it was set to.
    /// </summary>
    /// <exception cref="InvalidOperationException">Set while a schedule gives the rate (Keras raises too).</exception>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not finite and ≥ 0.</exception>
    public float LearningRate
    {
        get => LearningRateSchedule is { } schedule ? schedule.LearningRateAt(Iterations) : _learningRate;
        set
        {
            if (LearningRateSchedule is not null)
                throw new InvalidOperationException(
                    "This optimizer's learning rate comes from its LearningRateSchedule, so it cannot be set; " +
                    "give the optimizer a constant LearningRate (and no schedule) to set it while training.");
            if (!(value >= 0f) || float.IsPositiveInfinity(value))
                throw new ArgumentOutOfRangeException(nameof(LearningRate), value, $"The learning rate must be a finite value ≥ 0, got {value}.");
            _learningRate = value;
        }
    }

    /// <summary>
    /// The learning rate of the step being applied, for <see cref="Update"/>: computed once a step, before
    /// the step is counted (a schedule gets the steps taken before this one, from 0, as in Keras).
    /// </summary>
    protected float StepLearningRate { get; private set; }

    /// <summary>A state for <paramref name="settings"/> (whose common settings it checks) over <paramref name="parameterCount"/> parameters.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range, or <paramref name="parameterCount"/> is negative.</exception>
    protected OptimizerState(Optimizer settings, int parameterCount)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfNegative(parameterCount);
        settings.CheckCommonSettings();
        ParameterCount = parameterCount;
        LearningRateSchedule = settings.LearningRateSchedule;
        _learningRate = settings.LearningRate;
        (_clipping, _clipThreshold) = settings.Clipping;
        _weightDecay = settings.WeightDecay;
        _clipped = _clipping == GradientTransforms.Clipping.None ? [] : new float[parameterCount];
    }

    /// <summary>
    /// Applies one update: <paramref name="parameters"/> moves against <paramref name="gradient"/>, clipped and
    /// with weight decay as the optimizer's settings say (the whole buffer is one variable for
    /// <see cref="Optimizer.ClipNorm"/>). The gradient itself is not changed.
    /// </summary>
    /// <exception cref="ArgumentException">Either span's length is not <see cref="ParameterCount"/>.</exception>
    /// <exception cref="InvalidOperationException">The schedule gave a learning rate that is not finite and ≥ 0.</exception>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradient)
    {
        if (parameters.Length != ParameterCount || gradient.Length != ParameterCount)
            throw new ArgumentException(
                $"Expected {ParameterCount} parameters and gradients, got {parameters.Length} parameters and {gradient.Length} gradients.");
        // Σ g² chunk by chunk, as the trainer sums it, so both give the same bits.
        double squares = 0;
        if (NeedsNorms)
            for (int start = 0; start < ParameterCount; start += ChunkSize)
                squares += GradientTransforms.SquaredNorm(gradient.Slice(start, Math.Min(ChunkSize, ParameterCount - start)));
        BeginStep(squares);
        UpdateRange(parameters, gradient, 0, ClipNormDivisor(squares));
    }

    /// <summary>The parameters a trainer updates as one piece of work; norms are summed in these pieces too.</summary>
    internal const int ChunkSize = 16384;

    /// <summary>Whether a step needs Σ g² (per variable for ClipNorm, over all for GlobalClipNorm) before <see cref="BeginStep"/>.</summary>
    internal bool NeedsNorms => _clipping is GradientTransforms.Clipping.Norm or GradientTransforms.Clipping.GlobalNorm;

    /// <summary>Whether each variable clips by its own norm (ClipNorm), so needs its own divisor.</summary>
    internal bool ClipsEachVariable => _clipping == GradientTransforms.Clipping.Norm;

    /// <summary>For ClipNorm, <c>max(‖g‖, c)</c> of a variable whose Σ g² is <paramref name="squaredNorm"/>; 1 otherwise.</summary>
    internal float ClipNormDivisor(double squaredNorm) =>
        ClipsEachVariable ? GradientTransforms.NormDivisor(squaredNorm, _clipThreshold) : 1f;

    /// <summary>
    /// Starts a step whose update <see cref="UpdateRange"/> then applies range by range, possibly in parallel:
    /// its learning rate, once (a schedule gets the steps taken so far); GlobalClipNorm's factor from Σ g² over
    /// every variable; then the count.
    /// </summary>
    internal void BeginStep(double squaredGlobalNorm = 0)
    {
        float rate = LearningRate;
        if (!(rate >= 0f) || float.IsPositiveInfinity(rate))
            throw new InvalidOperationException($"The learning-rate schedule {LearningRateSchedule} gave {rate} at step {Iterations}; a learning rate must be finite and ≥ 0.");
        StepLearningRate = rate;
        if (_clipping == GradientTransforms.Clipping.GlobalNorm)
            _globalScale = GradientTransforms.GlobalScale(squaredGlobalNorm, _clipThreshold);
        Iterations++;
    }

    /// <summary>Uncounts the step just begun: the trainer undid its update.</summary>
    internal void CancelStep() => Iterations--;

    /// <summary>The constant learning rate as last set (a checkpoint keeps it), whether or not a schedule overrides it.</summary>
    internal float ConstantLearningRate => _learningRate;

    /// <summary>
    /// Puts back what a checkpoint kept of a state made for the same optimizer: the steps taken, the constant rate
    /// and the contents of each buffer, in <see cref="Buffers"/> order.
    /// </summary>
    internal void Restore(long iterations, float constantLearningRate, IReadOnlyList<float[]> buffers)
    {
        if (buffers.Count != _buffers.Count)
            throw new ArgumentException($"This optimizer state has {_buffers.Count} buffers; got {buffers.Count}.", nameof(buffers));
        for (int i = 0; i < buffers.Count; i++) buffers[i].CopyTo(_buffers[i], 0);
        Iterations = iterations;
        _learningRate = constantLearningRate;
    }

    /// <summary>
    /// A buffer of one float per parameter (velocities, moments, accumulators…), zeros. Make the state's
    /// buffers with it: a trainer that undoes a step whose update overflowed restores them, and checks them.
    /// </summary>
    protected float[] CreateBuffer()
    {
        var buffer = new float[ParameterCount];
        _buffers.Add(buffer);
        return buffer;
    }

    /// <summary>The buffers made by <see cref="CreateBuffer"/>, in order.</summary>
    internal IReadOnlyList<float[]> Buffers => _buffers;

    /// <summary>
    /// The current step over parameters [offset, offset + length), as Keras's <c>BaseOptimizer.apply</c> orders
    /// it: clip the gradient (into the state's own buffer: the caller's is not changed), decay the weights,
    /// then the rule's update. Every part is elementwise, so ranges can run on any worker; for ClipNorm a
    /// range lies within one variable, whose <paramref name="clipNormDivisor"/> it takes.
    /// </summary>
    internal void UpdateRange(Span<float> parameters, ReadOnlySpan<float> gradient, int offset, float clipNormDivisor)
    {
        ReadOnlySpan<float> g = gradient;
        if (_clipping != GradientTransforms.Clipping.None)
        {
            Span<float> clipped = _clipped.AsSpan(offset, gradient.Length);
            switch (_clipping)
            {
                case GradientTransforms.Clipping.Norm:
                    GradientTransforms.ClipByNorm(gradient, _clipThreshold, clipNormDivisor, clipped);
                    break;
                case GradientTransforms.Clipping.GlobalNorm:
                    System.Numerics.Tensors.TensorPrimitives.Multiply(gradient, _globalScale, clipped);
                    break;
                default:
                    System.Numerics.Tensors.TensorPrimitives.Clamp(gradient, -_clipThreshold, _clipThreshold, clipped);
                    break;
            }
            g = clipped;
        }
        if (_weightDecay is float decay) GradientTransforms.DecayWeights(parameters, decay, StepLearningRate);
        Update(parameters, g, offset, Iterations);
    }

    /// <summary>The state for parameters [offset, offset + length); empty when this rule does not keep it.</summary>
    private protected static Span<float> Slice(float[] state, int offset, int length) =>
        state.Length == 0 ? default : state.AsSpan(offset, length);

    /// <summary>
    /// The update rule itself, over the parameters [<paramref name="offset"/>, offset + length) of the
    /// whole buffer (the spans hold just those; per-parameter state is indexed from offset).
    /// <paramref name="iteration"/> counts from 1.
    /// </summary>
    protected abstract void Update(Span<float> parameters, ReadOnlySpan<float> gradient, int offset, long iteration);
}
