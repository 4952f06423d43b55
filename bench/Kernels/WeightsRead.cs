using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetDsl.Bench.Kernels;

/// <summary>
/// A read of a weight matrix and nothing else: the least time any product that uses each weight once can take.
/// Eight independent accumulators, so the adds never wait on each other and only the memory sets the pace; the
/// operands are copies aligned to 64 bytes (<see cref="AlignedCopy"/>), so no vector load straddles two cache lines.
/// </summary>
internal static class WeightsRead
{
    /// <summary>A copy of <paramref name="values"/> that starts on a 64-byte boundary, in a pinned array that never moves.</summary>
    public static ArraySegment<float> AlignedCopy(ReadOnlySpan<float> values)
    {
        float[] array = GC.AllocateArray<float>(values.Length + 16, pinned: true);
        var handle = GCHandle.Alloc(array, GCHandleType.Pinned);
        int offset = (int)((64 - (handle.AddrOfPinnedObject() & 63)) & 63) / sizeof(float);
        handle.Free();
        values.CopyTo(array.AsSpan(offset));
        return new ArraySegment<float>(array, offset, values.Length);
    }

    /// <summary>Σ of every weight (the length a multiple of 128).</summary>
    public static float Sum(ReadOnlySpan<float> weights) => Vector512.IsHardwareAccelerated ? Sum512(weights) : Sum256(weights);

    /// <summary>Σ over the rows of each row's dot product with <paramref name="input"/> (the row length a multiple of the vector's).</summary>
    public static float Dot(ReadOnlySpan<float> weights, ReadOnlySpan<float> input) =>
        Vector512.IsHardwareAccelerated ? Dot512(weights, input) : Dot256(weights, input);

    private static float Sum512(ReadOnlySpan<float> weights)
    {
        ref float w = ref MemoryMarshal.GetReference(weights);
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        for (nint p = 0; p <= weights.Length - 128; p += 128)
        {
            c0 += Vector512.LoadUnsafe(ref w, (nuint)p); c1 += Vector512.LoadUnsafe(ref w, (nuint)p + 16);
            c2 += Vector512.LoadUnsafe(ref w, (nuint)p + 32); c3 += Vector512.LoadUnsafe(ref w, (nuint)p + 48);
            c4 += Vector512.LoadUnsafe(ref w, (nuint)p + 64); c5 += Vector512.LoadUnsafe(ref w, (nuint)p + 80);
            c6 += Vector512.LoadUnsafe(ref w, (nuint)p + 96); c7 += Vector512.LoadUnsafe(ref w, (nuint)p + 112);
        }
        return Vector512.Sum(((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)));
    }

    private static float Sum256(ReadOnlySpan<float> weights)
    {
        ref float w = ref MemoryMarshal.GetReference(weights);
        Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        for (nint p = 0; p <= weights.Length - 64; p += 64)
        {
            c0 += Vector256.LoadUnsafe(ref w, (nuint)p); c1 += Vector256.LoadUnsafe(ref w, (nuint)p + 8);
            c2 += Vector256.LoadUnsafe(ref w, (nuint)p + 16); c3 += Vector256.LoadUnsafe(ref w, (nuint)p + 24);
            c4 += Vector256.LoadUnsafe(ref w, (nuint)p + 32); c5 += Vector256.LoadUnsafe(ref w, (nuint)p + 40);
            c6 += Vector256.LoadUnsafe(ref w, (nuint)p + 48); c7 += Vector256.LoadUnsafe(ref w, (nuint)p + 56);
        }
        return Vector256.Sum(((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)));
    }

    private static float Dot512(ReadOnlySpan<float> weights, ReadOnlySpan<float> input)
    {
        ref float w = ref MemoryMarshal.GetReference(weights);
        ref float x = ref MemoryMarshal.GetReference(input);
        nint k = input.Length;
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        for (nint row = 0; row <= weights.Length - k; row += k)
        {
            for (nint p = 0; p <= k - 128; p += 128)
            {
                ref float wr = ref Unsafe.Add(ref w, row + p);
                ref float xr = ref Unsafe.Add(ref x, p);
                c0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref wr), Vector512.LoadUnsafe(ref xr), c0);
                c1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref wr, 16), Vector512.LoadUnsafe(ref xr, 16), c1);
                c2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref wr, 32), Vector512.LoadUnsafe(ref xr, 32), c2);
                c3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref wr, 48), Vector512.LoadUnsafe(ref xr, 48), c3);
                c4 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref wr, 64), Vector512.LoadUnsafe(ref xr, 64), c4);
                c5 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref wr, 80), Vector512.LoadUnsafe(ref xr, 80), c5);
                c6 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref wr, 96), Vector512.LoadUnsafe(ref xr, 96), c6);
                c7 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref wr, 112), Vector512.LoadUnsafe(ref xr, 112), c7);
            }
            for (nint p = k / 128 * 128; p < k; p += 16)
                c0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(row + p)), Vector512.LoadUnsafe(ref x, (nuint)p), c0);
        }
        return Vector512.Sum(((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)));
    }

    private static float Dot256(ReadOnlySpan<float> weights, ReadOnlySpan<float> input)
    {
        ref float w = ref MemoryMarshal.GetReference(weights);
        ref float x = ref MemoryMarshal.GetReference(input);
        nint k = input.Length;
        Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        for (nint row = 0; row <= weights.Length - k; row += k)
        {
            for (nint p = 0; p <= k - 64; p += 64)
            {
                ref float wr = ref Unsafe.Add(ref w, row + p);
                ref float xr = ref Unsafe.Add(ref x, p);
                c0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref wr), Vector256.LoadUnsafe(ref xr), c0);
                c1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref wr, 8), Vector256.LoadUnsafe(ref xr, 8), c1);
                c2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref wr, 16), Vector256.LoadUnsafe(ref xr, 16), c2);
                c3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref wr, 24), Vector256.LoadUnsafe(ref xr, 24), c3);
                c4 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref wr, 32), Vector256.LoadUnsafe(ref xr, 32), c4);
                c5 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref wr, 40), Vector256.LoadUnsafe(ref xr, 40), c5);
                c6 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref wr, 48), Vector256.LoadUnsafe(ref xr, 48), c6);
                c7 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref wr, 56), Vector256.LoadUnsafe(ref xr, 56), c7);
            }
            for (nint p = k / 64 * 64; p < k; p += 8)
                c0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref w, (nuint)(row + p)), Vector256.LoadUnsafe(ref x, (nuint)p), c0);
        }
        return Vector256.Sum(((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)));
    }
}
