namespace NetDsl.Datasets;

/// <summary>
/// Fashion-MNIST (Zalando Research: Han Xiao, Kashif Rasul, Roland Vollgraf; MIT licence;
/// https://github.com/zalandoresearch/fashion-mnist): 28×28 greyscale images of clothing
/// in 10 classes, 60000 for training and 10000 for testing, as four IDX files.
/// <see cref="Load"/> reads the full set from a folder; <see cref="LoadSubset"/> reads a
/// class-balanced subset (6000 training, 1000 test images) built into NetDsl.Datasets.
/// </summary>
public static class FashionMnist
{
    /// <summary>Number of classes.</summary>
    public const int Classes = 10;

    /// <summary>Image height in pixels.</summary>
    public const int ImageRows = 28;

    /// <summary>Image width in pixels.</summary>
    public const int ImageColumns = 28;

    /// <summary>Where Debian's package <c>dataset-fashion-mnist</c> installs the full set.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>Environment variable that <see cref="TryFind"/> consults for a folder holding the full set.</summary>
    public const string EnvironmentVariable = "FASHION_MNIST_DIR";

    /// <summary>The training images file's name (optionally with <c>.gz</c>).</summary>
    public const string TrainImagesFile = "train-images-idx3-ubyte";

    /// <summary>The training labels file's name (optionally with <c>.gz</c>).</summary>
    public const string TrainLabelsFile = "train-labels-idx1-ubyte";

    /// <summary>The test images file's name (optionally with <c>.gz</c>).</summary>
    public const string TestImagesFile = "t10k-images-idx3-ubyte";

    /// <summary>The test labels file's name (optionally with <c>.gz</c>).</summary>
    public const string TestLabelsFile = "t10k-labels-idx1-ubyte";

    /// <summary>Prefix of the names of the embedded resources holding the subset.</summary>
    internal const string SubsetResourcePrefix = "NetDsl.Datasets.fashion-mnist-subset.";

    /// <summary>The class names, by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
    [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ];

    /// <summary>
    /// Tells the user how to get the full set and where NetDsl looks for it, for when
    /// <see cref="TryFind"/> finds nothing.
    /// </summary>
    public static string MissingMessage { get; } =
        "To get the full Fashion-MNIST set (60000 training and 10000 test images), either install "
        + "Debian's package with `apt-get install dataset-fashion-mnist` (it puts the files in "
        + $"{DefaultDirectory}), or download the four IDX files {TrainImagesFile}.gz, {TrainLabelsFile}.gz, "
        + $"{TestImagesFile}.gz and {TestLabelsFile}.gz from the Fashion-MNIST repository "
        + "(https://github.com/zalandoresearch/fashion-mnist, folder data/fashion) into a folder and pass "
        + "`--data <folder>`. The set is looked for in the folder passed with --data, then in the folder "
        + $"named by ${EnvironmentVariable}, then in {DefaultDirectory}.";

    private static readonly string[] FileNames = [TrainImagesFile, TrainLabelsFile, TestImagesFile, TestLabelsFile];

    /// <summary>
    /// Reads the full set from <paramref name="directory"/>, which holds the four IDX files,
    /// each either plain or gzip-compressed (with or without the <c>.gz</c> name).
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">One of the four files is missing.</exception>
    /// <exception cref="InvalidDataException">A file is malformed, or not 28×28 images with labels in [0, 10).</exception>
    public static (Dataset Train, Dataset Test) Load(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (File.Exists(directory))
        {
            throw new DirectoryNotFoundException(
                $"'{directory}' is a file; expected the folder holding the four Fashion-MNIST files "
                + $"({TrainImagesFile}, {TrainLabelsFile}, {TestImagesFile}, {TestLabelsFile}, each optionally .gz).");
        }

        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Fashion-MNIST folder '{directory}' does not exist. {MissingMessage}");

        string Require(string name) => FindFile(directory, name)
            ?? throw new FileNotFoundException(
                $"Fashion-MNIST folder '{directory}' has neither {name} nor {name}.gz. {MissingMessage}",
                Path.Combine(directory, name + ".gz"));

        string trainImages = Require(TrainImagesFile), trainLabels = Require(TrainLabelsFile);
        string testImages = Require(TestImagesFile), testLabels = Require(TestLabelsFile);
        return (
            ToDataset(Idx.ReadImages(trainImages), trainImages, Idx.ReadLabels(trainLabels), trainLabels),
            ToDataset(Idx.ReadImages(testImages), testImages, Idx.ReadLabels(testLabels), testLabels));
    }

