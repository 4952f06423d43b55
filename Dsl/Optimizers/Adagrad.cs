using System.Runtime.CompilerServices;
using NetDsl.Simd;

namespace NetDsl;

/// <summary>
/// Adagrad (Duchi et al., 2011), as Keras's <c>Adagrad</c>:
/// <code>
/// a ← a + g²
/// θ ← θ − η·g / √(a + ε)
/// </code>
/// with the accumulator a starting at <see cref="InitialAccumulatorValue"/>.
/// Keras defaults: <c>learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7</c>.
/// Valid settings: η, the initial accumulator and ε finite and ≥ 0.
/// </summary>
/// <remarks>
/// PyTorch differs: <c>torch.optim.Adagrad</c> defaults to lr = 0.01, initial_accumulator_value = 0 and
/// eps = 1e-10, and puts ε outside the root: <c>θ ← θ − η·g / (√a + ε)</c>.
/// </remarks>
/// <param name="LearningRate">η, Keras's <c>learning_rate</c>; default 0.001.</param>
/// <param name="InitialAccumulatorValue">Starting value of a, Keras's <c>initial_accumulator_value</c>; default 0.1.</param>
/// <param name="Epsilon">ε, Keras's <c>epsilon</c>; default 1e-7.</param>
public sealed record Adagrad(
    float LearningRate = 0.001f,
    float InitialAccumulatorValue = 0.1f,
    float Epsilon = 1e-7f) : Optimizer
{
    public override OptimizerState CreateState(int parameterCount)
    {
        RequireNonNegative(LearningRate, nameof(LearningRate));
        RequireNonNegative(InitialAccumulatorValue, nameof(InitialAccumulatorValue));
        RequireNonNegative(Epsilon, nameof(Epsilon));
        return new State(this, parameterCount);
    }

    private sealed class State : OptimizerState
    {
        private readonly float epsilon;
        private readonly float[] accumulator;

        private float learningRate => StepLearningRate;

        public State(Adagrad settings, int parameterCount) : base(settings, parameterCount)
        {
            epsilon = settings.Epsilon;
            accumulator = CreateBuffer();
            accumulator.AsSpan().Fill(settings.InitialAccumulatorValue);
        }

        protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradient, int offset, long iteration) =>
            Lanes.Run(new Kernel(parameters, gradient, Slice(accumulator, offset, parameters.Length), learningRate, epsilon), parameters.Length);

        private readonly ref struct Kernel(
            Span<float> parameters, ReadOnlySpan<float> gradient, Span<float> accumulator,
            float learningRate, float epsilon) : IElementwise
        {
            private readonly Span<float> parameters = parameters;
            private readonly ReadOnlySpan<float> gradient = gradient;
            private readonly Span<float> accumulator = accumulator;
            private readonly float learningRate = learningRate;
            private readonly float epsilon = epsilon;

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public void Apply<T>(nuint i) where T : struct, ILanes<T>
            {
                T g = T.Load(gradient, i);
                T a = T.Load(accumulator, i) + g * g;                  // a ← a + g²
                a.Store(accumulator, i);
                // θ ← θ − η·g / √(a + ε)
                T theta = T.Load(parameters, i) - g * learningRate / T.Sqrt(a + T.Broadcast(epsilon));
                theta.Store(parameters, i);
            }
        }
    }
}
