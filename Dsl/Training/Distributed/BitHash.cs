using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace NetDsl;

/// <summary>
/// A 64-bit hash of bits (xxHash64's rounds, four lanes over 32-byte blocks, a few GB/s): for processes to
/// compare their data and parameters without sending them. Not cryptographic.
/// </summary>
internal static class BitHash
{
    private const ulong Prime1 = 0x9E3779B185EBCA87, Prime2 = 0xC2B2AE3D27D4EB4F, Prime3 = 0x165667B19E3779F9;

    public static ulong Of(ReadOnlySpan<float> values, ulong seed = 0) => Of(MemoryMarshal.AsBytes(values), seed);

    public static ulong Of(string text, ulong seed = 0) => Of(MemoryMarshal.AsBytes(text.AsSpan()), seed);

    public static ulong Of(ReadOnlySpan<byte> data, ulong seed = 0)
    {
        ulong a = seed + Prime1 + Prime2, b = seed + Prime2, c = seed, d = seed - Prime1;
        int i = 0;
        for (; i + 32 <= data.Length; i += 32)
        {
            a = Round(a, BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
            b = Round(b, BinaryPrimitives.ReadUInt64LittleEndian(data[(i + 8)..]));
            c = Round(c, BinaryPrimitives.ReadUInt64LittleEndian(data[(i + 16)..]));
            d = Round(d, BinaryPrimitives.ReadUInt64LittleEndian(data[(i + 24)..]));
        }
        ulong h = BitOperations.RotateLeft(a, 1) + BitOperations.RotateLeft(b, 7) + BitOperations.RotateLeft(c, 12) + BitOperations.RotateLeft(d, 18);
        h = Combine(Combine(Combine(Combine(h, a), b), c), d) + (ulong)data.Length;
        for (; i + 8 <= data.Length; i += 8) h = Combine(h, BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
        for (; i < data.Length; i++) h = Combine(h, data[i]);
        return Mix(h);
    }

    /// <summary>A hash of <paramref name="hash"/> followed by <paramref name="value"/>.</summary>
    public static ulong Combine(ulong hash, ulong value) => BitOperations.RotateLeft(hash ^ Round(0, value), 27) * Prime1 + Prime3;

    private static ulong Round(ulong lane, ulong input) => BitOperations.RotateLeft(lane + input * Prime2, 31) * Prime1;

    private static ulong Mix(ulong h)
    {
        h ^= h >> 33;
        h *= Prime2;
        h ^= h >> 29;
        h *= Prime3;
        return h ^ (h >> 32);
    }
}
