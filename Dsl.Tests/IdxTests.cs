using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;
using NetDsl.Datasets;
using Xunit;

namespace NetDsl.Tests;

public sealed class IdxTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("netdsl-idx-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // ---- synthetic IDX files -------------------------------------------------------------

    private static byte[] ImagesFile(int count, int rows, int columns, byte[] pixels)
    {
        var header = new byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(header, 0x00000803);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(12), columns);
        return [.. header, .. pixels];
    }

    private static byte[] LabelsFile(params byte[] labels)
    {
        var header = new byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(header, 0x00000801);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), labels.Length);
        return [.. header, .. labels];
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
            gzip.Write(data);
        return output.ToArray();
    }

    private static byte[] Pattern(int length)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
            bytes[i] = (byte)(i * 37 + 11);
        return bytes;
    }

    private static IdxImages ReadImages(byte[] data) => Idx.ReadImages(new MemoryStream(data), "test.idx");

    private static byte[] ReadLabels(byte[] data) => Idx.ReadLabels(new MemoryStream(data), "test.idx");

    private static string ImagesError(byte[] data)
        => Assert.Throws<InvalidDataException>(() => ReadImages(data)).Message;

    private static string LabelsError(byte[] data)
        => Assert.Throws<InvalidDataException>(() => ReadLabels(data)).Message;

    /// <summary>A read-only stream that cannot seek, like a network or pipe stream.</summary>
    private sealed class ForwardOnlyStream(byte[] data) : Stream
    {
        private readonly MemoryStream _inner = new(data);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 7));
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    // ---- round trips -----------------------------------------------------------------------

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Images_round_trip(bool gzip)
    {
        byte[] pixels = Pattern(5 * 3 * 4);
        byte[] file = ImagesFile(5, 3, 4, pixels);
        var images = ReadImages(gzip ? Gzip(file) : file);
        Assert.Equal(5, images.Count);
        Assert.Equal(3, images.Rows);
        Assert.Equal(4, images.Columns);
        Assert.Equal(12, images.ImageSize);
        Assert.Equal(pixels, images.Pixels);
        var (count, rows, columns, read) = images;
        Assert.Equal((5, 3, 4), (count, rows, columns));
        Assert.Same(images.Pixels, read);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Labels_round_trip(bool gzip)
    {
        byte[] file = LabelsFile(3, 1, 4, 1, 5, 9, 2, 6);
        Assert.Equal([3, 1, 4, 1, 5, 9, 2, 6], ReadLabels(gzip ? Gzip(file) : file));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_from_a_stream_that_cannot_seek(bool gzip)
    {
        byte[] pixels = Pattern(2 * 28 * 28);
        byte[] file = ImagesFile(2, 28, 28, pixels);
        var images = Idx.ReadImages(new ForwardOnlyStream(gzip ? Gzip(file) : file));
        Assert.Equal(pixels, images.Pixels);
        Assert.Equal([7, 0], Idx.ReadLabels(new ForwardOnlyStream(gzip ? Gzip(LabelsFile(7, 0)) : LabelsFile(7, 0))));
    }

    [Fact]
    public void Reads_from_the_current_position_of_a_stream()
    {
        byte[] file = LabelsFile(1, 2, 3);
        var stream = new MemoryStream([0xAA, 0xBB, .. Gzip(file)]) { Position = 2 };
        Assert.Equal([1, 2, 3], Idx.ReadLabels(stream));
    }

    [Fact]
    public void Gzip_is_recognised_by_content_not_by_file_name()
    {
        byte[] pixels = Pattern(3 * 2 * 2);
        string gzipWithPlainName = Path.Combine(_dir, "images-idx3-ubyte");
        string plainWithGzName = Path.Combine(_dir, "labels-idx1-ubyte.gz");
        File.WriteAllBytes(gzipWithPlainName, Gzip(ImagesFile(3, 2, 2, pixels)));
        File.WriteAllBytes(plainWithGzName, LabelsFile(0, 1, 2));

        Assert.Equal(pixels, Idx.ReadImages(gzipWithPlainName).Pixels);
        Assert.Equal([0, 1, 2], Idx.ReadLabels(plainWithGzName));
    }

    [Fact]
    public void Empty_sets_are_read()
    {
        Assert.Equal(0, ReadImages(ImagesFile(0, 28, 28, [])).Count);
        Assert.Empty(ReadLabels(LabelsFile()));
    }

    // ---- malformed data ----------------------------------------------------------------------

    [Fact]
    public void Labels_file_read_as_images_names_both_magics()
    {
        string message = ImagesError(LabelsFile(1, 2, 3));
        Assert.StartsWith("test.idx: ", message);
        Assert.Contains("expected IDX magic 0x00000803 (images), found 0x00000801", message);
        Assert.Contains("labels file", message);
    }

    [Fact]
    public void Images_file_read_as_labels_names_both_magics()
    {
        string message = LabelsError(ImagesFile(1, 1, 1, [9]));
        Assert.Contains("expected IDX magic 0x00000801 (labels), found 0x00000803", message);
        Assert.Contains("images file", message);
    }

    [Fact]
    public void Idx_file_of_another_element_type_is_rejected()
    {
        byte[] file = ImagesFile(1, 1, 1, [0, 0, 0, 0]);
        file[2] = 0x0D; // float
        string message = ImagesError(file);
        Assert.Contains("found 0x00000D03", message);
        Assert.Contains("32-bit floats", message);
    }

    [Fact]
    public void Png_is_reported_as_a_foreign_file()
    {
        byte[] png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, .. "IHDR"u8];
        string message = ImagesError(png);
        Assert.Contains("expected IDX magic 0x00000803 (images), found 0x89504E47", message);
        Assert.Contains("PNG image, not an IDX file", message);
    }

    [Fact]
    public void Text_is_reported_as_a_foreign_file()
    {
        string message = LabelsError("<html><body>Not Found</body></html>\n"u8.ToArray());
        Assert.Contains("found 0x3C68746D", message);
        Assert.Contains("text \"<htm\"", message);
    }

    [Fact]
    public void Gzipped_foreign_file_is_reported_after_decompression()
    {
        string message = ImagesError(Gzip("hello, world"u8.ToArray()));
        Assert.Contains("text \"hell\", not an IDX file", message);
    }

    [Fact]
    public void Empty_and_tiny_files_are_rejected()
    {
        Assert.Contains("test.idx: is empty: expected IDX magic 0x00000803 (images)", ImagesError([]));
        Assert.Contains("is too short: expected the 4-byte IDX magic 0x00000801 (labels), got 2 byte(s)", LabelsError([0, 0]));
    }

    [Fact]
    public void Truncated_header_is_reported()
    {
        byte[] file = ImagesFile(1, 28, 28, Pattern(784))[..9];
        Assert.Contains("truncated IDX header: expected 12 bytes of dimension sizes after the magic, got 5", ImagesError(file));
        Assert.Contains("truncated IDX header: expected 4 bytes of dimension sizes after the magic, got 0", LabelsError(LabelsFile(1)[..4]));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Truncated_pixels_are_reported_with_expected_and_actual_sizes(bool gzip)
    {
        byte[] file = ImagesFile(60000, 28, 28, Pattern(1234));
        string message = ImagesError(gzip ? Gzip(file) : file);
        Assert.Contains("is truncated: expected 47040000 bytes of pixels (60000 images of 28×28), ", message);
        // A few hundred bytes of gzip cannot hold 47 MB, so that is said without decompressing.
        Assert.Contains(gzip ? "bytes of gzip data cannot expand to more than" : "got 1234", message);
    }

    [Fact]
    public void Truncated_labels_are_reported()
    {
        byte[] file = LabelsFile(Pattern(100))[..50];
        Assert.Contains("expected 100 bytes of labels, got 42", LabelsError(file));
    }

    [Fact]
    public void Data_beyond_the_declared_size_is_rejected()
    {
        byte[] file = ImagesFile(2, 2, 2, Pattern(9));
        Assert.Contains("has more data than the 8 bytes of pixels (2 images of 2×2) that its header declares", ImagesError(file));
    }

    [Theory]
    [InlineData(-1, 28, 28)]
    [InlineData(10, 0, 28)]
    [InlineData(10, 28, -5)]
    [InlineData(10, 100000, 28)]
    [InlineData(int.MaxValue, 65536, 65536)]
    public void Absurd_dimensions_are_rejected(int count, int rows, int columns)
    {
        string message = ImagesError(ImagesFile(count, rows, columns, Pattern(16)));
        Assert.Contains($"absurd image dimensions {count} × {rows} × {columns}", message);
    }

    [Fact]
    public void Negative_label_count_is_rejected()
    {
        byte[] file = LabelsFile();
        BinaryPrimitives.WriteInt32BigEndian(file.AsSpan(4), -3);
        Assert.Contains("absurd label count -3", LabelsError(file));
    }

    [Fact]
    public void Corrupt_gzip_is_reported_with_the_source()
    {
        byte[] gz = Gzip(ImagesFile(4, 28, 28, Pattern(4 * 784)));
        gz[10] = 0xFF; // first deflate block: reserved block type 3
        string message = ImagesError(gz);
        Assert.Contains("test.idx: has corrupt gzip data", message);
    }

    // A header claiming 2.7 M images (2.1 GB, just under the largest array) over a small file used to
    // cost seconds and gigabytes before "truncated"; the claim is now checked against what the file
    // can hold, and no buffer grows beyond the data actually read.
    [Theory]
    [InlineData("plain", 2_700_000, "got 1024")]
    [InlineData("gzip of zeros", 2_700_000, "bytes of gzip data cannot expand to more than")]
    [InlineData("gzip", 60_000, "got 102400")] // 100 KB of gzip could hold 47 MB: read, and found short
    public void Lying_image_count_fails_fast_without_allocating_the_claimed_size(string kind, int count, string actual)
    {
        byte[] header = ImagesFile(count, 28, 28, []);
        byte[] file = kind switch
        {
            "plain" => [.. header, .. Pattern(1024)],
            "gzip of zeros" => GzipWithZeros(header, 64 << 20),
            _ => Gzip([.. header, .. RandomBytes(102400)]),
        };
        string path = Path.Combine(_dir, "train-images-idx3-ubyte.gz");
        File.WriteAllBytes(path, file);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.StartsWith($"{path}: is truncated: expected {count * 784L} bytes of pixels ({count} images of 28×28)", e.Message);
        Assert.Contains(actual, e.Message);
        Assert.True(allocated < 4 << 20, $"reading allocated {allocated} bytes");
    }

    [Fact]
    public void Lying_label_count_in_a_plain_file_fails_without_allocating_the_claimed_size()
    {
        byte[] file = LabelsFile(Pattern(10));
        BinaryPrimitives.WriteInt32BigEndian(file.AsSpan(4), int.MaxValue);
        long before = GC.GetAllocatedBytesForCurrentThread();
        string message = LabelsError(file);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
        Assert.Contains($"is truncated: expected {int.MaxValue} bytes of labels, got 10", message);
    }

    /// <summary><paramref name="head"/> then <paramref name="zeros"/> zero bytes, gzipped: a tiny file that expands ~1000-fold.</summary>
    private static byte[] GzipWithZeros(byte[] head, int zeros)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(head);
            var block = new byte[1 << 20];
            for (int left = zeros; left > 0; left -= block.Length)
                gzip.Write(block, 0, Math.Min(left, block.Length));
        }

        return output.ToArray();
    }

    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        new Random(7).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public void Directory_given_for_an_idx_file_is_named_as_one()
    {
        var images = Assert.Throws<FileNotFoundException>(() => Idx.ReadImages(_dir));
        Assert.StartsWith($"'{_dir}' is a directory; expected the IDX images file", images.Message);
        Assert.Equal(_dir, images.FileName);
        var labels = Assert.Throws<FileNotFoundException>(() => Idx.ReadLabels(_dir));
        Assert.StartsWith($"'{_dir}' is a directory; expected the IDX labels file", labels.Message);
    }

    [Fact]
    public void Missing_file_names_the_path()
    {
        string path = Path.Combine(_dir, "nope-idx3-ubyte.gz");
        var e = Assert.Throws<FileNotFoundException>(() => Idx.ReadImages(path));
        Assert.Contains(path, e.Message);
    }

    // ---- Dataset --------------------------------------------------------------------------

    [Fact]
    public void Dataset_scales_pixels_to_unit_range_row_major()
    {
        byte[] pixels = [0, 51, 102, 255, 255, 204, 153, 0];
        var data = Dataset.FromIdx(new IdxImages(2, 2, 2, pixels), [1, 0], classes: 2);
        Assert.Equal(2, data.Count);
        Assert.Equal(4, data.FeatureSize);
        Assert.Equal(2, data.Classes);
        Assert.Equal([1, 0], data.Labels);
        Assert.Equal([0f, 0.2f, 0.4f, 1f, 1f, 0.8f, 0.6f, 0f], data.Features);
        Assert.Equal([1f, 0.8f, 0.6f, 0f], data.FeaturesOf(1).ToArray());
    }

    [Fact]
    public void One_hot_targets_have_a_single_one_at_the_label()
    {
        var data = new Dataset(new float[4 * 3], [2, 0, 1, 2], featureSize: 3, classes: 3);
        Assert.Equal(
            [
                0f, 0f, 1f,
                1f, 0f, 0f,
                0f, 1f, 0f,
                0f, 0f, 1f,
            ],
            data.OneHotTargets());
        Assert.Equal([1, 1, 2], data.CountPerClass());
    }

    [Fact]
    public void Label_out_of_range_in_idx_names_index_and_value()
    {
        var images = new IdxImages(4, 1, 2, Pattern(8));
        var e = Assert.Throws<InvalidDataException>(() => Dataset.FromIdx(images, [0, 9, 3, 12], classes: 10, "labels.idx"));
        Assert.Equal("labels.idx: label 12 at index 3 is outside [0, 10).", e.Message);
    }

    [Fact]
    public void Label_out_of_range_in_constructor_names_index_and_value()
    {
        var e = Assert.Throws<ArgumentException>(() => new Dataset(new float[3], [0, -1, 1], featureSize: 1, classes: 2));
        Assert.Contains("labels[1] = -1 is outside [0, 2)", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Dataset(new float[3], [0, 1, 2], featureSize: 1, classes: 2));
        Assert.Contains("labels[2] = 2 is outside [0, 2)", e.Message);
    }

    [Fact]
    public void Mismatched_sizes_are_rejected()
    {
        var e = Assert.Throws<InvalidDataException>(() => Dataset.FromIdx(new IdxImages(3, 1, 1, [1, 2, 3]), [0, 1], 10, "l.idx"));
        Assert.Contains("2 labels for 3 images", e.Message);
        var a = Assert.Throws<ArgumentException>(() => new Dataset(new float[5], [0, 1], featureSize: 3, classes: 2));
        Assert.Contains("features has 5 values", a.Message);
        Assert.Throws<ArgumentException>(() => new IdxImages(2, 2, 2, new byte[7]));
    }

    [Fact]
    public void Take_and_Slice_copy_samples()
    {
        var data = new Dataset([0f, 1f, 10f, 11f, 20f, 21f], [0, 1, 2], featureSize: 2, classes: 3);
        var first = data.Take(2);
        Assert.Equal([0f, 1f, 10f, 11f], first.Features);
        Assert.Equal([0, 1], first.Labels);
        Assert.Equal(3, first.Classes);
        Assert.Equal(3, data.Take(100).Count);

        var middle = data.Slice(1, 2);
        Assert.Equal([10f, 11f, 20f, 21f], middle.Features);
        Assert.Equal([1, 2], middle.Labels);
        middle.Features[0] = -1f;
        Assert.Equal(10f, data.Features[2]);
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Slice(2, 2));
    }

    // ---- Fashion-MNIST ----------------------------------------------------------------------

    [Fact]
    public void Class_names_are_the_ten_fashion_mnist_classes()
    {
        Assert.Equal(
            ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
            FashionMnist.ClassNames);
        Assert.Equal(FashionMnist.Classes, FashionMnist.ClassNames.Count);
    }

    [Fact]
    public void Missing_message_says_how_to_get_the_full_set()
    {
        Assert.Contains("apt-get install dataset-fashion-mnist", FashionMnist.MissingMessage);
        Assert.Contains("--data <folder>", FashionMnist.MissingMessage);
        Assert.Contains("https://github.com/zalandoresearch/fashion-mnist", FashionMnist.MissingMessage);
        Assert.Contains("train-images-idx3-ubyte", FashionMnist.MissingMessage);
        Assert.Contains("FASHION_MNIST_DIR", FashionMnist.MissingMessage);
    }

    [Fact]
    public void Subset_is_class_balanced_28x28_in_unit_range()
    {
        var (train, test) = FashionMnist.LoadSubset();

        Assert.Equal(6000, train.Count);
        Assert.Equal(1000, test.Count);
        foreach (var set in new[] { train, test })
        {
            Assert.Equal(28 * 28, set.FeatureSize);
            Assert.Equal(10, set.Classes);
            Assert.Equal(set.Count * 784, set.Features.Length);
            Assert.All(set.Features, v => Assert.InRange(v, 0f, 1f));
            Assert.Equal(1f, set.Features.Max());
            Assert.Equal(0f, set.Features.Min());
        }

        Assert.Equal(Enumerable.Repeat(600, 10), train.CountPerClass());
        Assert.Equal(Enumerable.Repeat(100, 10), test.CountPerClass());

        // Not grouped by class: the first 20 training samples have several classes.
        Assert.True(train.Labels.Take(20).Distinct().Count() >= 5);

        float[] oneHot = train.OneHotTargets();
        Assert.Equal(6000 * 10, oneHot.Length);
        for (int i = 0; i < train.Count; i++)
        {
            var row = oneHot.AsSpan(i * 10, 10);
            Assert.Equal(1f, row[train.Labels[i]]);
            Assert.Equal(1f, TensorSum(row));
        }
    }

    [Fact]
    public void Subset_returns_fresh_arrays_each_call()
    {
        var first = FashionMnist.LoadSubset().Test;
        var second = FashionMnist.LoadSubset().Test;
        Assert.NotSame(first.Features, second.Features);
        Assert.Equal(first.Features, second.Features);
        Assert.Equal(first.Labels, second.Labels);
    }

    private static float TensorSum(ReadOnlySpan<float> values)
    {
        float sum = 0;
        foreach (float v in values)
            sum += v;
        return sum;
    }

    private void WriteFashionSet(string dir, int rows = 28, int columns = 28, bool gzipTest = true)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, "train-images-idx3-ubyte"), ImagesFile(3, rows, columns, Pattern(3 * rows * columns)));
        File.WriteAllBytes(Path.Combine(dir, "train-labels-idx1-ubyte"), LabelsFile(9, 0, 4));
        byte[] testImages = ImagesFile(2, rows, columns, Pattern(2 * rows * columns));
        byte[] testLabels = LabelsFile(7, 7);
        File.WriteAllBytes(Path.Combine(dir, "t10k-images-idx3-ubyte.gz"), gzipTest ? Gzip(testImages) : testImages);
        File.WriteAllBytes(Path.Combine(dir, "t10k-labels-idx1-ubyte.gz"), gzipTest ? Gzip(testLabels) : testLabels);
    }

    [Fact]
    public void Load_reads_plain_and_gz_names_from_a_folder()
    {
        WriteFashionSet(_dir);
        var (train, test) = FashionMnist.Load(_dir);
        Assert.Equal(3, train.Count);
        Assert.Equal([9, 0, 4], train.Labels);
        Assert.Equal(2, test.Count);
        Assert.Equal([7, 7], test.Labels);
        Assert.Equal(784, test.FeatureSize);
        Assert.Equal(Pattern(784)[5] / 255f, test.Features[5]);
    }

    [Fact]
    public void Load_names_the_missing_file_and_how_to_get_the_set()
    {
        WriteFashionSet(_dir);
        File.Delete(Path.Combine(_dir, "t10k-labels-idx1-ubyte.gz"));
        var e = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(_dir));
        Assert.Contains("neither t10k-labels-idx1-ubyte nor t10k-labels-idx1-ubyte.gz", e.Message);
        Assert.Contains("apt-get install dataset-fashion-mnist", e.Message);

        var d = Assert.Throws<DirectoryNotFoundException>(() => FashionMnist.Load(Path.Combine(_dir, "absent")));
        Assert.Contains("does not exist", d.Message);
    }

    [Fact]
    public void Load_given_a_file_for_the_folder_says_so()
    {
        WriteFashionSet(_dir);
        string file = Path.Combine(_dir, "train-images-idx3-ubyte");
        var e = Assert.Throws<DirectoryNotFoundException>(() => FashionMnist.Load(file));
        Assert.StartsWith($"'{file}' is a file; expected the folder holding the four Fashion-MNIST files", e.Message);
    }

    [Fact]
    public void Load_rejects_images_that_are_not_28x28()
    {
        WriteFashionSet(_dir, rows: 32, columns: 32);
        var e = Assert.Throws<InvalidDataException>(() => FashionMnist.Load(_dir));
        Assert.Contains("expected Fashion-MNIST's 28×28 images, found 32×32", e.Message);
        Assert.Contains("train-images-idx3-ubyte", e.Message);
    }

    [Fact]
    public void Load_rejects_labels_beyond_the_ten_classes()
    {
        WriteFashionSet(_dir);
        File.WriteAllBytes(Path.Combine(_dir, "train-labels-idx1-ubyte"), LabelsFile(9, 10, 4));
        var e = Assert.Throws<InvalidDataException>(() => FashionMnist.Load(_dir));
        Assert.Contains("label 10 at index 1 is outside [0, 10)", e.Message);
    }

    [Fact]
    public void TryFind_prefers_the_given_folder_then_the_environment_variable()
    {
        string given = Path.Combine(_dir, "given");
        string fromEnvironment = Path.Combine(_dir, "env");
        string empty = Path.Combine(_dir, "empty");
        WriteFashionSet(given);
        WriteFashionSet(fromEnvironment, gzipTest: false);
        Directory.CreateDirectory(empty);

        string? saved = Environment.GetEnvironmentVariable(FashionMnist.EnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(FashionMnist.EnvironmentVariable, fromEnvironment);
            Assert.True(FashionMnist.TryFind(given, out string found));
            Assert.Equal(given, found);
            Assert.True(FashionMnist.TryFind(empty, out found));
            Assert.Equal(fromEnvironment, found);
            Assert.True(FashionMnist.TryFind(null, out found));
            Assert.Equal(fromEnvironment, found);

            Environment.SetEnvironmentVariable(FashionMnist.EnvironmentVariable, empty);
            bool any = FashionMnist.TryFind(empty, out found);
            Assert.Equal(any ? FashionMnist.DefaultDirectory : "", found);
        }
        finally
        {
            Environment.SetEnvironmentVariable(FashionMnist.EnvironmentVariable, saved);
        }
    }

    [Fact]
    public void Full_set_when_installed_matches_the_published_sizes_and_contains_the_subset()
    {
        // The full set is optional (Debian's dataset-fashion-mnist); everything above runs without it.
        if (!Directory.Exists(FashionMnist.DefaultDirectory))
            Assert.Skip($"the full Fashion-MNIST set is not installed in {FashionMnist.DefaultDirectory}");

        var (train, test) = FashionMnist.Load(FashionMnist.DefaultDirectory);
        Assert.Equal(60000, train.Count);
        Assert.Equal(10000, test.Count);
        Assert.Equal(Enumerable.Repeat(6000, 10), train.CountPerClass());
        Assert.Equal(Enumerable.Repeat(1000, 10), test.CountPerClass());

        // Every subset test image is one of the full test images, with the same label.
        var (_, subsetTest) = FashionMnist.LoadSubset();
        static string Key(ReadOnlySpan<float> image) => Convert.ToBase64String(MemoryMarshal.AsBytes(image));
        var labelsByImage = new Dictionary<string, HashSet<int>>();
        for (int i = 0; i < test.Count; i++)
        {
            string key = Key(test.FeaturesOf(i));
            if (!labelsByImage.TryGetValue(key, out var labels))
                labelsByImage[key] = labels = [];
            labels.Add(test.Labels[i]);
        }

        for (int i = 0; i < subsetTest.Count; i++)
        {
            Assert.True(labelsByImage.TryGetValue(Key(subsetTest.FeaturesOf(i)), out var labels),
                $"subset test image {i} is not in the full test set");
            Assert.Contains(subsetTest.Labels[i], labels);
        }
    }
}
