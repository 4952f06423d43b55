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
}

/// <summary>The running state of one optimizer over one parameter buffer.</summary>
/// <remarks>
/// A step is deterministic: the same settings, parameters and gradients give the same bits.
/// Each element goes through the same IEEE operations (no fused multiply-add, no estimates)
/// whether it lands in a 512-, 256- or 128-bit lane or in the scalar tail.
/// </remarks>
public abstract class OptimizerState
{
    /// <summary>Number of parameters this state was sized for.</summary>
    public int ParameterCount { get; }

    /// <summary>Steps taken so far.</summary>
    public long Iterations { get; private set; }

    protected OptimizerState(int parameterCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(parameterCount);
        ParameterCount = parameterCount;
    }

    /// <summary>Applies one update: <paramref name="parameters"/> moves against <paramref name="gradient"/>.</summary>
    /// <exception cref="ArgumentException">Either span's length is not <see cref="ParameterCount"/>.</exception>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradient)
    {
        if (parameters.Length != ParameterCount || gradient.Length != ParameterCount)
            throw new ArgumentException(
                $"Expected {ParameterCount} parameters and gradients, got {parameters.Length} parameters and {gradient.Length} gradients.");
        Iterations++;
        Update(parameters, gradient, 0, Iterations);
    }

    /// <summary>Counts a step whose update <see cref="UpdateChunk"/> then applies chunk by chunk, possibly in parallel.</summary>
    internal void BeginStep() => Iterations++;

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
}
