using System.Runtime.CompilerServices;
using NetDsl.Simd;

namespace NetDsl;

/// <summary>
/// Adadelta (Zeiler, 2012), as Keras's <c>Adadelta</c>:
/// <code>
/// E[g²]  ← ρ·E[g²] + (1 − ρ)·g²
/// Δ      = −√(E[Δ²] + ε) · g / √(E[g²] + ε)
/// E[Δ²]  ← ρ·E[Δ²] + (1 − ρ)·Δ²
/// θ      ← θ + η·Δ
/// </code>
/// with both running averages starting at 0.
/// Keras defaults: <c>learning_rate=0.001, rho=0.95, epsilon=1e-7</c> (the paper's exact form is η = 1).
/// Valid settings: η and ε finite and ≥ 0, ρ in [0, 1).
/// </summary>
/// <remarks>
/// PyTorch differs only in its defaults: <c>torch.optim.Adadelta</c> uses lr = 1.0, rho = 0.9, eps = 1e-6.
/// </remarks>
/// <param name="LearningRate">η, Keras's <c>learning_rate</c>; default 0.001.</param>
/// <param name="Rho">ρ, Keras's <c>rho</c>, the decay rate of both averages; default 0.95.</param>
/// <param name="Epsilon">ε, Keras's <c>epsilon</c>; default 1e-7.</param>
public sealed record Adadelta(
    float LearningRate = 0.001f,
    float Rho = 0.95f,
    float Epsilon = 1e-7f) : Optimizer
{
    public override OptimizerState CreateState(int parameterCount)
    {
        RequireNonNegative(LearningRate, nameof(LearningRate));
        RequireFraction(Rho, nameof(Rho));
        RequireNonNegative(Epsilon, nameof(Epsilon));
        return new State(this, parameterCount);
    }

    private sealed class State : OptimizerState
    {
        private readonly float rho, oneMinusRho, epsilon;
        private readonly float[] meanSquareGradient, meanSquareDelta;

        private float learningRate => StepLearningRate;

        public State(Adadelta settings, int parameterCount) : base(settings, parameterCount)
        {
            rho = settings.Rho;
            oneMinusRho = (float)(1.0 - settings.Rho);
            epsilon = settings.Epsilon;
            meanSquareGradient = CreateBuffer();
            meanSquareDelta = CreateBuffer();
        }

        protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradient, int offset, long iteration) =>
            Lanes.Run(new Kernel(parameters, gradient, Slice(meanSquareGradient, offset, parameters.Length), Slice(meanSquareDelta, offset, parameters.Length), learningRate, rho, oneMinusRho, epsilon),
                parameters.Length);

        private readonly ref struct Kernel(
            Span<float> parameters, ReadOnlySpan<float> gradient, Span<float> meanSquareGradient, Span<float> meanSquareDelta,
            float learningRate, float rho, float oneMinusRho, float epsilon) : IElementwise
        {
            private readonly Span<float> parameters = parameters;
            private readonly ReadOnlySpan<float> gradient = gradient;
            private readonly Span<float> meanSquareGradient = meanSquareGradient;
            private readonly Span<float> meanSquareDelta = meanSquareDelta;
            private readonly float learningRate = learningRate;
            private readonly float rho = rho;
            private readonly float oneMinusRho = oneMinusRho;
            private readonly float epsilon = epsilon;

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public void Apply<T>(nuint i) where T : struct, ILanes<T>
            {
                T eps = T.Broadcast(epsilon);
                T g = T.Load(gradient, i);
                T g2 = T.Load(meanSquareGradient, i) * rho + g * g * oneMinusRho;     // E[g²] ← ρ·E[g²] + (1 − ρ)·g²
                g2.Store(meanSquareGradient, i);
                T d2 = T.Load(meanSquareDelta, i);
                T delta = -(T.Sqrt(d2 + eps) * g / T.Sqrt(g2 + eps));                // Δ = −√(E[Δ²] + ε)·g / √(E[g²] + ε)
                (d2 * rho + delta * delta * oneMinusRho).Store(meanSquareDelta, i);  // E[Δ²] ← ρ·E[Δ²] + (1 − ρ)·Δ²
                (T.Load(parameters, i) + delta * learningRate).Store(parameters, i); // θ ← θ + η·Δ
            }
        }
    }
}
