using Xunit;

namespace NetDsl.Tests;

public class OptimizerTests
{
    // ----- The optimizers under test, by name (names keep the theory cases readable). -----

    private static readonly Dictionary<string, Optimizer> Configurations = new()
    {
        ["sgd-default"] = new Sgd(),
        ["sgd"] = new Sgd(0.1f),
        ["sgd-momentum"] = new Sgd(0.05f) { Momentum = 0.9f },
        ["sgd-nesterov"] = new Sgd(0.05f) { Momentum = 0.9f, Nesterov = true },
        ["adagrad-default"] = new Adagrad(),
        ["adagrad"] = new Adagrad(0.1f, InitialAccumulatorValue: 0.05f, Epsilon: 1e-3f),
        ["adadelta-default"] = new Adadelta(),
        ["adadelta"] = new Adadelta(1f, Rho: 0.9f, Epsilon: 1e-3f),
        ["rmsprop-default"] = new RmsProp(),
        ["rmsprop"] = new RmsProp(0.01f, Rho: 0.8f, Epsilon: 1e-4f),
        ["rmsprop-momentum"] = new RmsProp(0.01f, Momentum: 0.5f),
        ["rmsprop-centered"] = new RmsProp(0.01f, Epsilon: 1e-3f, Centered: true),
        ["rmsprop-centered-momentum"] = new RmsProp(0.01f, Rho: 0.7f, Momentum: 0.9f, Centered: true),
        ["adam-default"] = new Adam(),
        ["adam"] = new Adam(0.05f, Beta1: 0.8f, Beta2: 0.99f, Epsilon: 1e-3f),
        ["adam-amsgrad"] = new Adam(0.05f, Beta2: 0.9f, Amsgrad: true),
    };

    public static TheoryData<string> Names => new(Configurations.Keys);

    // ----- Independent double-precision implementations, straight from the formulas. -----

    private interface IReference
    {
        /// <summary>One step on <paramref name="theta"/>; adds each element's |Δθ| to <paramref name="moved"/> (the test's tolerance scale).</summary>
        void Step(double[] theta, double[] g, double[] moved);
    }

    private static IReference ReferenceFor(Optimizer optimizer, int n) => optimizer switch
    {
        Sgd o => new SgdReference(o.LearningRate, o.Momentum, o.Nesterov, n),
        Adagrad o => new AdagradReference(o.LearningRate, o.InitialAccumulatorValue, o.Epsilon, n),
        Adadelta o => new AdadeltaReference(o.LearningRate, o.Rho, o.Epsilon, n),
        RmsProp o => new RmsPropReference(o.LearningRate, o.Rho, o.Momentum, o.Epsilon, o.Centered, n),
        Adam o => new AdamReference(o.LearningRate, o.Beta1, o.Beta2, o.Epsilon, o.Amsgrad, n),
        _ => throw new NotSupportedException(optimizer.GetType().Name),
    };

    private static void Move(double[] theta, double[] moved, int i, double delta)
    {
        theta[i] += delta;
        moved[i] += Math.Abs(delta);
    }

    // Keras SGD: v ← μv − ηg; θ ← θ + v, or θ ← θ + μv − ηg (Nesterov), or θ ← θ − ηg (μ = 0).
    private sealed class SgdReference(double lr, double mu, bool nesterov, int n) : IReference
    {
        private readonly double[] v = new double[n];

        public void Step(double[] theta, double[] g, double[] moved)
        {
            for (int i = 0; i < n; i++)
            {
                if (mu == 0) { Move(theta, moved, i, -lr * g[i]); continue; }
                v[i] = mu * v[i] - lr * g[i];
                Move(theta, moved, i, nesterov ? mu * v[i] - lr * g[i] : v[i]);
            }
        }
    }

    // Keras Adagrad: a ← a + g²; θ ← θ − ηg/√(a + ε); a₀ = initial accumulator.
    private sealed class AdagradReference(double lr, double a0, double eps, int n) : IReference
    {
        private readonly double[] a = Enumerable.Repeat(a0, n).ToArray();

        public void Step(double[] theta, double[] g, double[] moved)
        {
            for (int i = 0; i < n; i++)
            {
                a[i] += g[i] * g[i];
                Move(theta, moved, i, -lr * g[i] / Math.Sqrt(a[i] + eps));
            }
        }
    }

    // Keras Adadelta: Eg ← ρEg + (1−ρ)g²; Δ = −√(Ed + ε)·g/√(Eg + ε); Ed ← ρEd + (1−ρ)Δ²; θ ← θ + ηΔ.
    private sealed class AdadeltaReference(double lr, double rho, double eps, int n) : IReference
    {
        private readonly double[] eg = new double[n], ed = new double[n];

