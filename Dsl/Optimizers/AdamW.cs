namespace NetDsl;

/// <summary>
/// AdamW (Loshchilov and Hutter, 2019), as Keras 3's <c>AdamW</c>: <see cref="Adam"/> with decoupled weight
/// decay on by default — before each update <c>w ← w − w·wd·lr</c>, then Adam's step. It is exactly
/// <c>new Adam(…) { WeightDecay = wd }</c>; only the default differs.
/// Keras defaults: <c>learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False</c>.
/// Valid settings: as Adam's, and a weight decay that is set (Keras refuses None), finite and ≥ 0.
/// </summary>
/// <remarks>
/// PyTorch's <c>torch.optim.AdamW</c> defaults to weight_decay = 0.01 and eps = 1e-8 (added after the bias
/// correction, as for Adam), and decays as <c>w ← w·(1 − lr·wd)</c>: the same up to rounding.
/// </remarks>
/// <param name="LearningRate">η, Keras's <c>learning_rate</c>; default 0.001.</param>
/// <param name="WeightDecay">wd, Keras's <c>weight_decay</c>; default 0.004.</param>
/// <param name="Beta1">β₁, Keras's <c>beta_1</c>; default 0.9.</param>
/// <param name="Beta2">β₂, Keras's <c>beta_2</c>; default 0.999.</param>
/// <param name="Epsilon">ε, Keras's <c>epsilon</c>; default 1e-7.</param>
/// <param name="Amsgrad">Keras's <c>amsgrad</c>; default false.</param>
public sealed record AdamW(
    float LearningRate = 0.001f,
    float? WeightDecay = 0.004f,
    float Beta1 = 0.9f,
    float Beta2 = 0.999f,
    float Epsilon = 1e-7f,
    bool Amsgrad = false) : Optimizer
{
    /// <inheritdoc/>
    public override float? WeightDecay { get; init; } = WeightDecay;

    public override OptimizerState CreateState(int parameterCount)
    {
        if (WeightDecay is null)
            throw new ArgumentException("AdamW.WeightDecay must be set (Keras refuses weight_decay=None); for no decay use Adam.", nameof(WeightDecay));
        return new Adam(LearningRate, Beta1, Beta2, Epsilon, Amsgrad)
        {
            LearningRateSchedule = LearningRateSchedule,
            ClipNorm = ClipNorm,
            GlobalClipNorm = GlobalClipNorm,
            ClipValue = ClipValue,
            WeightDecay = WeightDecay,
        }.CreateState(parameterCount);
    }
}
