using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace NetDsl;

/// <summary>
/// Reads a safetensors file from a stream in two steps, so that the caller can check the header against
/// what it expects before any data is read: <see cref="ReadHeader"/> (the 8-byte length, then the header),
/// then <see cref="ReadData"/>, which converts each tensor to floats where the caller says and checks that
/// the data ends exactly where the header says. Never allocates more than the stream really holds: a
/// corrupt length cannot make it reserve gigabytes.
/// </summary>
internal static class SafetensorsReader
{
    private const int ChunkBytes = 1 << 16;

    /// <summary>Reads and checks the header; the stream is left at the first byte of the data.</summary>
    /// <exception cref="InvalidDataException">The file is truncated, its header too large or broken.</exception>
    public static SafetensorsHeader ReadHeader(Stream stream, string source)
    {
        Span<byte> prefix = stackalloc byte[8];
        int got = ReadAtMost(stream, prefix);
        if (got < 8)
            throw WeightsErrors.Broken(source, $"truncated: the file has {got} bytes, fewer than the 8 that give the header's length");
        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (length > SafetensorsHeader.MaxLength)
            throw WeightsErrors.Broken(source, $"header too large: it says it is {length} bytes; the format caps it at {SafetensorsHeader.MaxLength}");
        if (Remaining(stream) is long remaining && remaining < (long)length)
            throw WeightsErrors.Broken(source, $"truncated: the header says it is {length} bytes, but only {remaining} follow");
        byte[] header = ReadExactly(stream, (int)length, source, "the header");
        return SafetensorsHeader.Parse(header, source);
    }

    /// <summary>
    /// Reads the data of every tensor of <paramref name="header"/>, in order, converted to float into the span
    /// <paramref name="destination"/> gives for it (the tensor's element count long, or empty to skip it), and checks
    /// that nothing follows.
    /// </summary>
    /// <exception cref="InvalidDataException">The data is shorter than the header says, or bytes follow it.</exception>
    public static void ReadData(Stream stream, SafetensorsHeader header, string source, Func<TensorEntry, Memory<float>> destination)
    {
        if (Remaining(stream) is long remaining && remaining != header.DataLength)
            throw remaining < header.DataLength
                ? Truncated(source, header.DataLength, remaining)
                : Trailing(source, header.DataLength, remaining - header.DataLength);
        byte[] chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            long read = 0;
            foreach (var tensor in header.Tensors)
            {
                Span<float> target = destination(tensor).Span;
                // An empty destination for a tensor with elements: the caller does not want it; read past it.
                bool skip = target.IsEmpty;
                if (!skip && target.Length != tensor.Count)
                    throw new ArgumentException($"Tensor '{tensor.Name}' has {tensor.Count} elements; its destination holds {target.Length}.", nameof(destination));
                int size = tensor.Type.Size(), perChunk = ChunkBytes / size;
                for (long done = 0; done < tensor.Count;)
                {
                    int count = (int)Math.Min(perChunk, tensor.Count - done);
                    int got = ReadAtMost(stream, chunk.AsSpan(0, count * size));
                    read += got;
                    if (got < count * size) throw Truncated(source, header.DataLength, read);
                    if (!skip) Convert(tensor.Type, chunk.AsSpan(0, count * size), target.Slice((int)done, count));
                    done += count;
                }
            }
            if (ReadAtMost(stream, chunk.AsSpan(0, 1)) != 0)
                throw Trailing(source, header.DataLength, null);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private static InvalidDataException Truncated(string source, long expected, long got) =>
        WeightsErrors.Broken(source, $"truncated: the header's tensors need {expected} bytes of data, but the file has {got}");

    private static InvalidDataException Trailing(string source, long expected, long? extra) =>
        WeightsErrors.Broken(source, $"trailing bytes: {(extra is long n ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) : "more")} bytes follow the {expected} bytes of data the header's tensors cover");

    /// <summary>Little-endian elements of <paramref name="type"/> to floats: F32 as is, F16, BF16 and F64 converted (F64 rounded to nearest).</summary>
    public static void Convert(TensorType type, ReadOnlySpan<byte> bytes, Span<float> values)
    {
        switch (type)
        {
            case TensorType.F32 when BitConverter.IsLittleEndian:
                MemoryMarshal.Cast<byte, float>(bytes).CopyTo(values);
                break;
            case TensorType.F32:
                for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]);
                break;
            case TensorType.F16:
                for (int i = 0; i < values.Length; i++) values[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[(2 * i)..]);
                break;
            case TensorType.BF16:
                // bfloat16 is the top half of a float32.
                for (int i = 0; i < values.Length; i++) values[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]) << 16);
                break;
            default:
                for (int i = 0; i < values.Length; i++) values[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes[(8 * i)..]);
                break;
        }
    }

    // Bytes left in a stream that knows its length; null for one that does not (a network stream, a pipe).
    private static long? Remaining(Stream stream)
    {
        if (!stream.CanSeek) return null;
        try
        {
            return stream.Length - stream.Position;
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }

    private static int ReadAtMost(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int got = stream.Read(buffer[total..]);
            if (got == 0) break;
            total += got;
        }
        return total;
    }

    // Grows with what arrives, so a length the stream cannot back costs at most what it holds.
    private static byte[] ReadExactly(Stream stream, int length, string source, string what)
    {
        var bytes = new byte[Math.Min(length, ChunkBytes)];
        int total = 0;
        while (total < length)
        {
            if (total == bytes.Length) Array.Resize(ref bytes, (int)Math.Min(length, 2L * bytes.Length));
            int got = stream.Read(bytes, total, bytes.Length - total);
            if (got == 0)
                throw WeightsErrors.Broken(source, $"truncated: {what} should be {length} bytes, but the file ends after {total}");
            total += got;
        }
        return bytes;
    }
}