    /// <summary>
    /// Looks for a folder holding the four files of the full set: <paramref name="directory"/>
    /// if given, then the folder named by <c>$FASHION_MNIST_DIR</c>, then <see cref="DefaultDirectory"/>.
    /// </summary>
    /// <param name="directory">A folder to try first, or null.</param>
    /// <param name="found">The first folder that has all four files; empty when none has.</param>
    /// <returns>Whether such a folder was found.</returns>
    public static bool TryFind(string? directory, out string found)
    {
        foreach (string? candidate in (string?[])[directory, Environment.GetEnvironmentVariable(EnvironmentVariable), DefaultDirectory])
        {
            if (!string.IsNullOrEmpty(candidate) && Directory.Exists(candidate)
                && Array.TrueForAll(FileNames, name => FindFile(candidate, name) is not null))
            {
                found = candidate;
                return true;
            }
        }

        found = string.Empty;
        return false;
    }

    /// <summary>
    /// Reads the subset built into NetDsl.Datasets: 6000 training images (600 per class) drawn from the
    /// training set and 1000 test images (100 per class) from the test set, made by
    /// <c>data/make-fashion-subset.sh</c>. Each call returns fresh arrays.
    /// </summary>
    /// <exception cref="InvalidOperationException">NetDsl.Datasets was built without the subset's resources.</exception>
    public static (Dataset Train, Dataset Test) LoadSubset()
    {
        IdxImages trainImages = ReadResource(TrainImagesFile, Idx.ReadImages);
        byte[] trainLabels = ReadResource(TrainLabelsFile, Idx.ReadLabels);
        IdxImages testImages = ReadResource(TestImagesFile, Idx.ReadImages);
        byte[] testLabels = ReadResource(TestLabelsFile, Idx.ReadLabels);
        return (
            ToDataset(trainImages, SubsetResourcePrefix + TrainImagesFile + ".gz", trainLabels, SubsetResourcePrefix + TrainLabelsFile + ".gz"),
            ToDataset(testImages, SubsetResourcePrefix + TestImagesFile + ".gz", testLabels, SubsetResourcePrefix + TestLabelsFile + ".gz"));
    }

    private static T ReadResource<T>(string file, Func<Stream, string?, T> read)
    {
        string name = SubsetResourcePrefix + file + ".gz";
        using Stream stream = typeof(FashionMnist).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException(
                $"NetDsl.Datasets was built without the embedded resource '{name}' holding the Fashion-MNIST subset "
                + "(data/fashion-mnist-subset/, embedded by Dsl.Datasets/Dsl.Datasets.csproj).");
        return read(stream, "embedded resource " + name);
    }

    private static Dataset ToDataset(IdxImages images, string imagesSource, byte[] labels, string labelsSource)
    {
        if (images.Rows != ImageRows || images.Columns != ImageColumns)
        {
            throw new InvalidDataException(
                $"{imagesSource}: expected Fashion-MNIST's {ImageRows}×{ImageColumns} images, found {images.Rows}×{images.Columns}.");
        }

        if (labels.Length != images.Count)
        {
            throw new InvalidDataException(
                $"{labelsSource}: {labels.Length} labels, but {imagesSource} has {images.Count} images.");
        }

        return Dataset.FromIdx(images, labels, Classes, labelsSource);
    }

    /// <summary>The path of <paramref name="name"/> or <paramref name="name"/>.gz in <paramref name="directory"/>, or null.</summary>
    private static string? FindFile(string directory, string name)
    {
        foreach (string candidate in (string[])[name, name + ".gz"])
        {
            string path = Path.Combine(directory, candidate);
            if (File.Exists(path))
                return path;
        }

        return null;
    }
}