        public void Step(double[] theta, double[] g, double[] moved)
        {
            for (int i = 0; i < n; i++)
            {
                eg[i] = rho * eg[i] + (1 - rho) * g[i] * g[i];
                double delta = -Math.Sqrt(ed[i] + eps) * g[i] / Math.Sqrt(eg[i] + eps);
                ed[i] = rho * ed[i] + (1 - rho) * delta * delta;
                Move(theta, moved, i, lr * delta);
            }
        }
    }

    // Keras RMSprop: s ← ρs + (1−ρ)g²; [ḡ ← ρḡ + (1−ρ)g]; u = ηg/√(s [− ḡ²] + ε); [b ← μb + u]; θ ← θ − u (or b).
    private sealed class RmsPropReference(double lr, double rho, double mu, double eps, bool centered, int n) : IReference
    {
        private readonly double[] s = new double[n], mean = new double[n], b = new double[n];

        public void Step(double[] theta, double[] g, double[] moved)
        {
            for (int i = 0; i < n; i++)
            {
                s[i] = rho * s[i] + (1 - rho) * g[i] * g[i];
                double variance = s[i];
                if (centered)
                {
                    mean[i] = rho * mean[i] + (1 - rho) * g[i];
                    variance -= mean[i] * mean[i];
                }
                double u = lr * g[i] / Math.Sqrt(variance + eps);
                if (mu > 0)
                {
                    b[i] = mu * b[i] + u;
                    u = b[i];
                }
                Move(theta, moved, i, -u);
            }
        }
    }

    // Keras Adam: m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; [v̂ ← max(v̂, v)];
    // θ ← θ − η·√(1−β₂ᵗ)/(1−β₁ᵗ) · m/(√v + ε).
    private sealed class AdamReference(double lr, double b1, double b2, double eps, bool amsgrad, int n) : IReference
    {
        private readonly double[] m = new double[n], v = new double[n], vMax = new double[n];
        private int t;

        public void Step(double[] theta, double[] g, double[] moved)
        {
            t++;
            double lrT = lr * Math.Sqrt(1 - Math.Pow(b2, t)) / (1 - Math.Pow(b1, t));
            for (int i = 0; i < n; i++)
            {
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                double denominator = v[i];
                if (amsgrad)
                    denominator = vMax[i] = Math.Max(vMax[i], v[i]);
                Move(theta, moved, i, -lrT * m[i] / (Math.Sqrt(denominator) + eps));
            }
        }
    }

    // ----- First steps against the reference. -----

    // 29 = 16 + 8 + 4 + 1: every lane width and the scalar tail take part.
    private const int N = 29;

    private static double InitialTheta(int i) => i % 2 == 0 ? 0.0 : 0.6 + 0.5 * Math.Cos(0.9 * i);

