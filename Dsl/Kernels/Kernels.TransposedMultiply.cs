using System.Runtime.InteropServices;

using NetDsl.Simd;

namespace NetDsl.Runtime;

public static partial class Kernels
{
    /// <summary>C[m×n] = A[k×m]ᵀ · B[k×n] (overwrites C).</summary>
    /// <param name="a">A, row-major k×m.</param>
    /// <param name="b">B, row-major k×n.</param>
    /// <param name="c">C, row-major m×n; overwritten.</param>
    /// <param name="m">Columns of A, rows of C.</param>
    /// <param name="n">Columns of B and C.</param>
    /// <param name="k">Rows of A and B (the batch rows); 0 gives C = 0.</param>
    /// <remarks>Spans may be longer than needed. C must not overlap A or B. The summation order is fixed, so equal inputs give equal bits.</remarks>
    /// <exception cref="ArgumentException">A span is too short, C overlaps an input, m or n is not positive, or k is negative.</exception>
    public static void TransposedMultiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k)
    {
        // The vectors run along n, so take the widest width that n fills.
        TransposedMultiply(Lanes.WidestFor(n), MachineBlocking, a, b, c, m, n, k);
    }

    /// <summary>
    /// <see cref="TransposedMultiply(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int)"/> on the
    /// given path and register blocks, whatever the size and the machine (a width this machine does not accelerate
    /// runs emulated, slowly; <see cref="SimdWidth.Scalar"/> has no blocks): for tests and benchmarks.
    /// </summary>
    internal static void TransposedMultiply(SimdWidth path, KernelBlocking blocking, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k)
    {
        ValidateTransposedMultiply(a, b, c, m, n, k);
        bool large = blocking == KernelBlocking.Large;
        switch (path)
        {
            case SimdWidth.Vector512: TransposedMultiplyCore<Lanes512>(a, b, c, m, n, k, large); break;
            case SimdWidth.Vector256: TransposedMultiplyCore<Lanes256>(a, b, c, m, n, k, large); break;
            case SimdWidth.Vector128: TransposedMultiplyCore<Lanes128>(a, b, c, m, n, k, large); break;
            case SimdWidth.Scalar: TransposedMultiplyScalarCore(a, b, c, m, n, k); break;
            default: throw UnknownPath(path);
        }
    }

    private static void ValidateTransposedMultiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(m);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        RequireLength(a.Length, (long)k * m, nameof(a), "k×m", k, m);
        RequireLength(b.Length, (long)k * n, nameof(b), "k×n", k, n);
        RequireLength(c.Length, (long)m * n, nameof(c), "m×n", m, n);
        RequireNoOverlap(c[..(m * n)], a[..(k * m)], nameof(c), nameof(a));
        RequireNoOverlap(c[..(m * n)], b[..(k * n)], nameof(c), nameof(b));
    }

    private static void TransposedMultiplyCore<T>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool largeBlocks)
        where T : struct, ILanes<T>
    {
        // Aᵀ(i, p) = a[p·m + i], B(p, j) = b[p·n + j].
        PackedMultiply<T>(ref MemoryMarshal.GetReference(a), 1, m, ref MemoryMarshal.GetReference(b), n, 1,
            ref MemoryMarshal.GetReference(c), m, n, k, largeBlocks);
    }

    private static void TransposedMultiplyScalarCore(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k)
    {
        c[..(m * n)].Clear();
        // Rank-1 updates in ascending p: each C element sums in order p = 0..k-1.
        for (int p = 0; p < k; p++)
        {
            ReadOnlySpan<float> bRow = b.Slice(p * n, n);
            for (int i = 0; i < m; i++)
            {
                float x = a[p * m + i];
                Span<float> row = c.Slice(i * n, n);
                for (int j = 0; j < n; j++)
                    row[j] += x * bRow[j];
            }
        }
    }
}
