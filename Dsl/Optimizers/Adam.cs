using System.Runtime.CompilerServices;
using NetDsl.Simd;

namespace NetDsl;

/// <summary>
/// Adam (Kingma and Ba, 2014), as Keras's <c>Adam</c>, with the bias corrections folded into the step size:
/// <code>
/// m  ← m + (g − m)·(1 − β₁)
/// v  ← v + (g² − v)·(1 − β₂)
/// ηₜ = η·√(1 − β₂ᵗ) / (1 − β₁ᵗ)
/// θ  ← θ − ηₜ·m / (√v + ε)
/// </code>
/// with m and v starting at 0 and t counting steps from 1. With <see cref="Amsgrad"/>,
/// <c>v̂ ← max(v̂, v)</c> stands for v in the last line.
/// Keras defaults: <c>learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False</c>.
/// Valid settings: η and ε finite and ≥ 0, β₁ and β₂ in [0, 1).
/// </summary>
/// <remarks>
/// PyTorch differs: <c>torch.optim.Adam</c> defaults to eps = 1e-8 and adds it after the bias correction,
/// <c>θ ← θ − η·m̂ / (√v̂ + ε)</c> with <c>v̂ = v / (1 − β₂ᵗ)</c>: Keras's ε is the paper's "epsilon hat",
/// equal to PyTorch's ε·√(1 − β₂ᵗ).
/// </remarks>
/// <param name="LearningRate">η, Keras's <c>learning_rate</c>; default 0.001.</param>
/// <param name="Beta1">β₁, Keras's <c>beta_1</c>, decay of the first moment; default 0.9.</param>
/// <param name="Beta2">β₂, Keras's <c>beta_2</c>, decay of the second moment; default 0.999.</param>
/// <param name="Epsilon">ε, Keras's <c>epsilon</c>; default 1e-7.</param>
/// <param name="Amsgrad">Keras's <c>amsgrad</c>: divide by the running maximum of v (Reddi et al., 2018); default false.</param>
public sealed record Adam(
    float LearningRate = 0.001f,
    float Beta1 = 0.9f,
    float Beta2 = 0.999f,
    float Epsilon = 1e-7f,
    bool Amsgrad = false) : Optimizer
{
    public override OptimizerState CreateState(int parameterCount)
    {
        RequireNonNegative(LearningRate, nameof(LearningRate));
        RequireFraction(Beta1, nameof(Beta1));
        RequireFraction(Beta2, nameof(Beta2));
        RequireNonNegative(Epsilon, nameof(Epsilon));
        return new State(this, parameterCount);
    }

    private sealed class State : OptimizerState
    {
        private readonly double beta1, beta2;
        private readonly float oneMinusBeta1, oneMinusBeta2, epsilon;
        private readonly bool amsgrad;
        private readonly float[] m, v, vMax;

        private double learningRate => StepLearningRate;

        public State(Adam settings, int parameterCount) : base(settings, parameterCount)
        {
            beta1 = settings.Beta1;
            beta2 = settings.Beta2;
            oneMinusBeta1 = (float)(1.0 - beta1);
            oneMinusBeta2 = (float)(1.0 - beta2);
            epsilon = settings.Epsilon;
            amsgrad = settings.Amsgrad;
            m = CreateBuffer();
            v = CreateBuffer();
            vMax = amsgrad ? CreateBuffer() : [];
        }

        protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradient, int offset, long iteration)
        {
            // ηₜ = η·√(1 − β₂ᵗ) / (1 − β₁ᵗ), in double and rounded once.
            double t = iteration;
            float stepSize = (float)(learningRate * Math.Sqrt(1.0 - Math.Pow(beta2, t)) / (1.0 - Math.Pow(beta1, t)));
            Lanes.Run(new Kernel(parameters, gradient, Slice(m, offset, parameters.Length), Slice(v, offset, parameters.Length), Slice(vMax, offset, parameters.Length), oneMinusBeta1, oneMinusBeta2, epsilon, stepSize, amsgrad),
                parameters.Length);
        }

        private readonly ref struct Kernel(
            Span<float> parameters, ReadOnlySpan<float> gradient, Span<float> m, Span<float> v, Span<float> vMax,
            float oneMinusBeta1, float oneMinusBeta2, float epsilon, float stepSize, bool amsgrad) : IElementwise
        {
            private readonly Span<float> parameters = parameters;
            private readonly ReadOnlySpan<float> gradient = gradient;
            private readonly Span<float> m = m;
            private readonly Span<float> v = v;
            private readonly Span<float> vMax = vMax;
            private readonly float oneMinusBeta1 = oneMinusBeta1;
            private readonly float oneMinusBeta2 = oneMinusBeta2;
            private readonly float epsilon = epsilon;
            private readonly float stepSize = stepSize;
            private readonly bool amsgrad = amsgrad;

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public void Apply<T>(nuint i) where T : struct, ILanes<T>
            {
                T g = T.Load(gradient, i);
                T mi = T.Load(m, i);
                mi += (g - mi) * oneMinusBeta1;                     // m ← m + (g − m)·(1 − β₁)
                mi.Store(m, i);
                T vi = T.Load(v, i);
                vi += (g * g - vi) * oneMinusBeta2;                 // v ← v + (g² − v)·(1 − β₂)
                vi.Store(v, i);
                if (amsgrad)
                {
                    vi = T.Max(T.Load(vMax, i), vi);                // v̂ ← max(v̂, v)
                    vi.Store(vMax, i);
                }
                // θ ← θ − ηₜ·m / (√v + ε)
                T theta = T.Load(parameters, i) - mi * stepSize / (T.Sqrt(vi) + T.Broadcast(epsilon));
                theta.Store(parameters, i);
            }
        }
    }
}