    /// <summary>Fixed gradients: some elements always 0, some vanish on step 2 (so AMSGrad's max matters).</summary>
    private static float[] Gradient(int step)
    {
        var g = new float[N];
        for (int i = 0; i < N; i++)
        {
            if (i % 5 == 3 || (step == 1 && i % 3 == 0)) continue;
            g[i] = (float)(Math.Sin(1.3 * i + 0.7 * step) * (1 + i % 3));
        }
        return g;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void FirstThreeStepsMatchDoublePrecisionReference(string name)
    {
        Optimizer optimizer = Configurations[name];
        OptimizerState state = optimizer.CreateState(N);
        IReference reference = ReferenceFor(optimizer, N);

        var theta = new float[N];
        var expected = new double[N];
        var scale = new double[N];
        for (int i = 0; i < N; i++)
        {
            expected[i] = InitialTheta(i);
            theta[i] = (float)expected[i];
            scale[i] = Math.Abs(expected[i]);
        }

        for (int step = 0; step < 3; step++)
        {
            float[] g = Gradient(step);
            state.Step(theta, g);
            reference.Step(expected, Array.ConvertAll(g, x => (double)x), scale);
            Assert.Equal(step + 1, state.Iterations);

            for (int i = 0; i < N; i++)
            {
                // ~1e-6 relative to the magnitudes involved: |θ₀| plus every |Δθ| so far.
                double tolerance = 1e-6 * scale[i];
                Assert.True(Math.Abs(theta[i] - expected[i]) <= tolerance,
                    $"{name}, step {step + 1}, element {i}: got {theta[i]:R}, expected {expected[i]:R} (tolerance {tolerance:E2}).");
            }
        }

        // The elements that started at 0 (so the check above is relative to the steps alone) did move.
        Assert.True(Enumerable.Range(0, N).Count(i => InitialTheta(i) == 0 && theta[i] != 0f) >= N / 4, $"{name} barely moved.");
    }

    // ----- Keras's defaults. -----

    [Fact]
    public void SgdDefaultsAreKeras()
    {
        var sgd = new Sgd();
        Assert.Equal(0.01f, sgd.LearningRate);
        Assert.Equal(0f, sgd.Momentum);
        Assert.False(sgd.Nesterov);
        Assert.Equal(0.1f, new Sgd(0.1f).LearningRate);
    }

    [Fact]
    public void AdagradDefaultsAreKeras()
    {
        var adagrad = new Adagrad();
        Assert.Equal(0.001f, adagrad.LearningRate);
        Assert.Equal(0.1f, adagrad.InitialAccumulatorValue);
        Assert.Equal(1e-7f, adagrad.Epsilon);
    }

    [Fact]
    public void AdadeltaDefaultsAreKeras()
    {
        var adadelta = new Adadelta();
        Assert.Equal(0.001f, adadelta.LearningRate);
        Assert.Equal(0.95f, adadelta.Rho);
        Assert.Equal(1e-7f, adadelta.Epsilon);
    }

    [Fact]
    public void RmsPropDefaultsAreKeras()
    {
        var rmsprop = new RmsProp();
        Assert.Equal(0.001f, rmsprop.LearningRate);
        Assert.Equal(0.9f, rmsprop.Rho);
        Assert.Equal(0f, rmsprop.Momentum);
        Assert.Equal(1e-7f, rmsprop.Epsilon);
        Assert.False(rmsprop.Centered);
    }

    [Fact]
    public void AdamDefaultsAreKeras()
    {
        var adam = new Adam();
        Assert.Equal(0.001f, adam.LearningRate);
        Assert.Equal(0.9f, adam.Beta1);
        Assert.Equal(0.999f, adam.Beta2);
        Assert.Equal(1e-7f, adam.Epsilon);
        Assert.False(adam.Amsgrad);
    }

    [Fact]
    public void SettingsAreValuesChangedWithWith()
    {
        var adam = new Adam() with { LearningRate = 3e-4f };
        Assert.Equal(3e-4f, adam.LearningRate);
        Assert.Equal(0.9f, adam.Beta1);
        Assert.Equal(new Adam(3e-4f), adam);
        Assert.NotEqual(new Sgd(0.1f), new Sgd(0.1f) { Momentum = 0.9f });
    }

    // ----- Convergence on f(θ) = ½‖Aθ − b‖², minimum at θ* = (1, −2, 0.5). -----

    private static readonly double[,] A = { { 2.0, 0.5, 0.0 }, { 0.5, 1.5, 0.3 }, { 0.0, 0.3, 1.0 } };
    private static readonly double[] ThetaStar = [1.0, -2.0, 0.5];

    private static void LeastSquaresGradient(ReadOnlySpan<float> theta, Span<float> gradient)
    {
        Span<double> residual = stackalloc double[3];
        for (int r = 0; r < 3; r++)
        {
            double s = 0;
            for (int c = 0; c < 3; c++)
                s += A[r, c] * (theta[c] - ThetaStar[c]); // Aθ − b with b = Aθ*
            residual[r] = s;
        }
        for (int c = 0; c < 3; c++)
        {
            double s = 0;
            for (int r = 0; r < 3; r++)
                s += A[r, c] * residual[r];               // Aᵀ(Aθ − b)
            gradient[c] = (float)s;
        }
    }

    // Adaptive steps with a constant rate: RMSprop keeps jittering about the minimum by about η
    // (its step is η·g/√s and s shrinks with g), so its tolerance is a few η; the others settle.
    public static TheoryData<string, int, double> ConvergenceCases => new()
    {
        { "sgd", 200, 1e-5 },
        { "sgd-momentum", 500, 1e-5 },
        { "sgd-nesterov", 500, 1e-5 },
        { "adagrad", 500, 1e-5 },
        { "adadelta", 20000, 1e-5 },
        { "rmsprop", 5000, 5e-3 },
        { "rmsprop-momentum", 5000, 5e-3 },
        { "rmsprop-centered", 5000, 5e-3 },
        { "rmsprop-centered-momentum", 5000, 5e-3 },
        { "adam", 5000, 1e-5 },
        { "adam-amsgrad", 5000, 1e-4 },
    };

    private static readonly Dictionary<string, Optimizer> ConvergenceConfigurations = new()
    {
        ["sgd"] = new Sgd(0.2f),
        ["sgd-momentum"] = new Sgd(0.05f) { Momentum = 0.9f },
        ["sgd-nesterov"] = new Sgd(0.05f) { Momentum = 0.9f, Nesterov = true },
        ["adagrad"] = new Adagrad(0.5f),
        ["adadelta"] = new Adadelta(0.1f),
        ["rmsprop"] = new RmsProp(0.001f),
        ["rmsprop-momentum"] = new RmsProp(0.001f, Momentum: 0.5f),
        ["rmsprop-centered"] = new RmsProp(0.001f, Centered: true),
        ["rmsprop-centered-momentum"] = new RmsProp(0.001f, Momentum: 0.5f, Centered: true),
        ["adam"] = new Adam(0.01f),
        ["adam-amsgrad"] = new Adam(0.01f, Amsgrad: true),
    };

    [Theory]
    [MemberData(nameof(ConvergenceCases))]
    public void DrivesLeastSquaresToItsMinimum(string name, int steps, double tolerance)
    {
        OptimizerState state = ConvergenceConfigurations[name].CreateState(3);
        var theta = new float[3];
        var gradient = new float[3];
        double initialError = ThetaStar.Max(Math.Abs), worst = 0;
        for (int step = 1; step <= steps; step++)
        {
            LeastSquaresGradient(theta, gradient);
            state.Step(theta, gradient);
            if (step > steps - 100) // and it stays there
                for (int c = 0; c < 3; c++)
                    worst = Math.Max(worst, Math.Abs(theta[c] - ThetaStar[c]));
        }
        Assert.True(worst < tolerance,
            $"{name}: ‖θ − θ*‖∞ reached {worst:E3} over the last 100 of {steps} steps (from {initialError}).");
    }

    // ----- Invalid settings. -----

    public static TheoryData<string> InvalidNames => new(Invalid.Keys);

    private static readonly Dictionary<string, (Optimizer Optimizer, string Setting, float Value)> Invalid = new()
    {
        ["sgd negative learning rate"] = (new Sgd(-0.1f), "LearningRate", -0.1f),
        ["sgd NaN learning rate"] = (new Sgd(float.NaN), "LearningRate", float.NaN),
        ["sgd infinite learning rate"] = (new Sgd(float.PositiveInfinity), "LearningRate", float.PositiveInfinity),
        ["sgd negative momentum"] = (new Sgd { Momentum = -0.1f }, "Momentum", -0.1f),
        ["sgd momentum above 1"] = (new Sgd { Momentum = 1.5f }, "Momentum", 1.5f),
        ["adagrad negative learning rate"] = (new Adagrad(-1f), "LearningRate", -1f),
        ["adagrad negative accumulator"] = (new Adagrad(InitialAccumulatorValue: -0.1f), "InitialAccumulatorValue", -0.1f),
        ["adagrad negative epsilon"] = (new Adagrad(Epsilon: -1e-7f), "Epsilon", -1e-7f),
        ["adadelta negative learning rate"] = (new Adadelta(-1f), "LearningRate", -1f),
        ["adadelta rho 1"] = (new Adadelta(Rho: 1f), "Rho", 1f),
        ["adadelta negative rho"] = (new Adadelta(Rho: -0.1f), "Rho", -0.1f),
        ["adadelta NaN epsilon"] = (new Adadelta(Epsilon: float.NaN), "Epsilon", float.NaN),
        ["rmsprop negative learning rate"] = (new RmsProp(-1f), "LearningRate", -1f),
        ["rmsprop rho 1"] = (new RmsProp(Rho: 1f), "Rho", 1f),
        ["rmsprop negative momentum"] = (new RmsProp(Momentum: -0.5f), "Momentum", -0.5f),
        ["rmsprop momentum above 1"] = (new RmsProp(Momentum: 1.01f), "Momentum", 1.01f),
        ["rmsprop negative epsilon"] = (new RmsProp(Epsilon: -1f), "Epsilon", -1f),
        ["adam negative learning rate"] = (new Adam(-0.001f), "LearningRate", -0.001f),
        ["adam beta1 1"] = (new Adam(Beta1: 1f), "Beta1", 1f),
        ["adam negative beta1"] = (new Adam(Beta1: -0.1f), "Beta1", -0.1f),
        ["adam beta2 1 via with"] = (new Adam() with { Beta2 = 1f }, "Beta2", 1f),
        ["adam beta2 above 1"] = (new Adam(Beta2: 1.5f), "Beta2", 1.5f),
        ["adam negative epsilon"] = (new Adam(Epsilon: -1f), "Epsilon", -1f),
    };

    [Theory]
    [MemberData(nameof(InvalidNames))]
    public void InvalidSettingThrowsWhenStateIsCreated(string name)
    {
        var (optimizer, setting, value) = Invalid[name];
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.CreateState(4));
        Assert.Equal(setting, ex.ParamName);
        Assert.Equal(value, Assert.IsType<float>(ex.ActualValue));
        Assert.Contains(setting, ex.Message);
        Assert.Contains(value.ToString(), ex.Message);
    }

