using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NetDsl.Simd;

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

    /// <summary>Σ of every weight (the length a multiple of eight vectors).</summary>
    public static float Sum(ReadOnlySpan<float> weights) => Vector512.IsHardwareAccelerated ? Sum<Lanes512>(weights) : Sum<Lanes256>(weights);

    /// <summary>Σ over the rows of each row's dot product with <paramref name="input"/> (the row length a multiple of the vector's).</summary>
    public static float Dot(ReadOnlySpan<float> weights, ReadOnlySpan<float> input) =>
        Vector512.IsHardwareAccelerated ? Dot<Lanes512>(weights, input) : Dot<Lanes256>(weights, input);

    private static float Sum<T>(ReadOnlySpan<float> weights)
        where T : struct, ILanes<T>
    {
        ref float w = ref MemoryMarshal.GetReference(weights);
        T c0 = T.Zero, c1 = T.Zero, c2 = T.Zero, c3 = T.Zero, c4 = T.Zero, c5 = T.Zero, c6 = T.Zero, c7 = T.Zero;
        for (nint p = 0; p <= weights.Length - 8 * T.Count; p += 8 * T.Count)
        {
            c0 += T.Load(ref Unsafe.Add(ref w, p)); c1 += T.Load(ref Unsafe.Add(ref w, p + T.Count));
            c2 += T.Load(ref Unsafe.Add(ref w, p + 2 * T.Count)); c3 += T.Load(ref Unsafe.Add(ref w, p + 3 * T.Count));
            c4 += T.Load(ref Unsafe.Add(ref w, p + 4 * T.Count)); c5 += T.Load(ref Unsafe.Add(ref w, p + 5 * T.Count));
            c6 += T.Load(ref Unsafe.Add(ref w, p + 6 * T.Count)); c7 += T.Load(ref Unsafe.Add(ref w, p + 7 * T.Count));
        }
        return Total(((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)));
    }

    private static float Dot<T>(ReadOnlySpan<float> weights, ReadOnlySpan<float> input)
        where T : struct, ILanes<T>
    {
        ref float w = ref MemoryMarshal.GetReference(weights);
        ref float x = ref MemoryMarshal.GetReference(input);
        nint k = input.Length, step = 8 * T.Count;
        T c0 = T.Zero, c1 = T.Zero, c2 = T.Zero, c3 = T.Zero, c4 = T.Zero, c5 = T.Zero, c6 = T.Zero, c7 = T.Zero;
        for (nint row = 0; row <= weights.Length - k; row += k)
        {
            nint p = 0;
            for (; p <= k - step; p += step)
            {
                ref float wp = ref Unsafe.Add(ref w, row + p);
                ref float xp = ref Unsafe.Add(ref x, p);
                c0 = T.MultiplyAdd(T.Load(ref wp), T.Load(ref xp), c0);
                c1 = T.MultiplyAdd(T.Load(ref Unsafe.Add(ref wp, T.Count)), T.Load(ref Unsafe.Add(ref xp, T.Count)), c1);
                c2 = T.MultiplyAdd(T.Load(ref Unsafe.Add(ref wp, 2 * T.Count)), T.Load(ref Unsafe.Add(ref xp, 2 * T.Count)), c2);
                c3 = T.MultiplyAdd(T.Load(ref Unsafe.Add(ref wp, 3 * T.Count)), T.Load(ref Unsafe.Add(ref xp, 3 * T.Count)), c3);
                c4 = T.MultiplyAdd(T.Load(ref Unsafe.Add(ref wp, 4 * T.Count)), T.Load(ref Unsafe.Add(ref xp, 4 * T.Count)), c4);
                c5 = T.MultiplyAdd(T.Load(ref Unsafe.Add(ref wp, 5 * T.Count)), T.Load(ref Unsafe.Add(ref xp, 5 * T.Count)), c5);
                c6 = T.MultiplyAdd(T.Load(ref Unsafe.Add(ref wp, 6 * T.Count)), T.Load(ref Unsafe.Add(ref xp, 6 * T.Count)), c6);
                c7 = T.MultiplyAdd(T.Load(ref Unsafe.Add(ref wp, 7 * T.Count)), T.Load(ref Unsafe.Add(ref xp, 7 * T.Count)), c7);
            }
            for (; p < k; p += T.Count)
                c0 = T.MultiplyAdd(T.Load(ref Unsafe.Add(ref w, row + p)), T.Load(ref Unsafe.Add(ref x, p)), c0);
        }
        return Total(((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)));
    }

    // The sum of one vector's lanes: returned so that the reads cannot be optimised away.
    private static float Total<T>(T sums)
        where T : struct, ILanes<T> => Vector128.Sum(T.Sum4(sums, T.Zero, T.Zero, T.Zero));
}
