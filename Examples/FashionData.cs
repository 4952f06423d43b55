using NetDsl.Datasets;

namespace NetDsl.Examples;

/// <summary>Finds Fashion-MNIST: the full set if present (--data, FASHION_MNIST_DIR, the Debian package), else the shipped subset.</summary>
internal static class FashionData
{
    public static (Dataset Train, Dataset Test, bool Full) Load(string? directory, bool quiet = false)
    {
        // A folder the user names is the only one tried: falling back elsewhere would hide a typo.
        if (directory is not null || FashionMnist.TryFind(null, out directory))
        {
            var (train, test) = FashionMnist.Load(directory);
            if (!quiet) Console.WriteLine($"Fashion-MNIST from {directory}: {train.Count} training and {test.Count} test images.");
            return (train, test, true);
        }
        var (subsetTrain, subsetTest) = FashionMnist.LoadSubset();
        if (!quiet)
        {
            Console.WriteLine($"The full Fashion-MNIST set was not found, so this uses the shipped subset ({subsetTrain.Count} training, {subsetTest.Count} test images).");
            Console.WriteLine(FashionMnist.MissingMessage);
        }
        return (subsetTrain, subsetTest, false);
    }
}
