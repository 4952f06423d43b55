using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetDsl;

public static partial class Kernels
{
    /// <summary>sums[n] = Σ_r A[r, n] over m rows (overwrites sums).</summary>
    /// <param name="a">A, row-major m×n.</param>
    /// <param name="sums">The n column sums; overwritten.</param>
    /// <param name="m">Rows of A; 0 gives sums = 0.</param>
    /// <param name="n">Columns of A.</param>
    /// <remarks>Spans may be longer than needed. Sums must not overlap A. Rows are added in order 0..m-1, so equal inputs give equal bits.</remarks>
    /// <exception cref="ArgumentException">A span is too short, sums overlaps A, n is not positive, or m is negative.</exception>
    public static void SumRows(ReadOnlySpan<float> a, Span<float> sums, int m, int n)
    {
        ValidateSumRows(a, sums, m, n);
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
            SumRowsCore<Vector512<float>, V512>(a, sums, m, n);
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
            SumRowsCore<Vector256<float>, V256>(a, sums, m, n);
        else if (Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count)
            SumRowsCore<Vector128<float>, V128>(a, sums, m, n);
        else
            SumRowsScalarCore(a, sums, m, n);
    }

    /// <summary>The Vector512 path of <see cref="SumRows"/>, whatever the size, for tests and benchmarks.</summary>
    internal static void SumRows512(ReadOnlySpan<float> a, Span<float> sums, int m, int n)
    {
        ValidateSumRows(a, sums, m, n);
        SumRowsCore<Vector512<float>, V512>(a, sums, m, n);
    }

    /// <summary>The Vector256 path of <see cref="SumRows"/>, whatever the size, for tests and benchmarks.</summary>
    internal static void SumRows256(ReadOnlySpan<float> a, Span<float> sums, int m, int n)
    {
        ValidateSumRows(a, sums, m, n);
        SumRowsCore<Vector256<float>, V256>(a, sums, m, n);
    }

    /// <summary>The Vector128 path of <see cref="SumRows"/>, whatever the size, for tests and benchmarks.</summary>
    internal static void SumRows128(ReadOnlySpan<float> a, Span<float> sums, int m, int n)
    {
        ValidateSumRows(a, sums, m, n);
        SumRowsCore<Vector128<float>, V128>(a, sums, m, n);
    }

    /// <summary>The scalar fallback of <see cref="SumRows"/>, for tests and benchmarks.</summary>
    internal static void SumRowsScalar(ReadOnlySpan<float> a, Span<float> sums, int m, int n)
    {
        ValidateSumRows(a, sums, m, n);
        SumRowsScalarCore(a, sums, m, n);
    }

    private static void ValidateSumRows(ReadOnlySpan<float> a, Span<float> sums, int m, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        RequireLength(a.Length, (long)m * n, nameof(a), "m×n", m, n);
        RequireLength(sums.Length, n, nameof(sums), "1×n", 1, n);
        RequireNoOverlap(sums[..n], a[..(m * n)], nameof(sums), nameof(a));
    }

    private static void SumRowsCore<TVec, TOps>(ReadOnlySpan<float> a, Span<float> sums, int m, int n)
        where TVec : struct
        where TOps : IVectorOps<TVec>
    {
        ref float a0 = ref MemoryMarshal.GetReference(a);
        ref float s0 = ref MemoryMarshal.GetReference(sums);
        nint w = TOps.Count;
        nint j = 0;
        // Four vectors of columns at a time: four independent add chains run down the rows.
        for (; j <= n - 4 * w; j += 4 * w)
        {
            TVec v0 = TOps.Zero, v1 = TOps.Zero, v2 = TOps.Zero, v3 = TOps.Zero;
            ref float row = ref Unsafe.Add(ref a0, j);
            for (int r = 0; r < m; r++)
            {
                v0 = TOps.Add(v0, TOps.Load(ref row));
                v1 = TOps.Add(v1, TOps.Load(ref Unsafe.Add(ref row, w)));
                v2 = TOps.Add(v2, TOps.Load(ref Unsafe.Add(ref row, 2 * w)));
                v3 = TOps.Add(v3, TOps.Load(ref Unsafe.Add(ref row, 3 * w)));
                row = ref Unsafe.Add(ref row, n);
            }

            ref float s = ref Unsafe.Add(ref s0, j);
            TOps.Store(v0, ref s);
            TOps.Store(v1, ref Unsafe.Add(ref s, w));
            TOps.Store(v2, ref Unsafe.Add(ref s, 2 * w));
            TOps.Store(v3, ref Unsafe.Add(ref s, 3 * w));
        }

        for (; j <= n - w; j += w)
        {
            TVec v = TOps.Zero;
            ref float row = ref Unsafe.Add(ref a0, j);
            for (int r = 0; r < m; r++)
            {
                v = TOps.Add(v, TOps.Load(ref row));
                row = ref Unsafe.Add(ref row, n);
            }

            TOps.Store(v, ref Unsafe.Add(ref s0, j));
        }

        // Columns left over after the last whole vector.
        for (; j < n; j++)
        {
            float sum = 0;
            for (int r = 0; r < m; r++)
                sum += Unsafe.Add(ref a0, r * (nint)n + j);
            Unsafe.Add(ref s0, j) = sum;
        }
    }

    private static void SumRowsScalarCore(ReadOnlySpan<float> a, Span<float> sums, int m, int n)
    {
        Span<float> s = sums[..n];
        s.Clear();
        for (int r = 0; r < m; r++)
        {
            ReadOnlySpan<float> row = a.Slice(r * n, n);
            for (int j = 0; j < n; j++)
                s[j] += row[j];
        }
    }
}
