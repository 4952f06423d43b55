namespace NetDsl.Examples;

/// <summary>Finds Fashion-MNIST: the full set if present (--data, FASHION_MNIST_DIR, the Debian package), else the shipped subset.</summary>
internal static class FashionData
{
    public static (Dataset Train, Dataset Test, bool Full) Load(string? directory, bool quiet = false)
    {
        if (FashionMnist.TryFind(directory, out string found))
        {
            var (train, test) = FashionMnist.Load(found);
            if (!quiet) Console.WriteLine($"Fashion-MNIST from {found}: {train.Count} training and {test.Count} test images.");
            return (train, test, true);
        }
        if (directory is not null)
            throw new DirectoryNotFoundException($"No Fashion-MNIST files in '{directory}'. {FashionMnist.MissingMessage}");
        var (subsetTrain, subsetTest) = FashionMnist.LoadSubset();
        if (!quiet)
        {
            Console.WriteLine($"The full Fashion-MNIST set was not found, so this uses the shipped subset ({subsetTrain.Count} training, {subsetTest.Count} test images).");
            Console.WriteLine(FashionMnist.MissingMessage);
        }
        return (subsetTrain, subsetTest, false);
    }
}
