using System.Runtime.InteropServices;

using NetDsl.Simd;

namespace NetDsl.Runtime;

public static partial class Kernels
{
    /// <summary>C[m×n] = A[m×k] · B[k×n] (overwrites C).</summary>
    /// <param name="a">A, row-major m×k.</param>
    /// <param name="b">B, row-major k×n.</param>
    /// <param name="c">C, row-major m×n; overwritten.</param>
    /// <param name="m">Rows of A and C; 0 is a no-op.</param>
    /// <param name="n">Columns of B and C.</param>
    /// <param name="k">Columns of A, rows of B.</param>
    /// <remarks>Spans may be longer than needed. C must not overlap A or B. The summation order is fixed, so equal inputs give equal bits.</remarks>
    /// <exception cref="ArgumentException">A span is too short, C overlaps an input, n or k is not positive, or m is negative.</exception>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k)
    {
        // The vectors run along n, so take the widest width that n fills.
        Multiply(Lanes.WidestFor(n), MachineBlocking, a, b, c, m, n, k);
    }

    /// <summary>
    /// <see cref="Multiply(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int)"/> on the given
    /// path and register blocks, whatever the size and the machine (a width this machine does not accelerate
    /// runs emulated, slowly; <see cref="SimdWidth.Scalar"/> has no blocks): for tests and benchmarks.
    /// </summary>
    internal static void Multiply(SimdWidth path, KernelBlocking blocking, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k)
    {
        ValidateMultiply(a, b, c, m, n, k);
        bool large = blocking == KernelBlocking.Large;
        switch (path)
        {
            case SimdWidth.Vector512: MultiplyCore<Lanes512>(a, b, c, m, n, k, large); break;
            case SimdWidth.Vector256: MultiplyCore<Lanes256>(a, b, c, m, n, k, large); break;
            case SimdWidth.Vector128: MultiplyCore<Lanes128>(a, b, c, m, n, k, large); break;
            case SimdWidth.Scalar: MultiplyScalarCore(a, b, c, m, n, k); break;
            default: throw UnknownPath(path);
        }
    }

    private static void ValidateMultiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        RequireLength(a.Length, (long)m * k, nameof(a), "m×k", m, k);
        RequireLength(b.Length, (long)k * n, nameof(b), "k×n", k, n);
        RequireLength(c.Length, (long)m * n, nameof(c), "m×n", m, n);
        RequireNoOverlap(c[..(m * n)], a[..(m * k)], nameof(c), nameof(a));
        RequireNoOverlap(c[..(m * n)], b[..(k * n)], nameof(c), nameof(b));
    }

    private static void MultiplyCore<T>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool largeTiles)
        where T : struct, ILanes<T>
    {
        // A(i, p) = a[i·k + p], B(p, j) = b[p·n + j].
        PackedMultiply<T>(ref MemoryMarshal.GetReference(a), k, 1, ref MemoryMarshal.GetReference(b), n, 1,
            ref MemoryMarshal.GetReference(c), m, n, k, largeTiles);
    }

    private static void MultiplyScalarCore(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k)
    {
        for (int i = 0; i < m; i++)
        {
            // Row i of C accumulates rows of B scaled by A[i, p], p ascending: each C element sums in order p = 0..k-1.
            Span<float> row = c.Slice(i * n, n);
            row.Clear();
            for (int p = 0; p < k; p++)
            {
                float x = a[i * k + p];
                ReadOnlySpan<float> bRow = b.Slice(p * n, n);
                for (int j = 0; j < n; j++)
                    row[j] += x * bRow[j];
            }
        }
    }
}
