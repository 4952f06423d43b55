namespace NetDsl.Datasets;

/// <summary>
/// A labelled set of samples for classification: <see cref="Count"/> feature vectors of
/// <see cref="FeatureSize"/> floats each, stored row-major in <see cref="Features"/>
/// (sample <c>i</c> is <c>Features[(i·FeatureSize)..((i+1)·FeatureSize)]</c>), and one
/// class index in <c>[0, Classes)</c> per sample in <see cref="Labels"/>.
/// </summary>
public sealed class Dataset
{
    /// <summary>Wraps the given arrays (not copied).</summary>
    /// <exception cref="ArgumentException">The sizes disagree, or a label is outside <c>[0, classes)</c>.</exception>
    public Dataset(float[] features, int[] labels, int featureSize, int classes)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        if ((long)labels.Length * featureSize != features.Length)
        {
            throw new ArgumentException(
                $"features has {features.Length} values, but {labels.Length} labels × feature size {featureSize} "
                + $"needs {(long)labels.Length * featureSize}.", nameof(features));
        }

        int bad = FirstLabelOutOfRange(labels, classes);
        if (bad >= 0)
            throw new ArgumentException($"labels[{bad}] = {labels[bad]} is outside [0, {classes}).", nameof(labels));

        Features = features;
        Labels = labels;
        FeatureSize = featureSize;
        Classes = classes;
    }

    /// <summary>All features, <c>Count × FeatureSize</c>, row-major.</summary>
    public float[] Features { get; }

    /// <summary>The class of each sample, in <c>[0, Classes)</c>.</summary>
    public int[] Labels { get; }

    /// <summary>Number of samples.</summary>
    public int Count => Labels.Length;

    /// <summary>Floats per sample.</summary>
    public int FeatureSize { get; }

    /// <summary>Number of classes.</summary>
    public int Classes { get; }

    /// <summary>
    /// A dataset of images from IDX data: each image becomes a feature vector of
    /// <c>Rows × Columns</c> pixels scaled from bytes to <c>[0, 1]</c> by /255.
    /// </summary>
    /// <param name="images">The images.</param>
    /// <param name="labels">One label per image.</param>
    /// <param name="classes">Number of classes: every label must be below it.</param>
    /// <param name="sourceName">Names the labels' source in error messages.</param>
    /// <exception cref="InvalidDataException">The counts differ, or a label is outside <c>[0, classes)</c>.</exception>
    public static Dataset FromIdx(IdxImages images, byte[] labels, int classes, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        string source = sourceName ?? "labels";
        if (labels.Length != images.Count)
            throw new InvalidDataException($"{source}: {labels.Length} labels for {images.Count} images.");

        var intLabels = new int[labels.Length];
        for (int i = 0; i < labels.Length; i++)
            intLabels[i] = labels[i];
        int bad = FirstLabelOutOfRange(intLabels, classes);
        if (bad >= 0)
            throw new InvalidDataException($"{source}: label {labels[bad]} at index {bad} is outside [0, {classes}).");

        return new Dataset(ScalePixels(images.Pixels), intLabels, images.ImageSize, classes);
    }

    /// <summary>The features of sample <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> FeaturesOf(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return Features.AsSpan(index * FeatureSize, FeatureSize);
    }

    /// <summary>
    /// One-hot targets, <c>Count × Classes</c> row-major: row <c>i</c> is 1 at
    /// <c>Labels[i]</c> and 0 elsewhere.
    /// </summary>
    public float[] OneHotTargets()
    {
        var targets = new float[(long)Count * Classes];
        for (int i = 0; i < Count; i++)
            targets[(long)i * Classes + Labels[i]] = 1f;
        return targets;
    }

    /// <summary>How many samples each class has: element <c>c</c> counts label <c>c</c>.</summary>
    public int[] CountPerClass()
    {
        var counts = new int[Classes];
        foreach (int label in Labels)
            counts[label]++;
        return counts;
    }

    /// <summary>A copy of the first <paramref name="count"/> samples (all of them if there are fewer).</summary>
    public Dataset Take(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return Slice(0, Math.Min(count, Count));
    }

    /// <summary>A copy of the samples <c>[start, start + count)</c>.</summary>
    public Dataset Slice(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if ((long)start + count > Count)
            throw new ArgumentOutOfRangeException(nameof(count), $"[{start}, {(long)start + count}) is not within the {Count} samples.");
        return new Dataset(
            Features.AsSpan(start * FeatureSize, count * FeatureSize).ToArray(),
            Labels.AsSpan(start, count).ToArray(),
            FeatureSize,
            Classes);
    }

    private static int FirstLabelOutOfRange(int[] labels, int classes)
    {
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classes)
                return i;
        }

        return -1;
    }

    private static float[] ScalePixels(byte[] pixels)
    {
        Span<float> scale = stackalloc float[256];
        for (int v = 0; v < scale.Length; v++)
            scale[v] = v / 255f;
        var features = new float[pixels.Length];
        for (int i = 0; i < pixels.Length; i++)
            features[i] = scale[pixels[i]];
        return features;
    }
}
