namespace NetDsl.Examples;

/// <summary>
/// Trains the 784 → 128 → 10 MLP on Fashion-MNIST with the documented settings (Adam 1e-3, batch 32,
/// up to 20 epochs, 10% held out for early stopping on validation loss, best weights restored) and
/// reports test accuracy.
/// </summary>
internal static class FashionExample
{
    public static void Run(string? dataDirectory, int? epochs)
    {
        var (train, test, _) = FashionData.Load(dataDirectory);
        var net = new FashionMlp(seed: 1);
        var options = new TrainOptions
        {
            Epochs = epochs ?? 20,
            BatchSize = 32,
            Optimizer = new Adam(1e-3f),
            Seed = 1,
            ValidationSplit = 0.1f,
            EarlyStopping = new EarlyStopping { Monitor = Monitor.ValidationLoss, Patience = 3, RestoreBestWeights = true },
            Progress = new ProgressBar(),
        };
        Console.WriteLine($"Training {nameof(FashionMlp)} (784 → 128 ReLU → 10 softmax, {FashionMlp.ParameterCount:N0} parameters): " +
            $"Adam 1e-3, batch {options.BatchSize}, up to {options.Epochs} epochs, early stopping on validation loss (patience 3).");
        var history = net.Fit(train.Features, train.OneHotTargets(), options);
        if (history.StoppedEpoch is int stopped)
            Console.WriteLine($"Stopped early after epoch {stopped}; restored the weights of epoch {history.BestEpoch}.");
        else if (history.RestoredBestWeights)
            Console.WriteLine($"Restored the weights of the best epoch, {history.BestEpoch}.");
        var result = net.Evaluate(test.Features, test.OneHotTargets());
        Console.WriteLine($"Test: loss {result.Loss:0.0000}, accuracy {result.Accuracy:0.0000} on {test.Count} images.");

        // A few predictions, for a feel of what it learnt.
        var probabilities = new float[FashionMnist.Classes];
        for (int i = 0; i < 5; i++)
        {
            net.Predict(test.FeaturesOf(i), probabilities);
            int guess = Accuracy.ArgMax(probabilities);
            Console.WriteLine($"  image {i}: {FashionMnist.ClassNames[guess]} ({probabilities[guess]:P0}); truly {FashionMnist.ClassNames[test.Labels[i]]}");
        }
    }
}
