using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

using NetDsl.Simd;

namespace NetDsl.Runtime;

public static partial class Kernels
{
    /// <summary>C[m×n] = A[m×k] · B[n×k]ᵀ + bias[n] (bias broadcast over the rows; an empty bias span means no bias).</summary>
    /// <param name="a">A, row-major m×k.</param>
    /// <param name="b">B, row-major n×k (e.g. dense-layer weights, one row per unit).</param>
    /// <param name="bias">n values added to every row of C, or empty for none.</param>
    /// <param name="c">C, row-major m×n; overwritten.</param>
    /// <param name="m">Rows of A and C; 0 is a no-op.</param>
    /// <param name="n">Rows of B, columns of C.</param>
    /// <param name="k">Columns of A and B.</param>
    /// <remarks>
    /// Spans may be longer than needed. C must not overlap A, B or bias. The summation order is fixed, so equal inputs
    /// give equal bits: with at least <see cref="PackedFrom"/> rows and units each element is summed in p order, as
    /// the other products do, then the bias added; with fewer, in dot products along k (lane by lane, then across the
    /// lanes). A row's bits depend on which of the two its call takes, never on the other rows or the thread count.
    /// </remarks>
    /// <exception cref="ArgumentException">A span is too short, C overlaps an input, n or k is not positive, or m is negative.</exception>
    public static void MultiplyTransposed(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias, Span<float> c, int m, int n, int k)
    {
        // The vectors run along k, so take the widest width that k fills.
        MultiplyTransposed(Lanes.WidestFor(k), MachineBlocking, a, b, bias, c, m, n, k);
    }

    /// <summary>
    /// C[m×n] = max(0, A[m×k] · B[n×k]ᵀ + bias[n]): a ReLU dense layer's forward pass. The packed product adds the bias
    /// and takes the maximum as each register tile stores C, instead of two more passes over C; the bits are those of
    /// <see cref="MultiplyTransposed(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int)"/>
    /// followed by <see cref="Activations.Relu"/>.
    /// </summary>
    /// <inheritdoc cref="MultiplyTransposed(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int)"/>
    public static void MultiplyTransposedRelu(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias, Span<float> c, int m, int n, int k)
    {
        MultiplyTransposed(Lanes.WidestFor(k), MachineBlocking, a, b, bias, c, m, n, k, relu: true);
    }

    /// <summary>
    /// <see cref="MultiplyTransposed(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int)"/>
    /// on the given path and register blocks, whatever the size and the machine (a width this machine does not
    /// accelerate runs emulated, slowly; <see cref="SimdWidth.Scalar"/> has no blocks): for tests and benchmarks.
    /// With <paramref name="relu"/>, <see cref="MultiplyTransposedRelu"/>.
    /// </summary>
    internal static void MultiplyTransposed(SimdWidth path, KernelBlocking blocking, ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias, Span<float> c, int m, int n, int k,
        bool relu = false)
    {
        ValidateMultiplyTransposed(a, b, bias, c, m, n, k);
        bool large = blocking == KernelBlocking.Large;
        bool fused = path switch
        {
            SimdWidth.Vector512 => MultiplyTransposedCore<Lanes512>(a, b, bias, c, m, n, k, large, relu),
            SimdWidth.Vector256 => MultiplyTransposedCore<Lanes256>(a, b, bias, c, m, n, k, large, relu),
            SimdWidth.Vector128 => MultiplyTransposedCore<Lanes128>(a, b, bias, c, m, n, k, large, relu),
            SimdWidth.Scalar => MultiplyTransposedScalarCore(a, b, bias, c, m, n, k),
            _ => throw UnknownPath(path),
        };
        if (relu && !fused)
            Activations.Relu(c[..(m * n)], c[..(m * n)]);
    }

