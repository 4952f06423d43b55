using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace NetDsl.Datasets;

/// <summary>
/// Reads the IDX format of Yann LeCun's MNIST files, also used by Fashion-MNIST:
/// a big-endian magic <c>0x0000TTDD</c> (<c>TT</c> the element type, <c>0x08</c> for unsigned
/// bytes; <c>DD</c> the number of dimensions), the dimension sizes as big-endian 32-bit
/// integers, then the elements. Images are <c>0x00000803</c> (count × rows × columns),
/// labels <c>0x00000801</c> (count). A file may be plain or gzip-compressed; gzip is
/// recognised by its magic bytes <c>1F 8B</c>, not by the file name.
/// </summary>
/// <remarks>Every problem with the data is reported as an <see cref="InvalidDataException"/>
/// whose message names the source and what was expected and found. The sizes a header declares
/// are checked against what the data can hold before anything is allocated for them.</remarks>
public static class Idx
{
    /// <summary>Magic of an IDX file of unsigned bytes with 3 dimensions (images).</summary>
    public const uint ImagesMagic = 0x00000803;

    /// <summary>Magic of an IDX file of unsigned bytes with 1 dimension (labels).</summary>
    public const uint LabelsMagic = 0x00000801;

    /// <summary>Largest image side accepted; anything beyond is taken for a corrupt header.</summary>
    public const int MaxImageSide = 1 << 16;

    /// <summary>First buffer for gzip data, whose size is unknown until it is read; doubled as data arrives.</summary>
    private const int InitialGzipBufferSize = 1 << 20;

    /// <summary>Deflate's largest expansion (zlib's documented maximum): n compressed bytes never give more than 1032·n.</summary>
    private const int MaxDeflateRatio = 1032;

    /// <summary>Reads an IDX images file (plain or gzip).</summary>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/> (nothing, or a directory).</exception>
    /// <exception cref="InvalidDataException">The file is not a well-formed IDX images file.</exception>
    public static IdxImages ReadImages(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = OpenFile(path, "images", "train-images-idx3-ubyte.gz");
        return ReadImages(stream, path);
    }

    /// <summary>Reads an IDX images file (plain or gzip) from <paramref name="stream"/>, which is left open.</summary>
    /// <param name="stream">The data, from its current position to its end.</param>
    /// <param name="sourceName">Names the data in error messages (a file name, say).</param>
    /// <exception cref="InvalidDataException">The data is not a well-formed IDX images file.</exception>
    public static IdxImages ReadImages(Stream stream, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var source = new Source(stream, sourceName ?? "IDX images stream");
        ReadMagic(source, ImagesMagic, "images");
        Span<int> dims = stackalloc int[3];
        ReadDimensions(source, dims);
        int count = dims[0], rows = dims[1], columns = dims[2];
        if (count < 0 || rows <= 0 || columns <= 0 || rows > MaxImageSide || columns > MaxImageSide
            || (long)count * rows * columns > Array.MaxLength)
        {
            throw source.Error(
                $"absurd image dimensions {count} × {rows} × {columns} (count × rows × columns): "
                + $"expected a count ≥ 0, rows and columns in [1, {MaxImageSide}], and at most {Array.MaxLength} pixels in all");
        }

        byte[] pixels = ReadBody(source, count * rows * columns,
            $"pixels ({count} images of {rows}×{columns})");
        return new IdxImages(count, rows, columns, pixels);
    }

    /// <summary>Reads an IDX labels file (plain or gzip).</summary>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/> (nothing, or a directory).</exception>
    /// <exception cref="InvalidDataException">The file is not a well-formed IDX labels file.</exception>
    public static byte[] ReadLabels(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = OpenFile(path, "labels", "train-labels-idx1-ubyte.gz");
        return ReadLabels(stream, path);
    }

    /// <summary>Reads an IDX labels file (plain or gzip) from <paramref name="stream"/>, which is left open.</summary>
    /// <param name="stream">The data, from its current position to its end.</param>
    /// <param name="sourceName">Names the data in error messages (a file name, say).</param>
    /// <exception cref="InvalidDataException">The data is not a well-formed IDX labels file.</exception>
    public static byte[] ReadLabels(Stream stream, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var source = new Source(stream, sourceName ?? "IDX labels stream");
        ReadMagic(source, LabelsMagic, "labels");
        Span<int> dims = stackalloc int[1];
        ReadDimensions(source, dims);
        int count = dims[0];
        if (count < 0)
            throw source.Error($"absurd label count {count}: expected a count ≥ 0");
        return ReadBody(source, count, "labels");
    }

    /// <summary>Opens the file, naming a directory as one: opening it would only say "access denied".</summary>
    private static FileStream OpenFile(string path, string what, string example)
    {
        if (Directory.Exists(path))
        {
            throw new FileNotFoundException(
                $"'{path}' is a directory; expected the IDX {what} file itself, such as {Path.Combine(path, example)}. "
                + "FashionMnist.Load reads the four Fashion-MNIST files from a folder.",
                path);
        }

        return File.OpenRead(path);
    }

    private static void ReadMagic(Source source, uint expected, string what)
    {
        Span<byte> bytes = stackalloc byte[4];
        int got = source.ReadAtMost(bytes);
        if (got == 0)
            throw source.Error($"is empty: expected IDX magic 0x{expected:X8} ({what})");
        if (got < 4)
            throw source.Error($"is too short: expected the 4-byte IDX magic 0x{expected:X8} ({what}), got {got} byte(s)");

        uint magic = BinaryPrimitives.ReadUInt32BigEndian(bytes);
        if (magic != expected)
            throw source.Error($"expected IDX magic 0x{expected:X8} ({what}), found 0x{magic:X8}{Describe(bytes)}");
    }

