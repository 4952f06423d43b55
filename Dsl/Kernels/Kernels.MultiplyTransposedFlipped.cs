using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

using NetDsl.Simd;

namespace NetDsl.Runtime;

public static partial class Kernels
{
    /// <summary>Each thread's Cᵀ for <see cref="MultiplyTransposedFlipped{T}"/>, grown to the largest it meets.</summary>
    [ThreadStatic] private static float[]? t_flipped;

    /// <summary>
    /// Whether C = A·Bᵀ costs less computed as Cᵀ = B·Aᵀ: the packed product transposes the operand it packs into
    /// panels, B (n × k, a layer's weights) one way round, A (m × k, the batch) the other, and flipped it also
    /// transposes Cᵀ (n × m) back. So a batch of fewer rows than the layer has units packs less: a 32-row step of a
    /// 784-128 layer packs 25 thousand floats instead of 100 thousand.
    /// </summary>
    private static bool FlippedIsCheaper(int m, int n, int k) => Avx.IsSupported && (long)m * (k + n) < (long)n * k;

    /// <summary>
    /// C = A·Bᵀ + bias (then max(0, ·) with <paramref name="relu"/>) as Cᵀ = B·Aᵀ: the packed product with B's rows as
    /// its rows of A, read in place, and A's rows packed as its panels; then Cᵀ transposed into C with the bias and ReLU.
    /// Each element is the same sum in the same order (c = a·b + c for p = 0 … k − 1; the product a·b is the same
    /// either way round, and so is its fused rounding), so C has the bits of the other orientation.
    /// </summary>
    private static void MultiplyTransposedFlipped<T>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias, Span<float> c, int m, int n, int k,
        bool largeBlocks, bool relu)
        where T : struct, ILanes<T>
    {
        float[] flipped = Buffer(ref t_flipped, m * n);
        ref float cT = ref MemoryMarshal.GetArrayDataReference(flipped);
        // Cᵀ(j, i) = Σ_p b[j·k + p]·a[i·k + p].
        PackedMultiply<T>(ref MemoryMarshal.GetReference(b), k, 1, ref MemoryMarshal.GetReference(a), 1, k, ref cT, n, m, k, largeBlocks);
        TransposeInto(ref cT, ref MemoryMarshal.GetReference(c), n, m, bias, relu);
    }

    /// <summary>
    /// C[m×n] = Cᵀ[n×m] transposed, each element then + bias[j] and max(0, ·) with <paramref name="relu"/>: 8×8
    /// blocks transposed in registers, the rest one float at a time with the same operations.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a loop on the training path: optimised at its first call, not after hundreds of slow steps in unoptimised code
    private static void TransposeInto(ref float cT, ref float c, int n, int m, ReadOnlySpan<float> bias, bool relu)
    {
        var epilogue = (bias.IsEmpty ? TileEpilogue.None : TileEpilogue.Bias) | (relu ? TileEpilogue.Relu : TileEpilogue.None);
        ref float bias0 = ref bias.IsEmpty ? ref cT : ref MemoryMarshal.GetReference(bias);
        int mBlocks = m - m % 8, nBlocks = n - n % 8;
        for (int i = 0; i < mBlocks; i += 8)
            for (int j = 0; j < nBlocks; j += 8)
            {
                // Rows j … j + 7 of Cᵀ, columns i … i + 7, become rows i … i + 7 of C, columns j … j + 7.
                ref float target = ref Unsafe.Add(ref c, (nint)i * n + j);
                Transpose8x8(ref Unsafe.Add(ref cT, (nint)j * m + i), m, ref target, n);
                var z = Lanes256.Load(ref Unsafe.Add(ref bias0, j));
                for (int r = 0; r < 8; r++)
                {
                    ref float row = ref Unsafe.Add(ref target, (nint)r * n);
                    Finish(Lanes256.Load(ref row), z, epilogue).Store(ref row);
                }
            }

        // The columns past the last whole block of 8 units, then the rows past the last whole block of 8 rows.
        for (int i = 0; i < m; i++)
            for (int j = i < mBlocks ? nBlocks : 0; j < n; j++)
            {
                ref float value = ref Unsafe.Add(ref c, (nint)i * n + j);
                value = Unsafe.Add(ref cT, (nint)j * m + i);
                Finish(Lane1.Load(ref value), Lane1.Load(ref Unsafe.Add(ref bias0, j)), epilogue).Store(ref value);
            }
    }
}
