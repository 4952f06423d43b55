using Xunit;

namespace NetDsl.Tests;

/// <summary>The worked numbers of MIT 6.S191 lecture 1 (2018), and a one-step SGD update worked by hand.</summary>
public sealed class LectureTests
{
    private static readonly float[] X = [-1f, 2f];

    private static Perceptron LecturePerceptron()
    {
        var net = new Perceptron(seed: 1);
        net.Output.Bias[0] = 1f;             // θ₀ = 1
        net.Output.Weights[0, 0] = 3f;       // θ = (3, −2)
        net.Output.Weights[0, 1] = -2f;
        return net;
    }

    [Fact]
    public void The_perceptron_with_theta0_1_and_theta_3_minus2_gives_z_minus6_at_x_minus1_2()
    {
        var net = LecturePerceptron();
        Assert.Equal(new float[] { 3f, -2f, 1f }, net.Parameters.ToArray()); // the documented layout: weights, then bias

        // z = θ₀ + θ·x = 1 + 3·(−1) + (−2)·2 = −6: the logit, which is what binary cross-entropy reads.
        INetworkModel model = net;
        var z = model.ComputeLossInputs(X, 1, model.CreateWorkspace(1));
        Assert.Equal(-6f, z[0]);

        // ŷ = σ(−6) = 1 / (1 + e⁶) ≈ 0.002472623
        float yHat = net.Predict(X)[0];
        Assert.Equal(0.0024726231566347743, yHat, 1e-8);
        Span<float> output = stackalloc float[1];
        net.Predict(X, output);
        Assert.Equal(yHat, output[0]);
    }

    [Fact]
    public void The_perceptrons_loss_and_gradient_at_the_lectures_point()
    {
        var net = LecturePerceptron();
        var gradient = new float[3];

        // Target 1: L = −log σ(−6) = 6 + log(1 + e⁻⁶) = 6.00247568…; dL/dz = ŷ − 1.
        float loss = net.LossAndGradient(X, [1f], gradient);
        Assert.Equal(6.0024756851377301, loss, 1e-5);
        const double dz1 = 0.0024726231566347743 - 1;
        Assert.Equal(dz1 * -1, gradient[0], 1e-6); // dL/dθ₁ = (ŷ − y)·x₁
        Assert.Equal(dz1 * 2, gradient[1], 1e-6);  // dL/dθ₂ = (ŷ − y)·x₂
        Assert.Equal(dz1, gradient[2], 1e-6);      // dL/dθ₀ = ŷ − y

        // Target 0: L = −log(1 − σ(−6)) = log(1 + e⁻⁶) = 0.00247568…; dL/dz = ŷ.
        loss = net.LossAndGradient(X, [0f], gradient);
        Assert.Equal(0.0024756851377301, loss, 1e-8);
        const double dz0 = 0.0024726231566347743;
        Assert.Equal(dz0 * -1, gradient[0], 1e-8);
        Assert.Equal(dz0 * 2, gradient[1], 1e-8);
        Assert.Equal(dz0, gradient[2], 1e-8);
    }

