using System.Numerics.Tensors;
using NetDsl.Datasets;

namespace NetDsl.Examples;

/// <summary>
/// Trains <see cref="FashionWide"/> (784 → 512 ReLU → dropout 0.2 → 10) on Fashion-MNIST with the
/// documented settings — Adam 5e-4, batch 128, up to 50 epochs, 10% of the training images held out,
/// early stopping on validation accuracy with patience 10 and the best weights restored — and
/// reports test accuracy. Measured on the full set: 0.8991 with seed 1; 0.8948–0.8995 over seeds 1–7.
/// </summary>
internal static class FashionExample
{
    public static void Run(string? dataDirectory, int? epochs)
    {
        var (train, test, _) = FashionData.Load(dataDirectory);
        var net = new FashionWide(seed: 1);
        var options = new TrainOptions
        {
            Epochs = epochs ?? 50,
            BatchSize = 128,
            Optimizer = new Adam(5e-4f),
            Seed = 1,
            ValidationSplit = 0.1f,
            EarlyStopping = new EarlyStopping { Monitor = Metric.ValidationAccuracy, Patience = 10, RestoreBestWeights = true },
            Progress = new ProgressBar(),
        };
        Console.WriteLine($"Training {nameof(FashionWide)} (784 → 512 ReLU → dropout 0.2 → 10 softmax, {FashionWide.ParameterCount:N0} parameters): " +
            $"Adam 5e-4, batch {options.BatchSize}, up to {options.Epochs} epochs, 10% held out, early stopping on validation accuracy (patience 10).");
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
            int guess = TensorPrimitives.IndexOfMax(probabilities);
            Console.WriteLine($"  image {i}: {FashionMnist.ClassNames[guess]} ({probabilities[guess]:P0}); truly {FashionMnist.ClassNames[test.Labels[i]]}");
        }
    }
}
