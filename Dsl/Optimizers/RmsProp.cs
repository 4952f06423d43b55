using System.Runtime.CompilerServices;
using NetDsl.Simd;

namespace NetDsl;

/// <summary>
/// RMSprop (Hinton, 2012), as Keras's <c>RMSprop</c>:
/// <code>
/// s ← ρ·s + (1 − ρ)·g²
/// u = η·g / √(s + ε)                   (centered: ḡ ← ρ·ḡ + (1 − ρ)·g, u = η·g / √(s − ḡ² + ε))
/// θ ← θ − u                            (momentum μ &gt; 0: b ← μ·b + u, θ ← θ − b)
/// </code>
/// with s, ḡ and b starting at 0; ε sits inside the root.
/// Keras defaults: <c>learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False</c>.
/// Valid settings: η and ε finite and ≥ 0, ρ in [0, 1), μ in [0, 1].
/// </summary>
/// <remarks>
/// PyTorch differs: <c>torch.optim.RMSprop</c> defaults to lr = 0.01, alpha (ρ) = 0.99, eps = 1e-8,
/// and puts ε outside the root: <c>u = η·g / (√s + ε)</c>.
/// </remarks>
/// <param name="LearningRate">η, Keras's <c>learning_rate</c>; default 0.001.</param>
/// <param name="Rho">ρ, Keras's <c>rho</c>, the decay of the averages; default 0.9.</param>
/// <param name="Momentum">μ, Keras's <c>momentum</c>; default 0 (no momentum buffer).</param>
/// <param name="Epsilon">ε, Keras's <c>epsilon</c>; default 1e-7.</param>
/// <param name="Centered">Keras's <c>centered</c>: divide by the estimated variance instead of the second moment; default false.</param>
public sealed record RmsProp(
    float LearningRate = 0.001f,
    float Rho = 0.9f,
    float Momentum = 0f,
    float Epsilon = 1e-7f,
    bool Centered = false) : Optimizer
{
    public override OptimizerState CreateState(int parameterCount)
    {
        RequireNonNegative(LearningRate, nameof(LearningRate));
        RequireFraction(Rho, nameof(Rho));
        RequireFraction(Momentum, nameof(Momentum), allowOne: true);
        RequireNonNegative(Epsilon, nameof(Epsilon));
        return new State(this, parameterCount);
    }

    private sealed class State : OptimizerState
    {
        private readonly float rho, oneMinusRho, momentum, epsilon;
        private readonly bool centered;
        private readonly float[] meanSquare, meanGradient, velocity;

        private float learningRate => StepLearningRate;

        public State(RmsProp settings, int parameterCount) : base(settings, parameterCount)
        {
            rho = settings.Rho;
            oneMinusRho = (float)(1.0 - settings.Rho);
            momentum = settings.Momentum;
            epsilon = settings.Epsilon;
            centered = settings.Centered;
            // Like Keras, the optional buffers exist only when their option is on.
            meanSquare = CreateBuffer();
            meanGradient = centered ? CreateBuffer() : [];
            velocity = momentum > 0f ? CreateBuffer() : [];
        }

        protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradient, int offset, long iteration) =>
            Lanes.Run(new Kernel(parameters, gradient, Slice(meanSquare, offset, parameters.Length), Slice(meanGradient, offset, parameters.Length), Slice(velocity, offset, parameters.Length),
                    learningRate, rho, oneMinusRho, momentum, epsilon, centered),
                parameters.Length);

        private readonly ref struct Kernel(
            Span<float> parameters, ReadOnlySpan<float> gradient,
            Span<float> meanSquare, Span<float> meanGradient, Span<float> velocity,
            float learningRate, float rho, float oneMinusRho, float momentum, float epsilon, bool centered) : IElementwise
        {
            private readonly Span<float> parameters = parameters;
            private readonly ReadOnlySpan<float> gradient = gradient;
            private readonly Span<float> meanSquare = meanSquare;
            private readonly Span<float> meanGradient = meanGradient;
            private readonly Span<float> velocity = velocity;
            private readonly float learningRate = learningRate;
            private readonly float rho = rho;
            private readonly float oneMinusRho = oneMinusRho;
            private readonly float momentum = momentum;
            private readonly float epsilon = epsilon;
            private readonly bool centered = centered;

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public void Apply<T>(nuint i) where T : struct, ILanes<T>
            {
                T g = T.Load(gradient, i);
                T s = T.Load(meanSquare, i) * rho + g * g * oneMinusRho;       // s ← ρ·s + (1 − ρ)·g²
                s.Store(meanSquare, i);
                T denominator;
                if (centered)
                {
                    T mean = T.Load(meanGradient, i) * rho + g * oneMinusRho;  // ḡ ← ρ·ḡ + (1 − ρ)·g
                    mean.Store(meanGradient, i);
                    denominator = s - mean * mean + T.Broadcast(epsilon);     // s − ḡ² + ε
                }
                else
                {
                    denominator = s + T.Broadcast(epsilon);                   // s + ε
                }
                T increment = g * learningRate / T.Sqrt(denominator);          // u = η·g / √(…)
                if (momentum > 0f)
                {
                    increment = T.Load(velocity, i) * momentum + increment;    // b ← μ·b + u
                    increment.Store(velocity, i);
                }
                (T.Load(parameters, i) - increment).Store(parameters, i);      // θ ← θ − u (or b)
            }
        }
    }
}
