using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace NetDsl;

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
        ValidateMultiply(a, b, c, m, n, k);
        // The vectors run along n, so take the widest width that n fills.
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
            MultiplyCore<Vector512<float>, V512>(a, b, c, m, n, k, ManyRegisters);
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
            MultiplyCore<Vector256<float>, V256>(a, b, c, m, n, k, ManyRegisters);
        else if (Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count)
            MultiplyCore<Vector128<float>, V128>(a, b, c, m, n, k, ManyRegisters);
        else
            MultiplyScalarCore(a, b, c, m, n, k);
    }

    /// <summary>The Vector512 path of <see cref="Multiply"/>, whatever the size, for tests and benchmarks; <paramref name="smallBlocks"/> forces the blocking used on 16-register machines.</summary>
    internal static void Multiply512(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool smallBlocks = false)
    {
        ValidateMultiply(a, b, c, m, n, k);
        MultiplyCore<Vector512<float>, V512>(a, b, c, m, n, k, ManyRegisters && !smallBlocks);
    }

    /// <summary>The Vector256 path of <see cref="Multiply"/>, whatever the size, for tests and benchmarks; <paramref name="smallBlocks"/> forces the blocking used on 16-register machines.</summary>
    internal static void Multiply256(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool smallBlocks = false)
    {
        ValidateMultiply(a, b, c, m, n, k);
        MultiplyCore<Vector256<float>, V256>(a, b, c, m, n, k, ManyRegisters && !smallBlocks);
    }

    /// <summary>The Vector128 path of <see cref="Multiply"/>, whatever the size, for tests and benchmarks; <paramref name="smallBlocks"/> forces the blocking used on 16-register machines.</summary>
    internal static void Multiply128(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool smallBlocks = false)
    {
        ValidateMultiply(a, b, c, m, n, k);
        MultiplyCore<Vector128<float>, V128>(a, b, c, m, n, k, ManyRegisters && !smallBlocks);
    }

    /// <summary>The scalar fallback of <see cref="Multiply"/>, for tests and benchmarks.</summary>
    internal static void MultiplyScalar(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k)
    {
        ValidateMultiply(a, b, c, m, n, k);
        MultiplyScalarCore(a, b, c, m, n, k);
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

    private static void MultiplyCore<TVec, TOps>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool manyRegisters)
        where TVec : struct
        where TOps : IVectorOps<TVec>
    {
        // A(i, p) = a[i·k + p]: rows k apart, consecutive p adjacent.
        BroadcastMultiply<TVec, TOps>(ref MemoryMarshal.GetReference(a), k, 1,
            ref MemoryMarshal.GetReference(b), ref MemoryMarshal.GetReference(c), m, n, k, manyRegisters);
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
    /// Shared by <see cref="Multiply"/> (aRow = k, aStep = 1) and <see cref="TransposedMultiply"/> (aRow = 1, aStep = m).
    /// </summary>
    private static void BroadcastMultiply<TVec, TOps>(ref float a, nint aRow, nint aStep, ref float b, ref float c, int m, int n, int k,
        bool manyRegisters)
        where TVec : struct
        where TOps : IVectorOps<TVec>
    {
        int w = TOps.Count;
        int j = 0;
        // Panels of four (with 16 registers, two) vectors of columns, row blocks inside,
        // so the panel of B stays in cache for all the rows.
        if (manyRegisters)
        {
            for (; j <= n - 4 * w; j += 4 * w)
            {
                for (int i = 0; i < m; i += BlockRows)
                {
                    Broadcast4Rows4Vectors<TVec, TOps>(ref Unsafe.Add(ref a, i * aRow), aRow, aStep,
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
                    Broadcast4Rows2Vectors<TVec, TOps>(ref Unsafe.Add(ref a, i * aRow), aRow, aStep,
                        ref Unsafe.Add(ref b, j), n, ref Unsafe.Add(ref c, (nint)i * n + j), n, k, Math.Min(BlockRows, m - i));
                }
            }
        }

        // Remaining whole vectors, one at a time.
        for (; j <= n - w; j += w)
        {
            for (int i = 0; i < m; i += BlockRows)
            {
                Broadcast4Rows1Vector<TVec, TOps>(ref Unsafe.Add(ref a, i * aRow), aRow, aStep,
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
    private static void Broadcast4Rows4Vectors<TVec, TOps>(ref float a, nint aRow, nint aStep, ref float b, nint ldb,
        ref float c, nint ldc, int k, int rows)
        where TVec : struct
        where TOps : IVectorOps<TVec>
    {
        nint w = TOps.Count;
        nint o1 = Math.Min(1, rows - 1) * aRow, o2 = Math.Min(2, rows - 1) * aRow, o3 = Math.Min(3, rows - 1) * aRow;
        TVec c00 = TOps.Zero, c01 = TOps.Zero, c02 = TOps.Zero, c03 = TOps.Zero;
        TVec c10 = TOps.Zero, c11 = TOps.Zero, c12 = TOps.Zero, c13 = TOps.Zero;
        TVec c20 = TOps.Zero, c21 = TOps.Zero, c22 = TOps.Zero, c23 = TOps.Zero;
        TVec c30 = TOps.Zero, c31 = TOps.Zero, c32 = TOps.Zero, c33 = TOps.Zero;
        for (int p = 0; p < k; p++)
        {
            TVec b0 = TOps.Load(ref b);
            TVec b1 = TOps.Load(ref Unsafe.Add(ref b, w));
            TVec b2 = TOps.Load(ref Unsafe.Add(ref b, 2 * w));
            TVec b3 = TOps.Load(ref Unsafe.Add(ref b, 3 * w));

            TVec x = TOps.Broadcast(a);
            c00 = TOps.MultiplyAdd(x, b0, c00); c01 = TOps.MultiplyAdd(x, b1, c01);
            c02 = TOps.MultiplyAdd(x, b2, c02); c03 = TOps.MultiplyAdd(x, b3, c03);
            x = TOps.Broadcast(Unsafe.Add(ref a, o1));
            c10 = TOps.MultiplyAdd(x, b0, c10); c11 = TOps.MultiplyAdd(x, b1, c11);
            c12 = TOps.MultiplyAdd(x, b2, c12); c13 = TOps.MultiplyAdd(x, b3, c13);
            x = TOps.Broadcast(Unsafe.Add(ref a, o2));
            c20 = TOps.MultiplyAdd(x, b0, c20); c21 = TOps.MultiplyAdd(x, b1, c21);
            c22 = TOps.MultiplyAdd(x, b2, c22); c23 = TOps.MultiplyAdd(x, b3, c23);
            x = TOps.Broadcast(Unsafe.Add(ref a, o3));
            c30 = TOps.MultiplyAdd(x, b0, c30); c31 = TOps.MultiplyAdd(x, b1, c31);
            c32 = TOps.MultiplyAdd(x, b2, c32); c33 = TOps.MultiplyAdd(x, b3, c33);

            a = ref Unsafe.Add(ref a, aStep);
            b = ref Unsafe.Add(ref b, ldb);
        }

        Store4(ref c, w, c00, c01, c02, c03);
        if (rows > 1) Store4(ref Unsafe.Add(ref c, ldc), w, c10, c11, c12, c13);
        if (rows > 2) Store4(ref Unsafe.Add(ref c, 2 * ldc), w, c20, c21, c22, c23);
        if (rows > 3) Store4(ref Unsafe.Add(ref c, 3 * ldc), w, c30, c31, c32, c33);

        static void Store4(ref float row, nint w, TVec v0, TVec v1, TVec v2, TVec v3)
        {
            TOps.Store(v0, ref row);
            TOps.Store(v1, ref Unsafe.Add(ref row, w));
            TOps.Store(v2, ref Unsafe.Add(ref row, 2 * w));
            TOps.Store(v3, ref Unsafe.Add(ref row, 3 * w));
        }
    }

    /// <summary>Four rows × two vectors of C, 8 accumulators: <see cref="Broadcast4Rows4Vectors"/> for 16-register machines.</summary>
    private static void Broadcast4Rows2Vectors<TVec, TOps>(ref float a, nint aRow, nint aStep, ref float b, nint ldb,
        ref float c, nint ldc, int k, int rows)
        where TVec : struct
        where TOps : IVectorOps<TVec>
    {
        nint w = TOps.Count;
        nint o1 = Math.Min(1, rows - 1) * aRow, o2 = Math.Min(2, rows - 1) * aRow, o3 = Math.Min(3, rows - 1) * aRow;
        TVec c00 = TOps.Zero, c01 = TOps.Zero, c10 = TOps.Zero, c11 = TOps.Zero;
        TVec c20 = TOps.Zero, c21 = TOps.Zero, c30 = TOps.Zero, c31 = TOps.Zero;
        for (int p = 0; p < k; p++)
        {
            TVec b0 = TOps.Load(ref b);
            TVec b1 = TOps.Load(ref Unsafe.Add(ref b, w));
            TVec x = TOps.Broadcast(a);
            c00 = TOps.MultiplyAdd(x, b0, c00); c01 = TOps.MultiplyAdd(x, b1, c01);
            x = TOps.Broadcast(Unsafe.Add(ref a, o1));
            c10 = TOps.MultiplyAdd(x, b0, c10); c11 = TOps.MultiplyAdd(x, b1, c11);
            x = TOps.Broadcast(Unsafe.Add(ref a, o2));
            c20 = TOps.MultiplyAdd(x, b0, c20); c21 = TOps.MultiplyAdd(x, b1, c21);
            x = TOps.Broadcast(Unsafe.Add(ref a, o3));
            c30 = TOps.MultiplyAdd(x, b0, c30); c31 = TOps.MultiplyAdd(x, b1, c31);
            a = ref Unsafe.Add(ref a, aStep);
            b = ref Unsafe.Add(ref b, ldb);
        }

        Store2(ref c, w, c00, c01);
        if (rows > 1) Store2(ref Unsafe.Add(ref c, ldc), w, c10, c11);
        if (rows > 2) Store2(ref Unsafe.Add(ref c, 2 * ldc), w, c20, c21);
        if (rows > 3) Store2(ref Unsafe.Add(ref c, 3 * ldc), w, c30, c31);

        static void Store2(ref float row, nint w, TVec v0, TVec v1)
        {
            TOps.Store(v0, ref row);
            TOps.Store(v1, ref Unsafe.Add(ref row, w));
        }
    }

    /// <summary>Four rows × one vector of C: the column edge of <see cref="Broadcast4Rows4Vectors"/>.</summary>
    private static void Broadcast4Rows1Vector<TVec, TOps>(ref float a, nint aRow, nint aStep, ref float b, nint ldb,
        ref float c, nint ldc, int k, int rows)
        where TVec : struct
        where TOps : IVectorOps<TVec>
    {
        nint o1 = Math.Min(1, rows - 1) * aRow, o2 = Math.Min(2, rows - 1) * aRow, o3 = Math.Min(3, rows - 1) * aRow;
        TVec c0 = TOps.Zero, c1 = TOps.Zero, c2 = TOps.Zero, c3 = TOps.Zero;
        for (int p = 0; p < k; p++)
        {
            TVec y = TOps.Load(ref b);
            c0 = TOps.MultiplyAdd(TOps.Broadcast(a), y, c0);
            c1 = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref a, o1)), y, c1);
            c2 = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref a, o2)), y, c2);
            c3 = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref a, o3)), y, c3);
            a = ref Unsafe.Add(ref a, aStep);
            b = ref Unsafe.Add(ref b, ldb);
        }

        TOps.Store(c0, ref c);
        if (rows > 1) TOps.Store(c1, ref Unsafe.Add(ref c, ldc));
        if (rows > 2) TOps.Store(c2, ref Unsafe.Add(ref c, 2 * ldc));
        if (rows > 3) TOps.Store(c3, ref Unsafe.Add(ref c, 3 * ldc));
    }
}