    // "Will I pass this class?" with weights set by hand, x = (4 lectures, 5 hours), y = 1 (passed),
    // one step of SGD with η = 0.1. Worked by hand (to 9 figures, in double):
    //   z₁ = W₁x + b₁ = (0.5·4 − 0.25·5 + 0.1, 0.75·4 + 0.5·5 − 0.2, −1·4 + 0.25·5 + 0.05) = (0.85, 5.3, −2.7)
    //   a₁ = σ(z₁) = (0.700567142, 0.995033198, 0.0629733561)
    //   z₂ = W₂·a₁ + b₂ = 1.5·a₁₀ − 1·a₁₁ + 0.5·a₁₂ − 0.1 = −0.0126958066,  ŷ = σ(z₂) = 0.496826091
    //   L = −log ŷ = 0.699515232
    //   δ₂ = ŷ − y = −0.503173909                       dW₂ = δ₂·a₁, db₂ = δ₂
    //   δ₁ = δ₂·W₂ ⊙ a₁ ⊙ (1 − a₁) = (−0.158328316, 0.00248675214, −0.0148455707)
    //   dW₁ = δ₁·xᵀ, db₁ = δ₁
    //   θ ← θ − 0.1·dL/dθ
    private static PassFail HandSetPassFail()
    {
        var net = new PassFail(seed: 3);
        float[][] w1 = [[0.5f, -0.25f], [0.75f, 0.5f], [-1f, 0.25f]];
        for (int u = 0; u < 3; u++)
            for (int k = 0; k < 2; k++)
                net.Hidden.Weights[u, k] = w1[u][k];
        net.Hidden.Bias[0] = 0.1f;
        net.Hidden.Bias[1] = -0.2f;
        net.Hidden.Bias[2] = 0.05f;
        net.Output.Weights[0, 0] = 1.5f;
        net.Output.Weights[0, 1] = -1f;
        net.Output.Weights[0, 2] = 0.5f;
        net.Output.Bias[0] = -0.1f;
        return net;
    }

    private static readonly float[] PassFailX = [4f, 5f];
    private static readonly float[] PassFailY = [1f];

    private static readonly double[] HandGradient =
    [
        -0.633313263, -0.791641579, 0.00994700858, 0.0124337607, -0.0593822827, -0.0742278534, // dW₁
        -0.158328316, 0.00248675214, -0.0148455707,                                            // db₁
        -0.352507108, -0.500674744, -0.0316865497,                                             // dW₂
        -0.503173909,                                                                          // db₂
    ];

    private static readonly double[] HandAfterOneStep =
    [
        0.563331326, -0.170835842, 0.749005299, 0.498756624, -0.994061772, 0.257422785, // W₁
        0.115832832, -0.200248675, 0.0514845571,                                        // b₁
        1.53525071, -0.949932526, 0.503168655,                                          // W₂
        -0.0496826091,                                                                  // b₂
    ];

    [Fact]
    public void PassFail_gradient_matches_the_hand_worked_backpropagation()
    {
        var net = HandSetPassFail();
        Assert.Equal(0.496826091, net.Predict(PassFailX)[0], 1e-6);
        var gradient = new float[PassFail.ParameterCount];
        float loss = net.LossAndGradient(PassFailX, PassFailY, gradient);
        Assert.Equal(0.699515232, loss, 1e-6);
        for (int i = 0; i < HandGradient.Length; i++)
            Assert.True(Math.Abs(gradient[i] - HandGradient[i]) <= 1e-6, $"gradient[{i}] = {gradient[i]}, by hand {HandGradient[i]}");
    }

    [Fact]
    public void One_SGD_step_of_PassFail_matches_the_hand_worked_update()
    {
        var net = HandSetPassFail();
        using var trainer = new Trainer(net, new Sgd(0.1f), maxBatchSize: 1, maxDegreeOfParallelism: 1);
        float loss = trainer.Step(PassFailX, PassFailY);
        Assert.Equal(0.699515232, loss, 1e-6); // the loss before the update
        AssertParameters(HandAfterOneStep, net.Parameters);
        for (int i = 0; i < HandGradient.Length; i++)
            Assert.Equal(HandGradient[i], trainer.LastGradient[i], 1e-6);
    }

    [Fact]
    public void One_epoch_of_Fit_on_one_example_is_the_same_step()
    {
        var net = HandSetPassFail();
        var history = net.Fit(PassFailX, PassFailY, new TrainOptions { Epochs = 1, BatchSize = 1, Optimizer = new Sgd(0.1f) });
        Assert.Equal(0.699515232, history.Loss.Single(), 1e-6);
        AssertParameters(HandAfterOneStep, net.Parameters);
    }

    private static void AssertParameters(double[] expected, Span<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-6, $"parameter {i} = {actual[i]}, by hand {expected[i]}");
    }
}
