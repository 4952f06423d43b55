using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
    internal void CheckCommonSettings() => LearningRateSchedule?.CheckSettings();
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
    }

    /// <summary>Applies one update: <paramref name="parameters"/> moves against <paramref name="gradient"/>.</summary>
    /// <exception cref="ArgumentException">Either span's length is not <see cref="ParameterCount"/>.</exception>
    /// <exception cref="InvalidOperationException">The schedule gave a learning rate that is not finite and ≥ 0.</exception>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradient)
    {
        if (parameters.Length != ParameterCount || gradient.Length != ParameterCount)
            throw new ArgumentException(
                $"Expected {ParameterCount} parameters and gradients, got {parameters.Length} parameters and {gradient.Length} gradients.");
        BeginStep();
        Update(parameters, gradient, 0, Iterations);
    }

    /// <summary>
    /// Starts a step whose update <see cref="UpdateChunk"/> then applies chunk by chunk, possibly in parallel:
    /// its learning rate, once; then the count.
    /// </summary>
    internal void BeginStep()
    {
        float rate = LearningRate;
        if (!(rate >= 0f) || float.IsPositiveInfinity(rate))
            throw new InvalidOperationException($"The learning-rate schedule {LearningRateSchedule} gave {rate} at step {Iterations}; a learning rate must be finite and ≥ 0.");
        StepLearningRate = rate;
        Iterations++;
    }

    /// <summary>Uncounts the step just begun: the trainer undid its update.</summary>
    internal void CancelStep() => Iterations--;

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

    /// <summary>The current step's update over parameters [offset, offset + length): every rule is elementwise.</summary>
    internal void UpdateChunk(Span<float> parameters, ReadOnlySpan<float> gradient, int offset) =>
        Update(parameters, gradient, offset, Iterations);

    /// <summary>The state for parameters [offset, offset + length); empty when this rule does not keep it.</summary>
    private protected static Span<float> Slice(float[] state, int offset, int length) =>
        state.Length == 0 ? default : state.AsSpan(offset, length);

    /// <summary>
    /// The update rule itself, over the parameters [<paramref name="offset"/>, offset + length) of the
    /// whole buffer (the spans hold just those; per-parameter state is indexed from offset).
    /// <paramref name="iteration"/> counts from 1.
    /// </summary>
    protected abstract void Update(Span<float> parameters, ReadOnlySpan<float> gradient, int offset, long iteration);

    /// <summary>
    /// One element-wise update, written once over a lane type and run by
    /// <see cref="Run{TKernel}"/> at every width the hardware has, down to a single float.
    /// </summary>
    private protected interface IKernel
    {
        /// <summary>Updates elements <paramref name="index"/> … <paramref name="index"/> + <c>TLanes.Count</c> − 1.</summary>
        void Apply<TLanes>(nuint index) where TLanes : struct, ILanes<TLanes>;
    }

    /// <summary>Runs <paramref name="kernel"/> over <paramref name="length"/> elements: widest lanes first, then a scalar tail.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private protected static void Run<TKernel>(scoped in TKernel kernel, int length)
        where TKernel : IKernel, allows ref struct
    {
        nuint n = (nuint)length, i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; n - i >= (nuint)Vector512<float>.Count; i += (nuint)Vector512<float>.Count)
                kernel.Apply<Lanes512>(i);
        if (Vector256.IsHardwareAccelerated)
            for (; n - i >= (nuint)Vector256<float>.Count; i += (nuint)Vector256<float>.Count)
                kernel.Apply<Lanes256>(i);
        if (Vector128.IsHardwareAccelerated)
            for (; n - i >= (nuint)Vector128<float>.Count; i += (nuint)Vector128<float>.Count)
                kernel.Apply<Lanes128>(i);
        for (; i < n; i++)
            kernel.Apply<Lane1>(i);
    }

    /// <summary>
    /// A run of floats processed together. Every operation is exact IEEE single precision
    /// (correctly rounded), so all widths give the same bits per element.
    /// Loads and stores are unchecked: <see cref="Run{TKernel}"/> keeps them in range.
    /// </summary>
    private protected interface ILanes<TSelf> where TSelf : struct, ILanes<TSelf>
    {
        static abstract TSelf Load(ReadOnlySpan<float> source, nuint index);
        void Store(Span<float> destination, nuint index);
        static abstract TSelf Broadcast(float value);
        static abstract TSelf operator +(TSelf left, TSelf right);
        static abstract TSelf operator -(TSelf left, TSelf right);
        static abstract TSelf operator *(TSelf left, TSelf right);
        static abstract TSelf operator *(TSelf left, float right);
        static abstract TSelf operator /(TSelf left, TSelf right);
        static abstract TSelf operator -(TSelf value);
        static abstract TSelf Sqrt(TSelf value);
        static abstract TSelf Max(TSelf left, TSelf right);
    }

    private protected readonly struct Lanes512(Vector512<float> value) : ILanes<Lanes512>
    {
        private readonly Vector512<float> v = value;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes512 Load(ReadOnlySpan<float> source, nuint index) =>
            new(Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(source), index));
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(Span<float> destination, nuint index) =>
            v.StoreUnsafe(ref MemoryMarshal.GetReference(destination), index);
        public static Lanes512 Broadcast(float value) => new(Vector512.Create(value));
        public static Lanes512 operator +(Lanes512 left, Lanes512 right) => new(left.v + right.v);
        public static Lanes512 operator -(Lanes512 left, Lanes512 right) => new(left.v - right.v);
        public static Lanes512 operator *(Lanes512 left, Lanes512 right) => new(left.v * right.v);
        public static Lanes512 operator *(Lanes512 left, float right) => new(left.v * right);
        public static Lanes512 operator /(Lanes512 left, Lanes512 right) => new(left.v / right.v);
        public static Lanes512 operator -(Lanes512 value) => new(-value.v);
        public static Lanes512 Sqrt(Lanes512 value) => new(Vector512.Sqrt(value.v));
        public static Lanes512 Max(Lanes512 left, Lanes512 right) => new(Vector512.Max(left.v, right.v));
    }

    private protected readonly struct Lanes256(Vector256<float> value) : ILanes<Lanes256>
    {
        private readonly Vector256<float> v = value;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes256 Load(ReadOnlySpan<float> source, nuint index) =>
            new(Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(source), index));
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(Span<float> destination, nuint index) =>
            v.StoreUnsafe(ref MemoryMarshal.GetReference(destination), index);
        public static Lanes256 Broadcast(float value) => new(Vector256.Create(value));
        public static Lanes256 operator +(Lanes256 left, Lanes256 right) => new(left.v + right.v);
        public static Lanes256 operator -(Lanes256 left, Lanes256 right) => new(left.v - right.v);
        public static Lanes256 operator *(Lanes256 left, Lanes256 right) => new(left.v * right.v);
        public static Lanes256 operator *(Lanes256 left, float right) => new(left.v * right);
        public static Lanes256 operator /(Lanes256 left, Lanes256 right) => new(left.v / right.v);
        public static Lanes256 operator -(Lanes256 value) => new(-value.v);
        public static Lanes256 Sqrt(Lanes256 value) => new(Vector256.Sqrt(value.v));
        public static Lanes256 Max(Lanes256 left, Lanes256 right) => new(Vector256.Max(left.v, right.v));
    }

    private protected readonly struct Lanes128(Vector128<float> value) : ILanes<Lanes128>
    {
        private readonly Vector128<float> v = value;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes128 Load(ReadOnlySpan<float> source, nuint index) =>
            new(Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(source), index));
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(Span<float> destination, nuint index) =>
            v.StoreUnsafe(ref MemoryMarshal.GetReference(destination), index);
        public static Lanes128 Broadcast(float value) => new(Vector128.Create(value));
        public static Lanes128 operator +(Lanes128 left, Lanes128 right) => new(left.v + right.v);
        public static Lanes128 operator -(Lanes128 left, Lanes128 right) => new(left.v - right.v);
        public static Lanes128 operator *(Lanes128 left, Lanes128 right) => new(left.v * right.v);
        public static Lanes128 operator *(Lanes128 left, float right) => new(left.v * right);
        public static Lanes128 operator /(Lanes128 left, Lanes128 right) => new(left.v / right.v);
        public static Lanes128 operator -(Lanes128 value) => new(-value.v);
        public static Lanes128 Sqrt(Lanes128 value) => new(Vector128.Sqrt(value.v));
        public static Lanes128 Max(Lanes128 left, Lanes128 right) => new(Vector128.Max(left.v, right.v));
    }

    /// <summary>The scalar tail: one float, with the same operations as the vector lanes.</summary>
    private protected readonly struct Lane1(float value) : ILanes<Lane1>
    {
        private readonly float v = value;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lane1 Load(ReadOnlySpan<float> source, nuint index) =>
            new(Unsafe.Add(ref MemoryMarshal.GetReference(source), index));
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(Span<float> destination, nuint index) =>
            Unsafe.Add(ref MemoryMarshal.GetReference(destination), index) = v;
        public static Lane1 Broadcast(float value) => new(value);
        public static Lane1 operator +(Lane1 left, Lane1 right) => new(left.v + right.v);
        public static Lane1 operator -(Lane1 left, Lane1 right) => new(left.v - right.v);
        public static Lane1 operator *(Lane1 left, Lane1 right) => new(left.v * right.v);
        public static Lane1 operator *(Lane1 left, float right) => new(left.v * right);
        public static Lane1 operator /(Lane1 left, Lane1 right) => new(left.v / right.v);
        public static Lane1 operator -(Lane1 value) => new(-value.v);
        public static Lane1 Sqrt(Lane1 value) => new(MathF.Sqrt(value.v));
        public static Lane1 Max(Lane1 left, Lane1 right) => new(MathF.Max(left.v, right.v));
    }
}
