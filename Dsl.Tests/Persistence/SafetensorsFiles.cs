using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace NetDsl.Tests.Persistence;

/// <summary>Builds and takes apart safetensors files by hand, to write the broken ones a test needs.</summary>
internal static class SafetensorsFiles
{
    /// <summary>The 8-byte little-endian length, the header (padded with spaces to 8 bytes unless told not to), then the data.</summary>
    public static byte[] Compose(string header, ReadOnlySpan<byte> data, bool pad = true, ulong? length = null)
    {
        var json = Encoding.UTF8.GetBytes(header).ToList();
        while (pad && json.Count % 8 != 0) json.Add((byte)' ');
        var file = new byte[8 + json.Count + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, length ?? (ulong)json.Count);
        json.CopyTo(file, 8);
        data.CopyTo(file.AsSpan(8 + json.Count));
        return file;
    }

    /// <summary>The header's length, its text (padding included) and the data.</summary>
    public static (ulong Length, string Header, byte[] Data) Split(byte[] file)
    {
        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(file);
        return (length, Encoding.UTF8.GetString(file, 8, (int)length), file[(8 + (int)length)..]);
    }

    /// <summary>The parsed header of a file.</summary>
    public static JsonElement Header(byte[] file) => JsonDocument.Parse(Split(file).Header).RootElement.Clone();

    public static byte[] F32(params float[] values)
    {
        var bytes = new byte[4 * values.Length];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), values[i]);
        return bytes;
    }

    public static byte[] F64(params double[] values)
    {
        var bytes = new byte[8 * values.Length];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(8 * i), values[i]);
        return bytes;
    }

    public static byte[] F16(params float[] values)
    {
        var bytes = new byte[2 * values.Length];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(2 * i), (Half)values[i]);
        return bytes;
    }

    /// <summary>bfloat16: the top 16 bits of the float (the values used are exact in it).</summary>
    public static byte[] BF16(params float[] values)
    {
        var bytes = new byte[2 * values.Length];
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), (ushort)(BitConverter.SingleToUInt32Bits(values[i]) >> 16));
        return bytes;
    }

    /// <summary>A stream that cannot seek and hands out a few bytes a read, as a pipe or socket may.</summary>
    public sealed class Trickle(byte[] bytes, int perRead = 7) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = Math.Min(Math.Min(count, perRead), bytes.Length - _position);
            Array.Copy(bytes, _position, buffer, offset, n);
            _position += n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