    private static void ReadDimensions(Source source, Span<int> dims)
    {
        Span<byte> bytes = stackalloc byte[4 * dims.Length];
        int got = source.ReadAtMost(bytes);
        if (got < bytes.Length)
        {
            throw source.Error(
                $"truncated IDX header: expected {bytes.Length} bytes of dimension sizes after the magic, got {got}");
        }

        for (int i = 0; i < dims.Length; i++)
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(bytes[(4 * i)..]);
    }

    private static byte[] ReadBody(Source source, int expected, string what)
    {
        // Check the header's claim against what the data can hold before allocating for it, so a
        // lying header on a small file fails at once instead of after gigabytes of work.
        if (expected > source.MaxRemaining)
        {
            throw source.Error(source.Compressed is long compressed
                ? $"is truncated: expected {expected} bytes of {what}, but its {compressed} bytes of gzip data "
                  + $"cannot expand to more than {compressed * MaxDeflateRatio} bytes (deflate's limit is {MaxDeflateRatio}:1)"
                : $"is truncated: expected {expected} bytes of {what}, got {source.MaxRemaining}");
        }

        // A plain file was just shown to hold the data. For gzip, grow the buffer as data arrives,
        // so a header claiming more than is there costs no more memory than the data itself.
        byte[] buffer = new byte[source.Compressed is null ? expected : Math.Min(expected, InitialGzipBufferSize)];
        int total = 0;
        while (true)
        {
            if (total == buffer.Length)
            {
                if (total == expected)
                    break;
                Array.Resize(ref buffer, (int)Math.Min(2L * buffer.Length, expected));
            }

            int n = source.ReadAtMost(buffer.AsSpan(total));
            if (n == 0)
                break;
            total += n;
        }

        if (total < expected)
            throw source.Error($"is truncated: expected {expected} bytes of {what}, got {total}");

        Span<byte> probe = stackalloc byte[1];
        if (source.ReadAtMost(probe) != 0)
        {
            throw source.Error(
                $"has more data than the {expected} bytes of {what} that its header declares: the header or the file is wrong");
        }

        return buffer;
    }

    /// <summary>A hint about what the four bytes that should have been an IDX magic are.</summary>
    private static string Describe(ReadOnlySpan<byte> b)
    {
        uint magic = BinaryPrimitives.ReadUInt32BigEndian(b);
        if (magic == ImagesMagic)
            return " (an IDX images file: is this the images file instead of the labels?)";
        if (magic == LabelsMagic)
            return " (an IDX labels file: is this the labels file instead of the images?)";
        if (b[0] == 0 && b[1] == 0)
        {
            string type = b[2] switch
            {
                0x08 => "unsigned bytes",
                0x09 => "signed bytes",
                0x0B => "16-bit integers",
                0x0C => "32-bit integers",
                0x0D => "32-bit floats",
                0x0E => "64-bit floats",
                _ => $"unknown type 0x{b[2]:X2}",
            };
            return $" (an IDX file of {type} with {b[3]} dimension(s); only unsigned bytes are supported)";
        }

        if (b[0] == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G')
            return " (a PNG image, not an IDX file)";
        if (b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF)
            return " (a JPEG image, not an IDX file)";
        if (b[0] == 'P' && b[1] == 'K' && b[2] == 3 && b[3] == 4)
            return " (a ZIP archive, not an IDX file)";
        if (b[0] == 0x1F && b[1] == 0x8B)
            return " (gzip data inside gzip, not an IDX file)";
        bool text = true;
        foreach (byte c in b)
            text &= c is (>= 0x20 and < 0x7F) or (byte)'\t' or (byte)'\n' or (byte)'\r';
        if (text)
        {
            string shown = Encoding.ASCII.GetString(b).Replace("\t", "\\t").Replace("\n", "\\n").Replace("\r", "\\r");
            return $" (text \"{shown}\", not an IDX file)";
        }

        return " (not an IDX file)";
    }

    /// <summary>The caller's stream, seen through gzip decompression when it starts with the gzip magic.</summary>
    private sealed class Source : IDisposable
    {
        private readonly Stream _data;
        private readonly GZipStream? _gzip;
        private readonly long _length;
        private long _read;

        public Source(Stream stream, string name)
        {
            Name = name;
            Stream raw = stream;
            if (!raw.CanSeek)
            {
                // Peeking at the first bytes needs a seekable stream; IDX files are small enough to copy.
                var copy = new MemoryStream();
                raw.CopyTo(copy);
                copy.Position = 0;
                raw = copy;
            }

            long start = raw.Position;
            _length = raw.Length - start;
            Span<byte> head = stackalloc byte[2];
            int got = raw.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            raw.Position = start;
            if (got == 2 && head[0] == 0x1F && head[1] == 0x8B)
                _gzip = new GZipStream(raw, CompressionMode.Decompress, leaveOpen: true);
            _data = (Stream?)_gzip ?? raw;
        }

        public string Name { get; }

        /// <summary>For gzip data, its compressed size; null for plain data.</summary>
        public long? Compressed => _gzip is null ? null : _length;

        /// <summary>
        /// The most bytes still to come: exact for plain data; for gzip, what the compressed bytes
        /// can expand to at deflate's largest ratio, less what was already read.
        /// </summary>
        public long MaxRemaining => (_gzip is null ? _length : _length * MaxDeflateRatio) - _read;

        public int ReadAtMost(Span<byte> buffer)
        {
            try
            {
                int n = _data.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
                _read += n;
                return n;
            }
            catch (InvalidDataException e) when (_gzip is not null)
            {
                throw Error($"has corrupt gzip data: {e.Message}", e);
            }
        }

        public InvalidDataException Error(string message, Exception? inner = null)
            => new($"{Name}: {message}", inner);

        public void Dispose() => _gzip?.Dispose();
    }
}
