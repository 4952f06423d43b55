using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

using NetDsl.Simd;

namespace NetDsl.Runtime;

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
        SumRows(Lanes.WidestFor(n), a, sums, m, n);
    }

    /// <summary>
    /// <see cref="SumRows(ReadOnlySpan{float}, Span{float}, int, int)"/> on the given path, whatever the size and the
    /// machine (a width this machine does not accelerate runs emulated, slowly): for tests and benchmarks.
    /// It has one blocking: four vectors of columns, then one at a time.
    /// </summary>
    internal static void SumRows(SimdWidth path, ReadOnlySpan<float> a, Span<float> sums, int m, int n)
    {
        ValidateSumRows(a, sums, m, n);
        switch (path)
        {
            case SimdWidth.Vector512: SumRowsCore<Lanes512>(a, sums, m, n); break;
            case SimdWidth.Vector256: SumRowsCore<Lanes256>(a, sums, m, n); break;
            case SimdWidth.Vector128: SumRowsCore<Lanes128>(a, sums, m, n); break;
            case SimdWidth.Scalar: SumRowsScalarCore(a, sums, m, n); break;
            default: throw UnknownPath(path);
        }
    }

    private static void ValidateSumRows(ReadOnlySpan<float> a, Span<float> sums, int m, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        RequireLength(a.Length, (long)m * n, nameof(a), "m×n", m, n);
        RequireLength(sums.Length, n, nameof(sums), "1×n", 1, n);
        RequireNoOverlap(sums[..n], a[..(m * n)], nameof(sums), nameof(a));
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // on its own, with a whole inlining budget for its vector operations, and optimised at its first call
    private static void SumRowsCore<T>(ReadOnlySpan<float> a, Span<float> sums, int m, int n)
        where T : struct, ILanes<T>
    {
        ref float a0 = ref MemoryMarshal.GetReference(a);
        ref float s0 = ref MemoryMarshal.GetReference(sums);
        nint w = T.Count;
        nint j = 0;
        // Four vectors of columns at a time: four independent add chains run down the rows.
        for (; j <= n - 4 * w; j += 4 * w)
        {
            T v0 = T.Zero, v1 = T.Zero, v2 = T.Zero, v3 = T.Zero;
            ref float row = ref Unsafe.Add(ref a0, j);
            for (int r = 0; r < m; r++)
            {
                v0 += T.Load(ref row);
                v1 += T.Load(ref Unsafe.Add(ref row, w));
                v2 += T.Load(ref Unsafe.Add(ref row, 2 * w));
                v3 += T.Load(ref Unsafe.Add(ref row, 3 * w));
                row = ref Unsafe.Add(ref row, n);
            }

            ref float s = ref Unsafe.Add(ref s0, j);
            v0.Store(ref s);
            v1.Store(ref Unsafe.Add(ref s, w));
            v2.Store(ref Unsafe.Add(ref s, 2 * w));
            v3.Store(ref Unsafe.Add(ref s, 3 * w));
        }

        for (; j <= n - w; j += w)
        {
            T v = T.Zero;
            ref float row = ref Unsafe.Add(ref a0, j);
            for (int r = 0; r < m; r++)
            {
                v += T.Load(ref row);
                row = ref Unsafe.Add(ref row, n);
            }

            v.Store(ref Unsafe.Add(ref s0, j));
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
