namespace NetDsl.Examples;

/// <summary>The lecture tour: the perceptron's worked example, then the pass/fail network before and after training.</summary>
internal static class Tour
{
    public static void Run()
    {
        Perceptron();
        Console.WriteLine();
        PassFailNetwork();
    }

    public static void Perceptron()
    {
        Console.WriteLine("The perceptron: ŷ = σ(θ₀ + θ·x)");
        var net = new Perceptron(seed: 0);
        net.Output.Bias[0] = 1f;          // θ₀
        net.Output.Weights[0, 0] = 3f;    // θ₁
        net.Output.Weights[0, 1] = -2f;   // θ₂
        float[] x = [-1f, 2f];
        float z = net.Output.Bias[0] + net.Output.Weights[0, 0] * x[0] + net.Output.Weights[0, 1] * x[1];
        float y = net.Predict(x)[0];
        Console.WriteLine($"  θ₀ = 1, θ = (3, −2), x = (−1, 2)");
        Console.WriteLine($"  z = θ₀ + θ·x = 1 + 3·(−1) + (−2)·2 = {z:0.###}");
        Console.WriteLine($"  ŷ = σ(z) = {y:0.00000}");
    }

    public static void PassFailNetwork()
    {
        Console.WriteLine("Will I pass this class? 2 features (lectures attended, hours on the final project) → 3 sigmoid units → pass probability");
        var net = new PassFail(seed: 42);
        Console.WriteLine(Indent(net.Summary()));
        float[] student = [4f, 5f];
        string truth = ClassData.Passes(student[0], student[1]) ? "passes" : "fails";
        Console.WriteLine($"  A student with 4 lectures and 5 hours {truth} (lectures + 2·hours ≥ 12).");
        Report("Untrained", net.Predict(student)[0], truth);

        var (x, y) = ClassData.Generate(students: 400, seed: 7);
        var options = new TrainOptions { Epochs = 300, BatchSize = 16, Optimizer = new Adam(0.05f), Seed = 1 };
        var history = net.Fit(x, y, options);
        var (testX, testY) = ClassData.Generate(students: 200, seed: 8);
        var result = net.Evaluate(testX, testY);
        Console.WriteLine($"  Trained on 400 students ({options.Epochs} epochs, batch {options.BatchSize}, Adam 0.05): " +
            $"loss {history.Loss[0]:0.000} → {history.Loss[^1]:0.000}; accuracy on 200 new students {result.Accuracy:P1}");
        Report("Trained", net.Predict(student)[0], truth);
    }

    private static string Indent(string text) => "  " + text.ReplaceLineEndings(Environment.NewLine + "  ");

    private static void Report(string when, float probability, string truth)
    {
        string guess = probability >= 0.5f ? "passes" : "fails";
        Console.WriteLine($"  {when}: ŷ = {probability:0.000} → the network says she {guess}: {(guess == truth ? "right" : "wrong")}.");
    }
}
