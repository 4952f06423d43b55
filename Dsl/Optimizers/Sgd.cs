using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using NetDsl.Simd;

namespace NetDsl;

/// <summary>
/// Stochastic gradient descent, with optional (Nesterov) momentum, as Keras's <c>SGD</c>.
/// <list type="bullet">
/// <item><description>No momentum (<see cref="Momentum"/> = 0): <c>θ ← θ − η·g</c>.</description></item>
/// <item><description>Momentum μ: <c>v ← μ·v − η·g</c>, then <c>θ ← θ + v</c> (v starts at 0).</description></item>
/// <item><description>Nesterov: <c>v ← μ·v − η·g</c>, then <c>θ ← θ + μ·v − η·g</c>.</description></item>
/// </list>
/// Keras defaults: <c>learning_rate=0.01, momentum=0.0, nesterov=False</c>.
/// Valid settings: η finite and ≥ 0, μ in [0, 1] (Keras's own check).
/// </summary>
/// <remarks>
/// PyTorch differs: <c>torch.optim.SGD</c> keeps <c>b ← μ·b + (1 − dampening)·g</c> (b = g on the first step)
/// and steps <c>θ ← θ − η·b</c> (Nesterov: <c>θ ← θ − η·(g + μ·b)</c>), so η multiplies after the buffer;
/// with dampening 0 and a constant η the two agree.
/// </remarks>
/// <param name="LearningRate">η, Keras's <c>learning_rate</c>; default 0.01.</param>
public sealed record Sgd(float LearningRate = 0.01f) : Optimizer
{
    /// <summary>μ, Keras's <c>momentum</c>, in [0, 1]; default 0 (plain gradient descent).</summary>
    public float Momentum { get; init; } = 0f;

    /// <summary>Keras's <c>nesterov</c>: use Nesterov momentum; default false. No effect when <see cref="Momentum"/> is 0.</summary>
    public bool Nesterov { get; init; } = false;

    public override OptimizerState CreateState(int parameterCount)
    {
        RequireNonNegative(LearningRate, nameof(LearningRate));
        RequireFraction(Momentum, nameof(Momentum), allowOne: true);
        return new State(this, parameterCount);
    }

    private sealed class State : OptimizerState
    {
        private readonly float momentum;
        private readonly bool nesterov;
        private readonly float[] velocity;

        private float learningRate => StepLearningRate;

        public State(Sgd settings, int parameterCount) : base(settings, parameterCount)
        {
            momentum = settings.Momentum;
            nesterov = settings.Nesterov;
            // Like Keras, the velocity exists only when momentum is on.
            velocity = momentum != 0f ? CreateBuffer() : [];
        }

        protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradient, int offset, long iteration)
        {
            if (momentum == 0f)
                // θ ← θ − η·g
                TensorPrimitives.MultiplyAdd(gradient, -learningRate, parameters, parameters);
            else
                Lanes.Run(new Kernel(parameters, gradient, Slice(velocity, offset, parameters.Length), learningRate, momentum, nesterov), parameters.Length);
        }

        private readonly ref struct Kernel(
            Span<float> parameters, ReadOnlySpan<float> gradient, Span<float> velocity,
            float learningRate, float momentum, bool nesterov) : IElementwise
        {
            private readonly Span<float> parameters = parameters;
            private readonly ReadOnlySpan<float> gradient = gradient;
            private readonly Span<float> velocity = velocity;
            private readonly float learningRate = learningRate;
            private readonly float momentum = momentum;
            private readonly bool nesterov = nesterov;

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public void Apply<T>(nuint i) where T : struct, ILanes<T>
            {
                T g = T.Load(gradient, i);
                T step = g * learningRate;
                T v = T.Load(velocity, i) * momentum - step;       // v ← μ·v − η·g
                v.Store(velocity, i);
                T delta = nesterov ? v * momentum - step : v;      // Nesterov: μ·v − η·g
                (T.Load(parameters, i) + delta).Store(parameters, i);
            }
        }
    }
}
