using Xunit;

namespace NetDsl.Tests;

/// <summary>Networks learn, end to end, through the generated Fit.</summary>
public sealed class TrainingTests(ITestOutputHelper output)
{
    /// <summary>
    /// "Will I pass this class?": lectures attended (0–20) and hours on the project (0–20); a student
    /// passes when lectures + 0.5·hours ≥ 15. Features are standardised: (value − 10) / 6.
    /// </summary>
    internal static (float[] X, float[] Y) PassFailData(int rows, int seed)
    {
        var random = new SeededRandom(seed, 42);
        var x = new float[rows * 2];
        var y = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            float lectures = random.NextInt(21), hours = 20f * random.NextFloat();
            x[2 * r] = (lectures - 10f) / 6f;
            x[2 * r + 1] = (hours - 10f) / 6f;
            y[r] = lectures + 0.5f * hours >= 15f ? 1f : 0f;
        }
        return (x, y);
    }

    [Fact]
    public void PassFail_learns_the_pass_rule()
    {
        var (x, y) = PassFailData(200, seed: 1);
        Assert.InRange(y.Average(), 0.25, 0.75); // both classes are well represented
        var net = new PassFail(seed: 42);
        var options = new TrainOptions { Epochs = 150, BatchSize = 8, Optimizer = new Adam(0.05f), Seed = 7 };
        var history = net.Fit(x, y, options);
        var train = net.Evaluate(x, y);
        var (testX, testY) = PassFailData(500, seed: 2);
        var test = net.Evaluate(testX, testY);
        output.WriteLine($"{options}: loss {history.Loss[0]:F4} → {history.Loss[^1]:F4}; train accuracy {train.Accuracy:P1}, test accuracy {test.Accuracy:P1}");
        Assert.True(history.Loss[^1] < history.Loss[0] / 3, $"The loss went from {history.Loss[0]} to {history.Loss[^1]}.");
        Assert.True(train.Accuracy >= 0.95f, $"Training accuracy {train.Accuracy}.");
        Assert.True(test.Accuracy >= 0.95f, $"Test accuracy {test.Accuracy}.");
    }

    [Fact]
    public void PassFail_learns_with_plain_SGD_one_example_a_step()
    {
        // The lecture's stochastic gradient descent: one example per step.
        var (x, y) = PassFailData(200, seed: 3);
        var net = new PassFail(seed: 42);
        var options = new TrainOptions { Epochs = 100, BatchSize = 1, Optimizer = new Sgd(0.5f), Seed = 1 };
        net.Fit(x, y, options);
        var result = net.Evaluate(x, y);
        output.WriteLine($"{options}: loss {result.Loss:F4}, accuracy {result.Accuracy:P1}");
        Assert.True(result.Accuracy >= 0.95f, $"Accuracy {result.Accuracy}.");
    }

    private static readonly float[] XorX = [0, 0, 0, 1, 1, 0, 1, 1];
    private static readonly float[] XorY = [0, 1, 1, 0];

    [Fact]
    public void Xor_is_learned()
    {
        var net = new Xor(seed: 3);
        var options = new TrainOptions { Epochs = 500, BatchSize = 4, Optimizer = new Adam(0.05f) };
        var history = net.Fit(XorX, XorY, options);
        output.WriteLine($"{options}: loss {history.Loss[0]:F4} → {history.Loss[^1]:F4}");
        for (int i = 0; i < 4; i++)
        {
            float p = net.Predict(XorX.AsSpan(2 * i, 2))[0];
            output.WriteLine($"xor({XorX[2 * i]}, {XorX[2 * i + 1]}) = {p:F4}");
            Assert.True(XorY[i] == 1f ? p > 0.5f : p < 0.5f, $"xor({XorX[2 * i]}, {XorX[2 * i + 1]}) predicted {p}.");
        }
        Assert.Equal(1f, net.Evaluate(XorX, XorY).Accuracy);
        Assert.True(history.Loss[^1] < 0.1f, $"Final loss {history.Loss[^1]}.");
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Every_optimizer_learns_xor(string name, Optimizer optimizer, int epochs)
    {
        var net = new Xor(seed: 3);
        var history = net.Fit(XorX, XorY, new TrainOptions { Epochs = epochs, BatchSize = 4, Optimizer = optimizer });
        output.WriteLine($"{name}: loss {history.Loss[0]:F4} → {history.Loss[^1]:F4}");
        Assert.Equal(1f, net.Evaluate(XorX, XorY).Accuracy);
    }

    public static TheoryData<string, Optimizer, int> Optimizers() => new()
    {
        { "SGD", new Sgd(0.5f), 2000 },
        { "SGD momentum", new Sgd(0.2f) { Momentum = 0.9f }, 1000 },
        { "SGD Nesterov", new Sgd(0.2f) { Momentum = 0.9f, Nesterov = true }, 1000 },
        { "Adagrad", new Adagrad(0.2f), 1000 },
        { "Adadelta", new Adadelta(1f), 1000 },
        { "RmsProp", new RmsProp(0.02f), 1000 },
        { "Adam", new Adam(0.05f), 500 },
    };

    [Fact]
    public void A_regression_net_fits_a_smooth_curve()
    {
        // y = sin(2x) on [−1.5, 1.5], 61 evenly spaced points; its variance there is about 0.5.
        const int rows = 61;
        var x = new float[rows];
        var y = new float[rows];
        for (int i = 0; i < rows; i++)
        {
            x[i] = -1.5f + 3f * i / (rows - 1);
            y[i] = MathF.Sin(2 * x[i]);
        }
        var net = new CurveFit(seed: 5);
        var options = new TrainOptions { Epochs = 600, BatchSize = 16, Optimizer = new Adam(0.02f), Seed = 3 };
        var history = net.Fit(x, y, options);
        var result = net.Evaluate(x, y);
        Assert.Null(result.Accuracy);
        // Between the training points, too.
        double worst = 0;
        for (int i = 0; i < 60; i++)
        {
            float xi = -1.5f + 3f * (i + 0.5f) / (rows - 1);
            worst = Math.Max(worst, Math.Abs(net.Predict([xi])[0] - MathF.Sin(2 * xi)));
        }
        output.WriteLine($"{options}: MSE {history.Loss[0]:F4} → {result.Loss:F5}; worst error between points {worst:F4}");
        Assert.True(result.Loss < 0.005f, $"MSE {result.Loss}.");
        Assert.True(worst < 0.2, $"Worst error between the training points {worst}.");
    }

    /// <summary>Three Gaussian blobs (σ = 0.4) around the corners of a triangle of side about 3.4; one-hot targets.</summary>
    internal static (float[] X, float[] Y) Blobs(int rows, int seed)
    {
        (float X, float Y)[] centres = [(0f, 2f), (-1.7f, -1f), (1.7f, -1f)];
        var random = new SeededRandom(seed, 17);
        var x = new float[rows * 2];
        var y = new float[rows * 3];
        for (int r = 0; r < rows; r++)
        {
            int c = r % 3;
            x[2 * r] = centres[c].X + 0.4f * (float)random.NextNormal();
            x[2 * r + 1] = centres[c].Y + 0.4f * (float)random.NextNormal();
            y[3 * r + c] = 1f;
        }
        return (x, y);
    }

    [Fact]
    public void A_softmax_classifier_separates_three_classes()
    {
        var (x, y) = Blobs(150, seed: 1);
        var net = new ThreeClasses(seed: 9);
        var options = new TrainOptions { Epochs = 60, BatchSize = 16, Optimizer = new Adam(0.02f), Seed = 2 };
        var history = net.Fit(x, y, options);
        var (testX, testY) = Blobs(300, seed: 2);
        var train = net.Evaluate(x, y);
        var test = net.Evaluate(testX, testY);
        output.WriteLine($"{options}: loss {history.Loss[0]:F4} → {history.Loss[^1]:F4}; train {train.Accuracy:P1}, test {test.Accuracy:P1}");
        Assert.True(train.Accuracy >= 0.95f, $"Training accuracy {train.Accuracy}.");
        Assert.True(test.Accuracy >= 0.95f, $"Test accuracy {test.Accuracy}.");
        // The softmax outputs are a probability distribution.
        var p = net.Predict(testX.AsSpan(0, 2));
        Assert.Equal(1f, p.Sum(), 1e-5f);
        Assert.All(p, v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void A_network_with_dropout_still_learns()
    {
        // A separable 3-class problem in 37 dimensions: the class is the arg-max of three fixed projections.
        var random = new SeededRandom(4, 4);
        const int rows = 300;
        var x = new float[rows * 37];
        var y = new float[rows * 3];
        var projections = new float[3 * 37];
        for (int i = 0; i < projections.Length; i++) projections[i] = 2f * random.NextFloat() - 1f;
        for (int r = 0; r < rows; r++)
        {
            var row = x.AsSpan(r * 37, 37);
            for (int k = 0; k < 37; k++) row[k] = 2f * random.NextFloat() - 1f;
            int best = 0;
            float bestScore = float.NegativeInfinity;
            for (int c = 0; c < 3; c++)
            {
                float score = 0;
                for (int k = 0; k < 37; k++) score += projections[c * 37 + k] * row[k];
                if (score > bestScore) (best, bestScore) = (c, score);
            }
            y[r * 3 + best] = 1f;
        }
        var net = new KernelDropout(seed: 1);
        float before = net.Evaluate(x, y).Loss;
        var options = new TrainOptions { Epochs = 40, BatchSize = 32, Optimizer = new Adam(0.01f), Seed = 5 };
        net.Fit(x, y, options);
        var after = net.Evaluate(x, y);
        output.WriteLine($"{options}: loss {before:F4} → {after.Loss:F4}, accuracy {after.Accuracy:P1}");
        Assert.True(after.Loss < before / 3, $"Loss {before} → {after.Loss}.");
        Assert.True(after.Accuracy >= 0.9f, $"Accuracy {after.Accuracy}.");
    }
}