    [Fact]
    public void BoundarySettingsAreAccepted()
    {
        _ = new Sgd(0f) { Momentum = 1f }.CreateState(1);
        _ = new Adagrad(0f, InitialAccumulatorValue: 0f, Epsilon: 0f).CreateState(1);
        _ = new Adadelta(Rho: 0f).CreateState(1);
        _ = new RmsProp(Rho: 0f, Momentum: 1f).CreateState(1);
        _ = new Adam(Beta1: 0f, Beta2: 0f).CreateState(1);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void NegativeParameterCountThrows(string name) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Configurations[name].CreateState(-1));

    // ----- Step's argument checks. -----

    [Theory]
    [MemberData(nameof(Names))]
    public void StepWithWrongLengthsThrows(string name)
    {
        OptimizerState state = Configurations[name].CreateState(4);
        float[] parameters = [1, 2, 3, 4];
        float[] gradient = [1, 1, 1, 1];

        Assert.Throws<ArgumentException>(() => state.Step(new float[5], gradient));
        Assert.Throws<ArgumentException>(() => state.Step(parameters, new float[3]));
        Assert.Throws<ArgumentException>(() => state.Step(new float[3], new float[3]));
        Assert.Equal(0, state.Iterations);
        Assert.Equal([1f, 2f, 3f, 4f], parameters);

        state.Step(parameters, gradient);
        Assert.Equal(1, state.Iterations);
        Assert.Equal(4, state.ParameterCount);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void EmptyParameterBufferIsFine(string name)
    {
        OptimizerState state = Configurations[name].CreateState(0);
        state.Step([], []);
        Assert.Equal(1, state.Iterations);
    }

    // ----- Determinism. -----

    [Theory]
    [MemberData(nameof(Names))]
    public void StepsAreDeterministicAndIndependentOfLanePosition(string name)
    {
        const int n = 45; // 32 + 8 + 4 + 1
        Optimizer optimizer = Configurations[name];
        OptimizerState first = optimizer.CreateState(n), second = optimizer.CreateState(n);
        float[] a = new float[n], b = new float[n], g = new float[n];
        Array.Fill(a, 0.75f);
        Array.Fill(b, 0.75f);
        for (int step = 0; step < 5; step++)
        {
            Array.Fill(g, step % 2 == 0 ? 0.3f : -0.7f);
            first.Step(a, g);
            second.Step(b, g);
        }
        Assert.Equal(a, b);
        // Every element saw the same numbers, so each lane width and the scalar tail must agree bit for bit.
        Assert.All(a, x => Assert.Equal(BitConverter.SingleToInt32Bits(a[0]), BitConverter.SingleToInt32Bits(x)));
        Assert.NotEqual(0.75f, a[0]);
    }

    // ----- A step allocates nothing. -----

    [Theory]
    [MemberData(nameof(Names))]
    public void StepAllocatesNothing(string name)
    {
        const int n = 1003;
        OptimizerState state = Configurations[name].CreateState(n);
        float[] parameters = new float[n], gradient = new float[n];
        for (int i = 0; i < n; i++)
        {
            parameters[i] = MathF.Sin(i);
            gradient[i] = MathF.Cos(i) * 1e-3f;
        }
        for (int i = 0; i < 50; i++)
            state.Step(parameters, gradient);

        // A step that allocates would allocate in every window; the runtime's one-off work while the
        // JIT tiers the loop up (on a busy machine, late) can touch a window or two, so measure several.
        var windows = new List<long>();
        for (int window = 0; window < 10 && (windows.Count == 0 || windows[^1] != 0); window++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 500; i++)
                state.Step(parameters, gradient);
            windows.Add(GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.True(windows[^1] == 0, $"every window of 500 steps allocated: {string.Join(", ", windows)} bytes");
        Assert.All(parameters, p => Assert.True(float.IsFinite(p)));
    }
}
