using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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

    private static void MultiplyCore<T>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool largeBlocks)
        where T : struct, ILanes<T>
    {
        // A(i, p) = a[i·k + p]: rows k apart, consecutive p adjacent.
        BroadcastMultiply<T>(ref MemoryMarshal.GetReference(a), k, 1,
            ref MemoryMarshal.GetReference(b), ref MemoryMarshal.GetReference(c), m, n, k, largeBlocks);
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

    /// <summary>
    /// C[m×n] = Σ_p A(i, p) · B[p, j] with A(i, p) = a[i·aRow + p·aStep] and B row-major k×n; overwrites C.
    /// Shared by <see cref="Multiply(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int)"/> (aRow = k, aStep = 1) and <see cref="TransposedMultiply(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int)"/> (aRow = 1, aStep = m).
    /// </summary>
    /// <remarks>
    /// NoInlining, so that it is compiled on its own with a whole inlining budget for the register blocks,
    /// which it inlines (inlined into the Core methods, the many small inlinees of the lane structs exhausted
    /// that budget and left vector operations and stores as calls in the innermost loop); AggressiveOptimization,
    /// so that it is optimised at its first call instead of running the first epochs as unoptimised code.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void BroadcastMultiply<T>(ref float a, nint aRow, nint aStep, ref float b, ref float c, int m, int n, int k,
        bool largeBlocks)
        where T : struct, ILanes<T>
    {
        int w = T.Count;
        int j = 0;
        // Panels of four (with 16 registers, two) vectors of columns, row blocks inside,
        // so the panel of B stays in cache for all the rows.
        if (largeBlocks)
        {
            for (; j <= n - 4 * w; j += 4 * w)
            {
                for (int i = 0; i < m; i += BlockRows)
                {
                    Broadcast4Rows4Vectors<T>(ref Unsafe.Add(ref a, i * aRow), aRow, aStep,
                        ref Unsafe.Add(ref b, j), n, ref Unsafe.Add(ref c, (nint)i * n + j), n, k, Math.Min(BlockRows, m - i));
                }
            }
        }
        else
        {
            for (; j <= n - 2 * w; j += 2 * w)
            {
                for (int i = 0; i < m; i += BlockRows)
                {
                    Broadcast4Rows2Vectors<T>(ref Unsafe.Add(ref a, i * aRow), aRow, aStep,
                        ref Unsafe.Add(ref b, j), n, ref Unsafe.Add(ref c, (nint)i * n + j), n, k, Math.Min(BlockRows, m - i));
                }
            }
        }

        // Remaining whole vectors, one at a time.
        for (; j <= n - w; j += w)
        {
            for (int i = 0; i < m; i += BlockRows)
            {
                Broadcast4Rows1Vector<T>(ref Unsafe.Add(ref a, i * aRow), aRow, aStep,
                    ref Unsafe.Add(ref b, j), n, ref Unsafe.Add(ref c, (nint)i * n + j), n, k, Math.Min(BlockRows, m - i));
            }
        }

        // Columns left over after the last whole vector.
        for (; j < n; j++)
        {
            for (int i = 0; i < m; i++)
            {
                float sum = 0;
                for (int p = 0; p < k; p++)
                    sum += Unsafe.Add(ref a, i * aRow + p * aStep) * Unsafe.Add(ref b, (nint)p * n + j);
                Unsafe.Add(ref c, (nint)i * n + j) = sum;
            }
        }
    }

    /// <summary>Rows per register block of <see cref="BroadcastMultiply"/>.</summary>
    private const int BlockRows = 4;

    /// <summary>
    /// Four rows × four vectors of C, 16 accumulators: per step p, 4 loads of B and 4 broadcasts of A feed 16 FMAs.
    /// Rows past <paramref name="rows"/> alias the last real row: computed, never stored.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Broadcast4Rows4Vectors<T>(ref float a, nint aRow, nint aStep, ref float b, nint ldb,
        ref float c, nint ldc, int k, int rows)
        where T : struct, ILanes<T>
    {
        nint w = T.Count;
        nint o1 = Math.Min(1, rows - 1) * aRow, o2 = Math.Min(2, rows - 1) * aRow, o3 = Math.Min(3, rows - 1) * aRow;
        T c00 = T.Zero, c01 = T.Zero, c02 = T.Zero, c03 = T.Zero;
        T c10 = T.Zero, c11 = T.Zero, c12 = T.Zero, c13 = T.Zero;
        T c20 = T.Zero, c21 = T.Zero, c22 = T.Zero, c23 = T.Zero;
        T c30 = T.Zero, c31 = T.Zero, c32 = T.Zero, c33 = T.Zero;
        for (int p = 0; p < k; p++)
        {
            T b0 = T.Load(ref b);
            T b1 = T.Load(ref Unsafe.Add(ref b, w));
            T b2 = T.Load(ref Unsafe.Add(ref b, 2 * w));
            T b3 = T.Load(ref Unsafe.Add(ref b, 3 * w));

            T x = T.Broadcast(a);
            c00 = T.MultiplyAdd(x, b0, c00); c01 = T.MultiplyAdd(x, b1, c01);
            c02 = T.MultiplyAdd(x, b2, c02); c03 = T.MultiplyAdd(x, b3, c03);
            x = T.Broadcast(Unsafe.Add(ref a, o1));
            c10 = T.MultiplyAdd(x, b0, c10); c11 = T.MultiplyAdd(x, b1, c11);
            c12 = T.MultiplyAdd(x, b2, c12); c13 = T.MultiplyAdd(x, b3, c13);
            x = T.Broadcast(Unsafe.Add(ref a, o2));
            c20 = T.MultiplyAdd(x, b0, c20); c21 = T.MultiplyAdd(x, b1, c21);
            c22 = T.MultiplyAdd(x, b2, c22); c23 = T.MultiplyAdd(x, b3, c23);
            x = T.Broadcast(Unsafe.Add(ref a, o3));
            c30 = T.MultiplyAdd(x, b0, c30); c31 = T.MultiplyAdd(x, b1, c31);
            c32 = T.MultiplyAdd(x, b2, c32); c33 = T.MultiplyAdd(x, b3, c33);

            a = ref Unsafe.Add(ref a, aStep);
            b = ref Unsafe.Add(ref b, ldb);
        }

        Store4(ref c, w, c00, c01, c02, c03);
        if (rows > 1) Store4(ref Unsafe.Add(ref c, ldc), w, c10, c11, c12, c13);
        if (rows > 2) Store4(ref Unsafe.Add(ref c, 2 * ldc), w, c20, c21, c22, c23);
        if (rows > 3) Store4(ref Unsafe.Add(ref c, 3 * ldc), w, c30, c31, c32, c33);

        static void Store4(ref float row, nint w, T v0, T v1, T v2, T v3)
        {
            v0.Store(ref row);
            v1.Store(ref Unsafe.Add(ref row, w));
            v2.Store(ref Unsafe.Add(ref row, 2 * w));
            v3.Store(ref Unsafe.Add(ref row, 3 * w));
        }
    }

    /// <summary>Four rows × two vectors of C, 8 accumulators: <see cref="Broadcast4Rows4Vectors"/> for 16-register machines.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Broadcast4Rows2Vectors<T>(ref float a, nint aRow, nint aStep, ref float b, nint ldb,
        ref float c, nint ldc, int k, int rows)
        where T : struct, ILanes<T>
    {
        nint w = T.Count;
        nint o1 = Math.Min(1, rows - 1) * aRow, o2 = Math.Min(2, rows - 1) * aRow, o3 = Math.Min(3, rows - 1) * aRow;
        T c00 = T.Zero, c01 = T.Zero, c10 = T.Zero, c11 = T.Zero;
        T c20 = T.Zero, c21 = T.Zero, c30 = T.Zero, c31 = T.Zero;
        for (int p = 0; p < k; p++)
        {
            T b0 = T.Load(ref b);
            T b1 = T.Load(ref Unsafe.Add(ref b, w));
            T x = T.Broadcast(a);
            c00 = T.MultiplyAdd(x, b0, c00); c01 = T.MultiplyAdd(x, b1, c01);
            x = T.Broadcast(Unsafe.Add(ref a, o1));
            c10 = T.MultiplyAdd(x, b0, c10); c11 = T.MultiplyAdd(x, b1, c11);
            x = T.Broadcast(Unsafe.Add(ref a, o2));
            c20 = T.MultiplyAdd(x, b0, c20); c21 = T.MultiplyAdd(x, b1, c21);
            x = T.Broadcast(Unsafe.Add(ref a, o3));
            c30 = T.MultiplyAdd(x, b0, c30); c31 = T.MultiplyAdd(x, b1, c31);
            a = ref Unsafe.Add(ref a, aStep);
            b = ref Unsafe.Add(ref b, ldb);
        }

        Store2(ref c, w, c00, c01);
        if (rows > 1) Store2(ref Unsafe.Add(ref c, ldc), w, c10, c11);
        if (rows > 2) Store2(ref Unsafe.Add(ref c, 2 * ldc), w, c20, c21);
        if (rows > 3) Store2(ref Unsafe.Add(ref c, 3 * ldc), w, c30, c31);

        static void Store2(ref float row, nint w, T v0, T v1)
        {
            v0.Store(ref row);
            v1.Store(ref Unsafe.Add(ref row, w));
        }
    }

    /// <summary>Four rows × one vector of C: the column edge of <see cref="Broadcast4Rows4Vectors"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Broadcast4Rows1Vector<T>(ref float a, nint aRow, nint aStep, ref float b, nint ldb,
        ref float c, nint ldc, int k, int rows)
        where T : struct, ILanes<T>
    {
        nint o1 = Math.Min(1, rows - 1) * aRow, o2 = Math.Min(2, rows - 1) * aRow, o3 = Math.Min(3, rows - 1) * aRow;
        T c0 = T.Zero, c1 = T.Zero, c2 = T.Zero, c3 = T.Zero;
        for (int p = 0; p < k; p++)
        {
            T y = T.Load(ref b);
            c0 = T.MultiplyAdd(T.Broadcast(a), y, c0);
            c1 = T.MultiplyAdd(T.Broadcast(Unsafe.Add(ref a, o1)), y, c1);
            c2 = T.MultiplyAdd(T.Broadcast(Unsafe.Add(ref a, o2)), y, c2);
            c3 = T.MultiplyAdd(T.Broadcast(Unsafe.Add(ref a, o3)), y, c3);
            a = ref Unsafe.Add(ref a, aStep);
            b = ref Unsafe.Add(ref b, ldb);
        }

        c0.Store(ref c);
        if (rows > 1) c1.Store(ref Unsafe.Add(ref c, ldc));
        if (rows > 2) c2.Store(ref Unsafe.Add(ref c, 2 * ldc));
        if (rows > 3) c3.Store(ref Unsafe.Add(ref c, 3 * ldc));
    }
}