    private static void ValidateMultiplyTransposed(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias, Span<float> c, int m, int n, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        RequireLength(a.Length, (long)m * k, nameof(a), "m×k", m, k);
        RequireLength(b.Length, (long)n * k, nameof(b), "n×k", n, k);
        if (!bias.IsEmpty)
            RequireLength(bias.Length, n, nameof(bias), "1×n, or empty for no bias", 1, n);
        RequireLength(c.Length, (long)m * n, nameof(c), "m×n", m, n);
        RequireNoOverlap(c[..(m * n)], a[..(m * k)], nameof(c), nameof(a));
        RequireNoOverlap(c[..(m * n)], b[..(n * k)], nameof(c), nameof(b));
        if (!bias.IsEmpty)
            RequireNoOverlap(c[..(m * n)], bias[..n], nameof(c), nameof(bias));
    }

    /// <summary>
    /// From this many rows (and columns) on, <see cref="MultiplyTransposed(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int)"/>
    /// packs: B's transposition then costs less than it saves. Fewer rows (a Predict, a small shard) or units
    /// (an output layer) take dot products along k, which read both operands as they lie.
    /// </summary>
    internal const int PackedFrom = 32;

    /// <summary>C = A·Bᵀ + bias on one path; true when it applied <paramref name="relu"/> too (the packed product does, as it stores C).</summary>
    private static bool MultiplyTransposedCore<T>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias, Span<float> c, int m, int n, int k, bool largeBlocks,
        bool relu)
        where T : struct, ILanes<T>
    {
        if (m >= PackedFrom && n >= PackedFrom && FlippedIsCheaper(m, n, k))
        {
            MultiplyTransposedFlipped<T>(a, b, bias, c, m, n, k, largeBlocks, relu);
            return true;
        }
        if (m >= PackedFrom && n >= PackedFrom)
        {
            // A(i, p) = a[i·k + p], B(p, j) = b[j·k + p]: the product in p order, then + bias and the ReLU as each tile stores C.
            var epilogue = (bias.IsEmpty ? TileEpilogue.None : TileEpilogue.Bias) | (relu ? TileEpilogue.Relu : TileEpilogue.None);
            ref float cStart = ref MemoryMarshal.GetReference(c);
            ref float aStart = ref MemoryMarshal.GetReference(a);
            // A batched Predict's inputs, when this is its first layer: the tiles add up their sums to check them.
            bool check = FusedInputCheck.IsAskedFor(ref aStart, m * k);
            bool finite = PackedMultiply<T>(ref aStart, k, 1, ref MemoryMarshal.GetReference(b), 1, k,
                ref cStart, m, n, k, largeBlocks, ref bias.IsEmpty ? ref cStart : ref MemoryMarshal.GetReference(bias), epilogue, check);
            if (check)
                FusedInputCheck.Answer(finite);
            return true;
        }

        ref float a0 = ref MemoryMarshal.GetReference(a);
        ref float b0 = ref MemoryMarshal.GetReference(b);
        ref float c0 = ref MemoryMarshal.GetReference(c);
        bool hasBias = !bias.IsEmpty;
        // Without a bias any valid reference will do: it is never read.
        ref float bias0 = ref hasBias ? ref MemoryMarshal.GetReference(bias) : ref c0;

        if (m > 0 && m <= (largeBlocks ? 3 : 2))
        {
            // A row or a few (a one-row Predict): B streams past once, eight units at a time, each row of A loaded
            // once per step for all eight; the blocks below would compute their four rows whatever m is.
            RowTiles<T>(ref a0, ref b0, ref c0, ref bias0, hasBias, m, n, k, largeBlocks);
            return false;
        }

        // Units outer, rows inner: the block of B rows (units·k floats) stays in L1 while the rows of A stream past.
        // Blocks of four units where 32 registers hold their 16 accumulators, else (and for a last one or two units) of two.
        int units;
        for (int j = 0; j < n; j += units)
        {
            bool four = largeBlocks && n - j > 2;
            units = Math.Min(four ? 4 : 2, n - j);
            for (int i = 0; i < m; i += 4)
            {
                ref float aBlock = ref Unsafe.Add(ref a0, (nint)i * k);
                ref float bBlock = ref Unsafe.Add(ref b0, (nint)j * k);
                ref float cBlock = ref Unsafe.Add(ref c0, (nint)i * n + j);
                int rows = Math.Min(4, m - i);
                if (four)
                    Dot4x4<T>(ref aBlock, ref bBlock, k, rows, units, ref cBlock, n, ref Unsafe.Add(ref bias0, j), hasBias);
                else
                    Dot4x2<T>(ref aBlock, ref bBlock, k, rows, units, ref cBlock, n, ref Unsafe.Add(ref bias0, j), hasBias);
            }
        }
        return false;
    }

    /// <summary>
    /// C[4×4] block = four rows of A dotted with four rows of B: 16 vector accumulators over k, fed by 8 loads
    /// per 16 FMAs, then one horizontal reduction per output. Rows (units) past <paramref name="rows"/>
    /// (<paramref name="units"/>) alias the last real one: computed, never stored, so this kernel also covers the edges.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // on its own, with a whole inlining budget for its vector operations, and optimised at its first call
    private static void Dot4x4<T>(ref float a, ref float b, int k, int rows, int units,
        ref float c, nint ldc, ref float bias, bool hasBias)
        where T : struct, ILanes<T>
    {
        ref float a0 = ref a;
        ref float a1 = ref Unsafe.Add(ref a, (nint)Math.Min(1, rows - 1) * k);
        ref float a2 = ref Unsafe.Add(ref a, (nint)Math.Min(2, rows - 1) * k);
        ref float a3 = ref Unsafe.Add(ref a, (nint)Math.Min(3, rows - 1) * k);
        ref float b0 = ref b;
        ref float b1 = ref Unsafe.Add(ref b, (nint)Math.Min(1, units - 1) * k);
        ref float b2 = ref Unsafe.Add(ref b, (nint)Math.Min(2, units - 1) * k);
        ref float b3 = ref Unsafe.Add(ref b, (nint)Math.Min(3, units - 1) * k);

        T c00 = T.Zero, c01 = T.Zero, c02 = T.Zero, c03 = T.Zero;
        T c10 = T.Zero, c11 = T.Zero, c12 = T.Zero, c13 = T.Zero;
        T c20 = T.Zero, c21 = T.Zero, c22 = T.Zero, c23 = T.Zero;
        T c30 = T.Zero, c31 = T.Zero, c32 = T.Zero, c33 = T.Zero;
        nint p = 0;
        for (; p <= k - T.Count; p += T.Count)
        {
            T x0 = T.Load(ref Unsafe.Add(ref a0, p));
            T x1 = T.Load(ref Unsafe.Add(ref a1, p));
            T x2 = T.Load(ref Unsafe.Add(ref a2, p));
            T x3 = T.Load(ref Unsafe.Add(ref a3, p));

            T y = T.Load(ref Unsafe.Add(ref b0, p));
            c00 = T.MultiplyAdd(x0, y, c00); c10 = T.MultiplyAdd(x1, y, c10);
            c20 = T.MultiplyAdd(x2, y, c20); c30 = T.MultiplyAdd(x3, y, c30);
            y = T.Load(ref Unsafe.Add(ref b1, p));
            c01 = T.MultiplyAdd(x0, y, c01); c11 = T.MultiplyAdd(x1, y, c11);
            c21 = T.MultiplyAdd(x2, y, c21); c31 = T.MultiplyAdd(x3, y, c31);
            y = T.Load(ref Unsafe.Add(ref b2, p));
            c02 = T.MultiplyAdd(x0, y, c02); c12 = T.MultiplyAdd(x1, y, c12);
            c22 = T.MultiplyAdd(x2, y, c22); c32 = T.MultiplyAdd(x3, y, c32);
            y = T.Load(ref Unsafe.Add(ref b3, p));
            c03 = T.MultiplyAdd(x0, y, c03); c13 = T.MultiplyAdd(x1, y, c13);
            c23 = T.MultiplyAdd(x2, y, c23); c33 = T.MultiplyAdd(x3, y, c33);
        }

        // One row of C per 128-bit vector: [Σc_r0, Σc_r1, Σc_r2, Σc_r3].
        Vector128<float> r0 = T.Sum4(c00, c01, c02, c03);
        Vector128<float> r1 = T.Sum4(c10, c11, c12, c13);
        Vector128<float> r2 = T.Sum4(c20, c21, c22, c23);
        Vector128<float> r3 = T.Sum4(c30, c31, c32, c33);

        // The k % width tail: the four B values at p form one small vector shared by the four rows.
        for (; p < k; p++)
        {
            var y = Vector128.Create(Unsafe.Add(ref b0, p), Unsafe.Add(ref b1, p), Unsafe.Add(ref b2, p), Unsafe.Add(ref b3, p));
            r0 += y * Unsafe.Add(ref a0, p);
            r1 += y * Unsafe.Add(ref a1, p);
            r2 += y * Unsafe.Add(ref a2, p);
            r3 += y * Unsafe.Add(ref a3, p);
        }

        StoreDotRow(ref c, r0, ref bias, hasBias, units);
        if (rows > 1) StoreDotRow(ref Unsafe.Add(ref c, ldc), r1, ref bias, hasBias, units);
        if (rows > 2) StoreDotRow(ref Unsafe.Add(ref c, 2 * ldc), r2, ref bias, hasBias, units);
        if (rows > 3) StoreDotRow(ref Unsafe.Add(ref c, 3 * ldc), r3, ref bias, hasBias, units);
    }

    /// <summary>
    /// C[4×2] block: the <see cref="Dot4x4"/> scheme with 8 accumulators, for 16-register machines
    /// (AVX2 without AVX-512), where 16 accumulators would spill.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // on its own, with a whole inlining budget for its vector operations, and optimised at its first call
    private static void Dot4x2<T>(ref float a, ref float b, int k, int rows, int units,
        ref float c, nint ldc, ref float bias, bool hasBias)
        where T : struct, ILanes<T>
    {
        ref float a0 = ref a;
        ref float a1 = ref Unsafe.Add(ref a, (nint)Math.Min(1, rows - 1) * k);
        ref float a2 = ref Unsafe.Add(ref a, (nint)Math.Min(2, rows - 1) * k);
        ref float a3 = ref Unsafe.Add(ref a, (nint)Math.Min(3, rows - 1) * k);
        ref float b0 = ref b;
        ref float b1 = ref Unsafe.Add(ref b, (nint)Math.Min(1, units - 1) * k);

        T c00 = T.Zero, c01 = T.Zero, c10 = T.Zero, c11 = T.Zero;
        T c20 = T.Zero, c21 = T.Zero, c30 = T.Zero, c31 = T.Zero;
        nint p = 0;
        for (; p <= k - T.Count; p += T.Count)
        {
            T y0 = T.Load(ref Unsafe.Add(ref b0, p));
            T y1 = T.Load(ref Unsafe.Add(ref b1, p));
            T x = T.Load(ref Unsafe.Add(ref a0, p));
            c00 = T.MultiplyAdd(x, y0, c00); c01 = T.MultiplyAdd(x, y1, c01);
            x = T.Load(ref Unsafe.Add(ref a1, p));
            c10 = T.MultiplyAdd(x, y0, c10); c11 = T.MultiplyAdd(x, y1, c11);
            x = T.Load(ref Unsafe.Add(ref a2, p));
            c20 = T.MultiplyAdd(x, y0, c20); c21 = T.MultiplyAdd(x, y1, c21);
            x = T.Load(ref Unsafe.Add(ref a3, p));
            c30 = T.MultiplyAdd(x, y0, c30); c31 = T.MultiplyAdd(x, y1, c31);
        }

        // Two rows of C per 128-bit vector: [Σc_r0, Σc_r1, Σc_(r+1)0, Σc_(r+1)1].
        Vector128<float> r01 = T.Sum4(c00, c01, c10, c11);
        Vector128<float> r23 = T.Sum4(c20, c21, c30, c31);
        for (; p < k; p++)
        {
            var y = Vector128.Create(Unsafe.Add(ref b0, p), Unsafe.Add(ref b1, p), Unsafe.Add(ref b0, p), Unsafe.Add(ref b1, p));
            r01 += y * Vector128.Create(Unsafe.Add(ref a0, p), Unsafe.Add(ref a0, p), Unsafe.Add(ref a1, p), Unsafe.Add(ref a1, p));
            r23 += y * Vector128.Create(Unsafe.Add(ref a2, p), Unsafe.Add(ref a2, p), Unsafe.Add(ref a3, p), Unsafe.Add(ref a3, p));
        }

        StoreDotRow(ref c, r01, ref bias, hasBias, units);
        if (rows > 1) StoreDotRow(ref Unsafe.Add(ref c, ldc), Vector128.Shuffle(r01, Vector128.Create(2, 3, 0, 1)), ref bias, hasBias, units);
        if (rows > 2) StoreDotRow(ref Unsafe.Add(ref c, 2 * ldc), r23, ref bias, hasBias, units);
        if (rows > 3) StoreDotRow(ref Unsafe.Add(ref c, 3 * ldc), Vector128.Shuffle(r23, Vector128.Create(2, 3, 0, 1)), ref bias, hasBias, units);
    }

    /// <summary>
    /// C = A·Bᵀ + bias for 1 to 3 rows (1 or 2 on 16-register machines): <see cref="DotTile"/> over blocks of eight units
    /// (two rows on 16 registers: four), the last block four units wide with the units past n aliased.
    /// </summary>
    private static void RowTiles<T>(ref float a, ref float b, ref float c, ref float bias, bool hasBias, int m, int n, int k, bool largeBlocks)
        where T : struct, ILanes<T>
    {
        int units;
        for (int j = 0; j < n; j += units)
        {
            bool eight = n - j >= 8 && (largeBlocks || m == 1);
            units = eight ? 8 : Math.Min(4, n - j);
            ref float bBlock = ref Unsafe.Add(ref b, (nint)j * k);
            ref float cBlock = ref Unsafe.Add(ref c, j);
            ref float biasBlock = ref Unsafe.Add(ref bias, j);
            switch (m * 16 + (eight ? 8 : 4))
            {
                case 1 * 16 + 8: DotTile<T, One, Eight>(ref a, ref bBlock, k, units, ref cBlock, n, ref biasBlock, hasBias); break;
                case 2 * 16 + 8: DotTile<T, Two, Eight>(ref a, ref bBlock, k, units, ref cBlock, n, ref biasBlock, hasBias); break;
                case 3 * 16 + 8: DotTile<T, Three, Eight>(ref a, ref bBlock, k, units, ref cBlock, n, ref biasBlock, hasBias); break;
                case 1 * 16 + 4: DotTile<T, One, Four>(ref a, ref bBlock, k, units, ref cBlock, n, ref biasBlock, hasBias); break;
                case 2 * 16 + 4: DotTile<T, Two, Four>(ref a, ref bBlock, k, units, ref cBlock, n, ref biasBlock, hasBias); break;
                default: DotTile<T, Three, Four>(ref a, ref bBlock, k, units, ref cBlock, n, ref biasBlock, hasBias); break;
            }
        }
    }

    /// <summary>
    /// C[rows × units] block, rows and units (4 or 8) constants of the instantiation: per step one vector of each row
    /// of A and of each unit's row of B, rows·units FMAs, then the sums exactly as <see cref="Dot4x4"/> forms them
    /// (<see cref="ILanes{TSelf}.Sum4"/> of four units, the k % width tail, the bias), so a row gets the bits it gets
    /// there. Units past <paramref name="validUnits"/> alias the last real one: computed, never stored.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // on its own, with a whole inlining budget, optimised at its first call
    private static void DotTile<T, TRows, TUnits>(ref float a, ref float b, int k, int validUnits,
        ref float c, nint ldc, ref float bias, bool hasBias)
        where T : struct, ILanes<T>
        where TRows : struct, IConstant
        where TUnits : struct, IConstant
    {
        int rows = TRows.Value, units = TUnits.Value;
        ref float a0 = ref a;
        ref float a1 = ref Unsafe.Add(ref a, (nint)Math.Min(1, rows - 1) * k);
        ref float a2 = ref Unsafe.Add(ref a, (nint)Math.Min(2, rows - 1) * k);
        ref float b0 = ref b;
        ref float b1 = ref Unsafe.Add(ref b, (nint)Math.Min(1, validUnits - 1) * k);
        ref float b2 = ref Unsafe.Add(ref b, (nint)Math.Min(2, validUnits - 1) * k);
        ref float b3 = ref Unsafe.Add(ref b, (nint)Math.Min(3, validUnits - 1) * k);
        ref float b4 = ref Unsafe.Add(ref b, (nint)Math.Min(4, validUnits - 1) * k);
        ref float b5 = ref Unsafe.Add(ref b, (nint)Math.Min(5, validUnits - 1) * k);
        ref float b6 = ref Unsafe.Add(ref b, (nint)Math.Min(6, validUnits - 1) * k);
        ref float b7 = ref Unsafe.Add(ref b, (nint)Math.Min(7, validUnits - 1) * k);
        T y;
        T c00 = T.Zero, c01 = T.Zero, c02 = T.Zero, c03 = T.Zero, c04 = T.Zero, c05 = T.Zero, c06 = T.Zero, c07 = T.Zero;
        T c10 = T.Zero, c11 = T.Zero, c12 = T.Zero, c13 = T.Zero, c14 = T.Zero, c15 = T.Zero, c16 = T.Zero, c17 = T.Zero;
        T c20 = T.Zero, c21 = T.Zero, c22 = T.Zero, c23 = T.Zero, c24 = T.Zero, c25 = T.Zero, c26 = T.Zero, c27 = T.Zero;
        nint p = 0;
        for (; p <= k - T.Count; p += T.Count)
        {
            T x0 = T.Load(ref Unsafe.Add(ref a0, p));
            T x1 = rows > 1 ? T.Load(ref Unsafe.Add(ref a1, p)) : default;
            T x2 = rows > 2 ? T.Load(ref Unsafe.Add(ref a2, p)) : default;
            y = T.Load(ref Unsafe.Add(ref b0, p));
            c00 = T.MultiplyAdd(x0, y, c00); if (rows > 1) c10 = T.MultiplyAdd(x1, y, c10); if (rows > 2) c20 = T.MultiplyAdd(x2, y, c20);
            y = T.Load(ref Unsafe.Add(ref b1, p));
            c01 = T.MultiplyAdd(x0, y, c01); if (rows > 1) c11 = T.MultiplyAdd(x1, y, c11); if (rows > 2) c21 = T.MultiplyAdd(x2, y, c21);
            y = T.Load(ref Unsafe.Add(ref b2, p));
            c02 = T.MultiplyAdd(x0, y, c02); if (rows > 1) c12 = T.MultiplyAdd(x1, y, c12); if (rows > 2) c22 = T.MultiplyAdd(x2, y, c22);
            y = T.Load(ref Unsafe.Add(ref b3, p));
            c03 = T.MultiplyAdd(x0, y, c03); if (rows > 1) c13 = T.MultiplyAdd(x1, y, c13); if (rows > 2) c23 = T.MultiplyAdd(x2, y, c23);
            if (units > 4)
            {
                y = T.Load(ref Unsafe.Add(ref b4, p));
                c04 = T.MultiplyAdd(x0, y, c04); if (rows > 1) c14 = T.MultiplyAdd(x1, y, c14); if (rows > 2) c24 = T.MultiplyAdd(x2, y, c24);
            }
            if (units > 5)
            {
                y = T.Load(ref Unsafe.Add(ref b5, p));
                c05 = T.MultiplyAdd(x0, y, c05); if (rows > 1) c15 = T.MultiplyAdd(x1, y, c15); if (rows > 2) c25 = T.MultiplyAdd(x2, y, c25);
            }
            if (units > 6)
            {
                y = T.Load(ref Unsafe.Add(ref b6, p));
                c06 = T.MultiplyAdd(x0, y, c06); if (rows > 1) c16 = T.MultiplyAdd(x1, y, c16); if (rows > 2) c26 = T.MultiplyAdd(x2, y, c26);
            }
            if (units > 7)
            {
                y = T.Load(ref Unsafe.Add(ref b7, p));
                c07 = T.MultiplyAdd(x0, y, c07); if (rows > 1) c17 = T.MultiplyAdd(x1, y, c17); if (rows > 2) c27 = T.MultiplyAdd(x2, y, c27);
            }
        }

        // Each row's units four at a time: [Σc_r0, Σc_r1, Σc_r2, Σc_r3], then the k % width tail, the bias, the store.
        StoreDotGroup<T>(ref Unsafe.Add(ref c, 0 * ldc + 0), T.Sum4(c00, c01, c02, c03), ref a0, ref b0, ref b1, ref b2, ref b3, p, k, ref Unsafe.Add(ref bias, 0), hasBias, Math.Min(4, validUnits));
        if (units > 4) StoreDotGroup<T>(ref Unsafe.Add(ref c, 0 * ldc + 4), T.Sum4(c04, c05, c06, c07), ref a0, ref b4, ref b5, ref b6, ref b7, p, k, ref Unsafe.Add(ref bias, 4), hasBias, Math.Min(4, validUnits - 4));
        if (rows > 1)
        {
            StoreDotGroup<T>(ref Unsafe.Add(ref c, 1 * ldc + 0), T.Sum4(c10, c11, c12, c13), ref a1, ref b0, ref b1, ref b2, ref b3, p, k, ref Unsafe.Add(ref bias, 0), hasBias, Math.Min(4, validUnits));
            if (units > 4) StoreDotGroup<T>(ref Unsafe.Add(ref c, 1 * ldc + 4), T.Sum4(c14, c15, c16, c17), ref a1, ref b4, ref b5, ref b6, ref b7, p, k, ref Unsafe.Add(ref bias, 4), hasBias, Math.Min(4, validUnits - 4));
        }
        if (rows > 2)
        {
            StoreDotGroup<T>(ref Unsafe.Add(ref c, 2 * ldc + 0), T.Sum4(c20, c21, c22, c23), ref a2, ref b0, ref b1, ref b2, ref b3, p, k, ref Unsafe.Add(ref bias, 0), hasBias, Math.Min(4, validUnits));
            if (units > 4) StoreDotGroup<T>(ref Unsafe.Add(ref c, 2 * ldc + 4), T.Sum4(c24, c25, c26, c27), ref a2, ref b4, ref b5, ref b6, ref b7, p, k, ref Unsafe.Add(ref bias, 4), hasBias, Math.Min(4, validUnits - 4));
        }
    }

    /// <summary>
    /// Four sums of one row (units u … u+3), then the k % width tail in p order (the four B values at p form one small
    /// vector), the bias, and the store of the <paramref name="units"/> that are real.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreDotGroup<T>(ref float c, Vector128<float> sums, ref float a, ref float b0, ref float b1, ref float b2, ref float b3,
        nint p, int k, ref float bias, bool hasBias, int units)
        where T : struct, ILanes<T>
    {
        for (; p < k; p++)
        {
            var y = Vector128.Create(Unsafe.Add(ref b0, p), Unsafe.Add(ref b1, p), Unsafe.Add(ref b2, p), Unsafe.Add(ref b3, p));
            sums += y * Unsafe.Add(ref a, p);
        }
        StoreDotRow(ref c, sums, ref bias, hasBias, units);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreDotRow(ref float c, Vector128<float> sums, ref float bias, bool hasBias, int units)
    {
        if (units == 4)
        {
            if (hasBias)
                sums += Vector128.LoadUnsafe(ref bias);
            sums.StoreUnsafe(ref c);
            return;
        }

        for (int u = 0; u < units; u++)
        {
            float value = sums.GetElement(u);
            if (hasBias)
                value += Unsafe.Add(ref bias, u);
            Unsafe.Add(ref c, u) = value;
        }
    }

    /// <summary>The scalar path: dot products in k order, then + bias. It applies no ReLU (false).</summary>
    private static bool MultiplyTransposedScalarCore(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias, Span<float> c, int m, int n, int k)
    {
        for (int i = 0; i < m; i++)
        {
            ReadOnlySpan<float> aRow = a.Slice(i * k, k);
            for (int j = 0; j < n; j++)
            {
                ReadOnlySpan<float> bRow = b.Slice(j * k, k);
                float sum = 0;
                for (int p = 0; p < k; p++)
                    sum += aRow[p] * bRow[p];
                if (!bias.IsEmpty)
                    sum += bias[j];
                c[i * n + j] = sum;
            }
        }
        return false;
    }
}
