using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

using NetDsl.Simd;

namespace NetDsl.Runtime;

/// <summary>
/// The packed, cache-blocked product every matrix kernel runs on (the BLIS/MLAS scheme): C = Σ_p A(i, p)·B(p, j)
/// in blocks of <see cref="DepthBlock"/> steps of p; for each, B is packed into panels of a few vectors of columns
/// (one row of the panel per p, adjacent) that stay in L1, and a register tile of up to 8 rows × 3 vectors multiplies
/// a group of rows of A, read where they lie, by a panel, <see cref="RowBlock"/> rows at a time. (MLAS reads A in
/// place too: the tile broadcasts one A value per row and step, so A's layout costs it no vector loads, and packing
/// A cost up to a fifth of a weight gradient's time. Only a transposed A whose steps alias is packed: see
/// <see cref="AliasedStride"/>.) The edges are smaller tiles (4, 2, 1 rows; 2, 1 vectors) and, for the last columns
/// short of a vector, a panel padded with zeros whose tile is written through a buffer.
/// </summary>
/// <remarks>
/// Every element of C is summed in one order whatever the tile, the blocks, the width or the row count:
/// c = 0, then c = a·b + c for p = 0, 1, …, k − 1 (fused where the machine has FMA); a k block that is not the
/// first reloads c from C, which holds exactly the float it stored. So results are bit-identical at any thread
/// count and any split of the rows, and across the vector widths.
/// </remarks>
public static partial class Kernels
{
    /// <summary>Steps of p per block: a B panel of 128 × 48 floats is 24 KB, within L1.</summary>
    private const int DepthBlock = 128;

    /// <summary>Rows of A a packed B block meets at a time: 192 × 128 floats of A, 96 KB, within L2.</summary>
    private const int RowBlock = 192;

    /// <summary>Up to this many rows of A, B in rows is read where it lies: packing it would cost more than it saves.</summary>
    private const int UnpackedRows = 64;

    /// <summary>Columns of B packed at a time: 128 × 1024 floats, 512 KB, within L2 or L3.</summary>
    private const int ColumnBlock = 1024;

    /// <summary>
    /// A transposed A whose steps of p lie a multiple of this many floats (4 KB) apart is packed into row groups
    /// first (<see cref="PackGroups"/>): read in place, each step of a tile would load from another page and the same
    /// L1 set. On the 16-register path (AVX2) a 1024³ weight gradient ran at 0.8× its packed speed in place.
    /// </summary>
    private const int AliasedStride = 1024;

    /// <summary>Each thread's packing buffers, made at its first packed product and grown to the largest block it meets: no allocation after that.</summary>
    [ThreadStatic] private static float[]? t_packedB;

    [ThreadStatic] private static float[]? t_packA;

    /// <summary>
    /// C[m×n] = Σ_p A(i, p)·B(p, j) for p = 0 … k − 1, with A(i, p) = a[i·aRow + p·aStep] and
    /// B(p, j) = b[p·bRow + j·bStep]; overwrites C (row-major m×n). Every product form is one choice of strides.
    /// </summary>
    /// <remarks><paramref name="largeTiles"/>: tiles of 8 rows × 3 vectors (for 32 registers), else 6 rows × 2 vectors (16 registers).</remarks>
    private static void PackedMultiply<T>(ref float a, nint aRow, nint aStep, ref float b, nint bRow, nint bStep,
        ref float c, int m, int n, int k, bool largeTiles)
        where T : struct, ILanes<T> =>
        PackedMultiply<T>(ref a, aRow, aStep, ref b, bRow, bStep, ref c, m, n, k, largeTiles, ref c, TileEpilogue.None);

    /// <summary>
    /// The product, then <paramref name="epilogue"/> applied by each tile as it stores the last depth block:
    /// <paramref name="bias"/> (n floats; any reference when the epilogue has no bias) added to each row, then ReLU.
    /// With <paramref name="checkSums"/>, also whether the first panel's sums (every row's first columns, before the
    /// bias) are finite, which they are when A is (see <see cref="FusedInputCheck"/>); true without.
    /// </summary>
    private static bool PackedMultiply<T>(ref float a, nint aRow, nint aStep, ref float b, nint bRow, nint bStep,
        ref float c, int m, int n, int k, bool largeTiles, ref float bias, TileEpilogue epilogue, bool checkSums = false)
        where T : struct, ILanes<T>
    {
        if (k == 0)
        {
            // An empty sum (a product's k is never 0 when it has an epilogue: a dense layer has inputs).
            MemoryMarshal.CreateSpan(ref c, m * n).Clear();
            return true;
        }

        int tileRows = largeTiles ? 8 : 6, tileVectors = largeTiles ? 3 : 2, w = T.Count;
        // A column block packs into panels of whole vectors plus, for its last columns, one padded vector.
        int blockColumns = Math.Min(ColumnBlock, n);
        float[] packedB = Buffer(ref t_packedB, Math.Min(DepthBlock, k) * (blockColumns + w));
        ref float bPacked = ref MemoryMarshal.GetArrayDataReference(packedB);
        bool packA = aRow == 1 && aStep % AliasedStride == 0; // a transposed A packed into row groups (see AliasedStride)
        ref float aPacked = ref packA ? ref MemoryMarshal.GetArrayDataReference(Buffer(ref t_packA, Math.Min(RowBlock, m) * Math.Min(DepthBlock, k))) : ref c;
        Span<float> edge = stackalloc float[8 * 16];
        Span<float> sums = stackalloc float[16]; // the first panel's sums, added up by its tiles
        if (checkSums)
            sums.Clear();
        // B is packed unless it already lies in rows (B(p, j) = b[p·bRow + j]) and few rows of A would reuse a packed panel.
        bool packB = bStep != 1 || m > UnpackedRows;
        for (int j0 = 0; j0 < n; j0 += ColumnBlock)
        {
            int columns = Math.Min(ColumnBlock, n - j0);
            for (int p0 = 0; p0 < k; p0 += DepthBlock)
            {
                int depth = Math.Min(DepthBlock, k - p0);
                var mode = p0 > 0 ? TileMode.Continue : TileMode.Overwrite;
                var finish = p0 + depth == k ? epilogue : TileEpilogue.None;
                ref float bBlock = ref Unsafe.Add(ref b, p0 * bRow + j0 * bStep);
                if (packB)
                    PackPanels<T>(ref bBlock, bRow, bStep, depth, columns, tileVectors, ref bPacked);
                for (int i0 = 0; i0 < m; i0 += RowBlock)
                {
                    int rows = Math.Min(RowBlock, m - i0);
                    ref float aBlock = ref Unsafe.Add(ref a, i0 * aRow + p0 * aStep);
                    if (packA)
                    {
                        PackGroups(ref aBlock, aStep, rows, depth, tileRows, ref aPacked);
                        aBlock = ref aPacked;
                    }
                    scoped ref float panel = ref bPacked;
                    for (int j = 0; j < columns;)
                    {
                        // A panel of whole vectors, or the last columns short of one, padded.
                        int vectors = Math.Min(tileVectors, (columns - j) / w);
                        int panelColumns = vectors > 0 ? vectors * w : columns - j;
                        // Unpacked, a panel of whole vectors is read where it lies, one row of B per p; the last
                        // columns short of a vector are packed into a padded vector all the same.
                        nint panelRow = vectors * w;
                        if (!packB)
                        {
                            panelRow = bRow;
                            panel = ref Unsafe.Add(ref bBlock, j);
                            if (vectors == 0)
                            {
                                PackPanels<T>(ref panel, bRow, 1, depth, panelColumns, 1, ref bPacked);
                                panel = ref bPacked;
                                panelRow = w;
                            }
                        }
                        // Every row passes through the first panel: its tiles add up their sums.
                        var tileFinish = checkSums && j0 == 0 && j == 0 && p0 + depth == k ? finish | TileEpilogue.AddUpSums : finish;
                        RunPanel<T>(rows, tileRows, vectors, panelColumns, ref aBlock, packA ? 0 : aRow, aStep, ref panel, panelRow, depth,
                            ref Unsafe.Add(ref c, (nint)i0 * n + j0 + j), n, mode, edge, ref Unsafe.Add(ref bias, j0 + j), tileFinish, ref MemoryMarshal.GetReference(sums));
                        if (packB)
                            panel = ref Unsafe.Add(ref panel, depth * Math.Max(vectors, 1) * w);
                        j += panelColumns;
                    }
                }
            }
        }
        return !checkSums || DataChecks.AllFinite(sums);
    }

    /// <summary>
    /// One panel of B (<paramref name="vectors"/> whole vectors, or <paramref name="panelColumns"/> columns short of
    /// one) against every row group of <paramref name="rows"/> rows of A (A(i, p) at i·<paramref name="aRow"/> + p·<paramref name="aStep"/>,
    /// or with <paramref name="aRow"/> 0 packed by <see cref="PackGroups"/>), into C from
    /// <paramref name="cBlock"/>: whole-vector tiles in place, a short panel through <paramref name="edge"/>; each tile
    /// finishes with <paramref name="epilogue"/> (the panel's bias from <paramref name="bias"/>; its sums added up
    /// into the vector at <paramref name="sums"/>, with <see cref="TileEpilogue.AddUpSums"/>).
    /// </summary>
    private static void RunPanel<T>(int rows, int tileRows, int vectors, int panelColumns, ref float aBlock, nint aRow, nint aStep, ref float panel, nint panelRow,
        int depth, ref float cBlock, nint n, TileMode mode, Span<float> edge, ref float bias, TileEpilogue epilogue, ref float sums)
        where T : struct, ILanes<T>
    {
        int w = T.Count;
        for (int i = 0; i < rows;)
        {
            int group = GroupRows(rows - i, tileRows);
            // Packed, a group's rows for one step are adjacent and its steps follow one another.
            ref float aGroup = ref Unsafe.Add(ref aBlock, aRow == 0 ? i * depth : i * aRow);
            nint groupRow = aRow == 0 ? 1 : aRow, groupStep = aRow == 0 ? group : aStep;
            ref float cTile = ref Unsafe.Add(ref cBlock, (nint)i * n);
            if (vectors > 0)
            {
                RunTile<T>(group, vectors, ref aGroup, groupRow, groupStep, ref panel, panelRow, depth, ref cTile, n, mode, ref bias, epilogue, ref sums);
            }
            else
            {
                // Fewer columns than a vector: the tile works in a buffer of whole vectors.
                ref float e = ref MemoryMarshal.GetReference(edge);
                if (mode != TileMode.Overwrite)
                    CopyTile(ref cTile, n, ref e, w, group, panelColumns);
                RunTile<T>(group, 1, ref aGroup, groupRow, groupStep, ref panel, w, depth, ref e, w, mode, ref bias, epilogue & TileEpilogue.AddUpSums, ref sums);
                FinishTile(ref e, w, group, panelColumns, ref bias, epilogue & ~TileEpilogue.AddUpSums);
                CopyTile(ref e, w, ref cTile, n, group, panelColumns);
            }
            i += group;
        }
    }

    /// <summary>
    /// Packs <paramref name="rows"/> rows of a transposed A (A(i, p) = a[i + p·<paramref name="aStep"/>]) over
    /// <paramref name="depth"/> steps into the row groups <see cref="RunPanel{T}"/> takes: the group at row i starts at
    /// i·depth, and holds its rows for each step adjacent, one step after another.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a loop on the training path: optimised at its first call, not after hundreds of slow steps in unoptimised code
    private static void PackGroups(ref float a, nint aStep, int rows, int depth, int tileRows, ref float packed)
    {
        for (int i = 0; i < rows;)
        {
            int group = GroupRows(rows - i, tileRows);
            ref float target = ref Unsafe.Add(ref packed, i * depth);
            for (int p = 0; p < depth; p++)
                for (int r = 0; r < group; r++)
                    Unsafe.Add(ref target, p * group + r) = Unsafe.Add(ref a, i + r + p * aStep);
            i += group;
        }
    }

    private static float[] Buffer(ref float[]? buffer, int length)
    {
        if (buffer is null || buffer.Length < length)
            buffer = GC.AllocateUninitializedArray<float>(length);
        return buffer;
    }

    /// <summary>The rows of the next tile: a whole one, else the largest of 4, 2, 1 that fits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int GroupRows(int left, int tileRows) => left >= tileRows ? tileRows : left >= 4 ? 4 : left >= 2 ? 2 : 1;

    /// <summary>
    /// Packs <paramref name="columns"/> columns of B over <paramref name="depth"/> steps into panels of
    /// <paramref name="tileVectors"/> vectors (the last one narrower), each panel's row for one p adjacent, then the
    /// columns short of a vector into one vector padded with zeros.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a loop on the training path: optimised at its first call, not after hundreds of slow steps in unoptimised code
    private static void PackPanels<T>(ref float b, nint bRow, nint bStep, int depth, int columns, int tileVectors, ref float packed)
        where T : struct, ILanes<T>
    {
        int w = T.Count;
        for (int j = 0; j < columns;)
        {
            int vectors = Math.Min(tileVectors, (columns - j) / w);
            int width = Math.Max(vectors, 1) * w, valid = vectors > 0 ? width : columns - j;
            ref float source = ref Unsafe.Add(ref b, j * bStep);
            if (bStep == 1 && valid == width)
            {
                // Rows of B are rows of the panel: whole vectors.
                for (int p = 0; p < depth; p++)
                {
                    ref float row = ref Unsafe.Add(ref source, p * bRow);
                    ref float target = ref Unsafe.Add(ref packed, p * width);
                    for (int v = 0; v < width; v += w)
                        T.Load(ref Unsafe.Add(ref row, v)).Store(ref Unsafe.Add(ref target, v));
                }
            }
            else
            {
                int p = 0;
                if (bRow == 1 && valid == width && width % 8 == 0 && Avx.IsSupported)
                {
                    // Columns along p (B is a transposed matrix): 8×8 transposes.
                    for (; p <= depth - 8; p += 8)
                        for (int column = 0; column < width; column += 8)
                            Transpose8x8(ref Unsafe.Add(ref source, column * bStep + p), bStep, ref Unsafe.Add(ref packed, p * width + column), width);
                }

                for (int column = 0; column < width; column++)
                {
                    ref float target = ref Unsafe.Add(ref packed, column);
                    if (column < valid)
                    {
                        ref float from = ref Unsafe.Add(ref source, column * bStep);
                        for (int q = p; q < depth; q++)
                            Unsafe.Add(ref target, q * width) = Unsafe.Add(ref from, q * bRow);
                    }
                    else
                    {
                        for (int q = p; q < depth; q++)
                            Unsafe.Add(ref target, q * width) = 0;
                    }
                }
            }

            packed = ref Unsafe.Add(ref packed, depth * width);
            j += valid;
        }
    }

    /// <summary>
    /// target[q·targetStride + r] = source[r·sourceStride + q] for q, r &lt; 8: eight vectors of 8 floats from
    /// eight rows, transposed in registers, stored as eight vectors.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(ref float source, nint sourceStride, ref float target, nint targetStride)
    {
        Vector256<float> r0 = Vector256.LoadUnsafe(ref source);
        Vector256<float> r1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref source, 1 * sourceStride));
        Vector256<float> r2 = Vector256.LoadUnsafe(ref Unsafe.Add(ref source, 2 * sourceStride));
        Vector256<float> r3 = Vector256.LoadUnsafe(ref Unsafe.Add(ref source, 3 * sourceStride));
        Vector256<float> r4 = Vector256.LoadUnsafe(ref Unsafe.Add(ref source, 4 * sourceStride));
        Vector256<float> r5 = Vector256.LoadUnsafe(ref Unsafe.Add(ref source, 5 * sourceStride));
        Vector256<float> r6 = Vector256.LoadUnsafe(ref Unsafe.Add(ref source, 6 * sourceStride));
        Vector256<float> r7 = Vector256.LoadUnsafe(ref Unsafe.Add(ref source, 7 * sourceStride));

        // Pairs of rows interleaved, then pairs of pairs, then the 128-bit halves swapped across.
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Permute2x128(u0, u4, 0x20).StoreUnsafe(ref target);
        Avx.Permute2x128(u1, u5, 0x20).StoreUnsafe(ref Unsafe.Add(ref target, targetStride));
        Avx.Permute2x128(u2, u6, 0x20).StoreUnsafe(ref Unsafe.Add(ref target, 2 * targetStride));
        Avx.Permute2x128(u3, u7, 0x20).StoreUnsafe(ref Unsafe.Add(ref target, 3 * targetStride));
        Avx.Permute2x128(u0, u4, 0x31).StoreUnsafe(ref Unsafe.Add(ref target, 4 * targetStride));
        Avx.Permute2x128(u1, u5, 0x31).StoreUnsafe(ref Unsafe.Add(ref target, 5 * targetStride));
        Avx.Permute2x128(u2, u6, 0x31).StoreUnsafe(ref Unsafe.Add(ref target, 6 * targetStride));
        Avx.Permute2x128(u3, u7, 0x31).StoreUnsafe(ref Unsafe.Add(ref target, 7 * targetStride));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a loop on the training path: optimised at its first call, not after hundreds of slow steps in unoptimised code
    private static void CopyTile(ref float source, nint sourceRow, ref float target, nint targetRow, int rows, int columns)
    {
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < columns; j++)
                Unsafe.Add(ref target, r * targetRow + j) = Unsafe.Add(ref source, r * sourceRow + j);
    }

    /// <summary>
    /// The epilogue on a tile's columns short of a vector, one float at a time: the same operations as
    /// <see cref="Finish{T}"/>, whose lanes round each alike.
    /// </summary>
    private static void FinishTile(ref float c, nint ldc, int rows, int columns, ref float bias, TileEpilogue epilogue)
    {
        if (epilogue == TileEpilogue.None)
            return;
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < columns; j++)
            {
                ref float value = ref Unsafe.Add(ref c, r * ldc + j);
                Finish(Lane1.Load(ref value), Lane1.Load(ref Unsafe.Add(ref bias, j)), epilogue).Store(ref value);
            }
    }

    /// <summary>A stored sum's epilogue: the bias added, then max(0, ·) — the two passes a layer would otherwise make over C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Finish<T>(T sum, T bias, TileEpilogue epilogue)
        where T : struct, ILanes<T>
    {
        if ((epilogue & TileEpilogue.Bias) != 0)
            sum += bias;
        return (epilogue & TileEpilogue.Relu) != 0 ? T.Max(sum, T.Zero) : sum;
    }

    /// <summary>The tile instantiation for <paramref name="rows"/> × <paramref name="vectors"/>.</summary>
    private static void RunTile<T>(int rows, int vectors, ref float a, nint aRow, nint aStep, ref float b, nint bRow, int depth, ref float c, nint ldc, TileMode mode,
        ref float bias, TileEpilogue epilogue, ref float sums)
        where T : struct, ILanes<T>
    {
        switch (rows * 4 + vectors)
        {
            case 8 * 4 + 3: Tile<T, Eight, Three>(ref a, aRow, aStep, ref b, bRow, depth, ref c, ldc, mode, ref bias, epilogue, ref sums); break;
            case 8 * 4 + 2: Tile<T, Eight, Two>(ref a, aRow, aStep, ref b, bRow, depth, ref c, ldc, mode, ref bias, epilogue, ref sums); break;
            case 8 * 4 + 1: Tile<T, Eight, One>(ref a, aRow, aStep, ref b, bRow, depth, ref c, ldc, mode, ref bias, epilogue, ref sums); break;
            case 6 * 4 + 2: Tile<T, Six, Two>(ref a, aRow, aStep, ref b, bRow, depth, ref c, ldc, mode, ref bias, epilogue, ref sums); break;
            case 6 * 4 + 1: Tile<T, Six, One>(ref a, aRow, aStep, ref b, bRow, depth, ref c, ldc, mode, ref bias, epilogue, ref sums); break;
            case 4 * 4 + 3: Tile<T, Four, Three>(ref a, aRow, aStep, ref b, bRow, depth, ref c, ldc, mode, ref bias, epilogue, ref sums); break;
            case 4 * 4 + 2: Tile<T, Four, Two>(ref a, aRow, aStep, ref b, bRow, depth, ref c, ldc, mode, ref bias, epilogue, ref sums); break;
            case 4 * 4 + 1: Tile<T, Four, One>(ref a, aRow, aStep, ref b, bRow, depth, ref c, ldc, mode, ref bias, epilogue, ref sums); break;
            case 2 * 4 + 3: Tile<T, Two, Three>(ref a, aRow, aStep, ref b, bRow, depth, ref c, ldc, mode, ref bias, epilogue, ref sums); break;
            case 2 * 4 + 2: Tile<T, Two, Two>(ref a, aRow, aStep, ref b, bRow, depth, ref c, ldc, mode, ref bias, epilogue, ref sums); break;
            case 2 * 4 + 1: Tile<T, Two, One>(ref a, aRow, aStep, ref b, bRow, depth, ref c, ldc, mode, ref bias, epilogue, ref sums); break;
            case 1 * 4 + 3: Tile<T, One, Three>(ref a, aRow, aStep, ref b, bRow, depth, ref c, ldc, mode, ref bias, epilogue, ref sums); break;
            case 1 * 4 + 2: Tile<T, One, Two>(ref a, aRow, aStep, ref b, bRow, depth, ref c, ldc, mode, ref bias, epilogue, ref sums); break;
            default: Tile<T, One, One>(ref a, aRow, aStep, ref b, bRow, depth, ref c, ldc, mode, ref bias, epilogue, ref sums); break;
        }
    }

    /// <summary>
    /// One register tile: C[rows × vectors·w] (+)= A group · B panel over <paramref name="depth"/> steps. Per step,
    /// the panel's vectors are loaded once and each row's A value broadcast once: rows·vectors FMAs for
    /// rows + vectors loads. Row r's value for step p is a[r·<paramref name="aRow"/> + p·<paramref name="aStep"/>]:
    /// A rows along p (aStep 1) or a transposed A (aRow 1), either read where it lies.
    /// The <paramref name="mode"/> says where the accumulators start and where they go, the <paramref name="epilogue"/>
    /// what is done to them on the way (<paramref name="bias"/> holds the tile's columns' bias).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // on its own, with a whole inlining budget and all the registers, optimised at its first call
    private static void Tile<T, TRows, TVectors>(ref float a, nint aRow, nint aStep, ref float b, nint bRow, int depth, ref float c, nint ldc, TileMode mode,
        ref float bias, TileEpilogue epilogue, ref float sums)
        where T : struct, ILanes<T>
        where TRows : struct, IConstant
        where TVectors : struct, IConstant
    {
        // Constants for each instantiation: the JIT drops the accumulators and the lines a tile does not use.
        int rows = TRows.Value, vectors = TVectors.Value;
        nint w = T.Count;
        T c00 = T.Zero, c01 = T.Zero, c02 = T.Zero;
        T c10 = T.Zero, c11 = T.Zero, c12 = T.Zero;
        T c20 = T.Zero, c21 = T.Zero, c22 = T.Zero;
        T c30 = T.Zero, c31 = T.Zero, c32 = T.Zero;
        T c40 = T.Zero, c41 = T.Zero, c42 = T.Zero;
        T c50 = T.Zero, c51 = T.Zero, c52 = T.Zero;
        T c60 = T.Zero, c61 = T.Zero, c62 = T.Zero;
        T c70 = T.Zero, c71 = T.Zero, c72 = T.Zero;
        if (mode == TileMode.Continue)
        {
            c00 = T.Load(ref c); if (vectors > 1) c01 = T.Load(ref Unsafe.Add(ref c, 1 * w)); if (vectors > 2) c02 = T.Load(ref Unsafe.Add(ref c, 2 * w));
            if (rows > 1)
            {
                c10 = T.Load(ref Unsafe.Add(ref c, 1 * ldc)); if (vectors > 1) c11 = T.Load(ref Unsafe.Add(ref c, 1 * ldc + 1 * w)); if (vectors > 2) c12 = T.Load(ref Unsafe.Add(ref c, 1 * ldc + 2 * w));
            }
            if (rows > 2)
            {
                c20 = T.Load(ref Unsafe.Add(ref c, 2 * ldc)); if (vectors > 1) c21 = T.Load(ref Unsafe.Add(ref c, 2 * ldc + 1 * w)); if (vectors > 2) c22 = T.Load(ref Unsafe.Add(ref c, 2 * ldc + 2 * w));
            }
            if (rows > 3)
            {
                c30 = T.Load(ref Unsafe.Add(ref c, 3 * ldc)); if (vectors > 1) c31 = T.Load(ref Unsafe.Add(ref c, 3 * ldc + 1 * w)); if (vectors > 2) c32 = T.Load(ref Unsafe.Add(ref c, 3 * ldc + 2 * w));
            }
            if (rows > 4)
            {
                c40 = T.Load(ref Unsafe.Add(ref c, 4 * ldc)); if (vectors > 1) c41 = T.Load(ref Unsafe.Add(ref c, 4 * ldc + 1 * w)); if (vectors > 2) c42 = T.Load(ref Unsafe.Add(ref c, 4 * ldc + 2 * w));
            }
            if (rows > 5)
            {
                c50 = T.Load(ref Unsafe.Add(ref c, 5 * ldc)); if (vectors > 1) c51 = T.Load(ref Unsafe.Add(ref c, 5 * ldc + 1 * w)); if (vectors > 2) c52 = T.Load(ref Unsafe.Add(ref c, 5 * ldc + 2 * w));
            }
            if (rows > 6)
            {
                c60 = T.Load(ref Unsafe.Add(ref c, 6 * ldc)); if (vectors > 1) c61 = T.Load(ref Unsafe.Add(ref c, 6 * ldc + 1 * w)); if (vectors > 2) c62 = T.Load(ref Unsafe.Add(ref c, 6 * ldc + 2 * w));
            }
            if (rows > 7)
            {
                c70 = T.Load(ref Unsafe.Add(ref c, 7 * ldc)); if (vectors > 1) c71 = T.Load(ref Unsafe.Add(ref c, 7 * ldc + 1 * w)); if (vectors > 2) c72 = T.Load(ref Unsafe.Add(ref c, 7 * ldc + 2 * w));
            }
        }

        for (int p = 0; p < depth; p++)
        {
            T b0 = T.Load(ref b);
            T b1 = vectors > 1 ? T.Load(ref Unsafe.Add(ref b, w)) : default;
            T b2 = vectors > 2 ? T.Load(ref Unsafe.Add(ref b, 2 * w)) : default;
            T x = T.Broadcast(a);
            c00 = T.MultiplyAdd(x, b0, c00); if (vectors > 1) c01 = T.MultiplyAdd(x, b1, c01); if (vectors > 2) c02 = T.MultiplyAdd(x, b2, c02);
            if (rows > 1)
            {
                x = T.Broadcast(Unsafe.Add(ref a, 1 * aRow));
                c10 = T.MultiplyAdd(x, b0, c10); if (vectors > 1) c11 = T.MultiplyAdd(x, b1, c11); if (vectors > 2) c12 = T.MultiplyAdd(x, b2, c12);
            }
            if (rows > 2)
            {
                x = T.Broadcast(Unsafe.Add(ref a, 2 * aRow));
                c20 = T.MultiplyAdd(x, b0, c20); if (vectors > 1) c21 = T.MultiplyAdd(x, b1, c21); if (vectors > 2) c22 = T.MultiplyAdd(x, b2, c22);
            }
            if (rows > 3)
            {
                x = T.Broadcast(Unsafe.Add(ref a, 3 * aRow));
                c30 = T.MultiplyAdd(x, b0, c30); if (vectors > 1) c31 = T.MultiplyAdd(x, b1, c31); if (vectors > 2) c32 = T.MultiplyAdd(x, b2, c32);
            }
            if (rows > 4)
            {
                x = T.Broadcast(Unsafe.Add(ref a, 4 * aRow));
                c40 = T.MultiplyAdd(x, b0, c40); if (vectors > 1) c41 = T.MultiplyAdd(x, b1, c41); if (vectors > 2) c42 = T.MultiplyAdd(x, b2, c42);
            }
            if (rows > 5)
            {
                x = T.Broadcast(Unsafe.Add(ref a, 5 * aRow));
                c50 = T.MultiplyAdd(x, b0, c50); if (vectors > 1) c51 = T.MultiplyAdd(x, b1, c51); if (vectors > 2) c52 = T.MultiplyAdd(x, b2, c52);
            }
            if (rows > 6)
            {
                x = T.Broadcast(Unsafe.Add(ref a, 6 * aRow));
                c60 = T.MultiplyAdd(x, b0, c60); if (vectors > 1) c61 = T.MultiplyAdd(x, b1, c61); if (vectors > 2) c62 = T.MultiplyAdd(x, b2, c62);
            }
            if (rows > 7)
            {
                x = T.Broadcast(Unsafe.Add(ref a, 7 * aRow));
                c70 = T.MultiplyAdd(x, b0, c70); if (vectors > 1) c71 = T.MultiplyAdd(x, b1, c71); if (vectors > 2) c72 = T.MultiplyAdd(x, b2, c72);
            }

            a = ref Unsafe.Add(ref a, aStep);
            b = ref Unsafe.Add(ref b, bRow);
        }

        if (mode == TileMode.Add)
        {
            c00 += T.Load(ref c); if (vectors > 1) c01 += T.Load(ref Unsafe.Add(ref c, 1 * w)); if (vectors > 2) c02 += T.Load(ref Unsafe.Add(ref c, 2 * w));
            if (rows > 1) { c10 += T.Load(ref Unsafe.Add(ref c, 1 * ldc)); if (vectors > 1) c11 += T.Load(ref Unsafe.Add(ref c, 1 * ldc + 1 * w)); if (vectors > 2) c12 += T.Load(ref Unsafe.Add(ref c, 1 * ldc + 2 * w)); }
            if (rows > 2) { c20 += T.Load(ref Unsafe.Add(ref c, 2 * ldc)); if (vectors > 1) c21 += T.Load(ref Unsafe.Add(ref c, 2 * ldc + 1 * w)); if (vectors > 2) c22 += T.Load(ref Unsafe.Add(ref c, 2 * ldc + 2 * w)); }
            if (rows > 3) { c30 += T.Load(ref Unsafe.Add(ref c, 3 * ldc)); if (vectors > 1) c31 += T.Load(ref Unsafe.Add(ref c, 3 * ldc + 1 * w)); if (vectors > 2) c32 += T.Load(ref Unsafe.Add(ref c, 3 * ldc + 2 * w)); }
            if (rows > 4) { c40 += T.Load(ref Unsafe.Add(ref c, 4 * ldc)); if (vectors > 1) c41 += T.Load(ref Unsafe.Add(ref c, 4 * ldc + 1 * w)); if (vectors > 2) c42 += T.Load(ref Unsafe.Add(ref c, 4 * ldc + 2 * w)); }
            if (rows > 5) { c50 += T.Load(ref Unsafe.Add(ref c, 5 * ldc)); if (vectors > 1) c51 += T.Load(ref Unsafe.Add(ref c, 5 * ldc + 1 * w)); if (vectors > 2) c52 += T.Load(ref Unsafe.Add(ref c, 5 * ldc + 2 * w)); }
            if (rows > 6) { c60 += T.Load(ref Unsafe.Add(ref c, 6 * ldc)); if (vectors > 1) c61 += T.Load(ref Unsafe.Add(ref c, 6 * ldc + 1 * w)); if (vectors > 2) c62 += T.Load(ref Unsafe.Add(ref c, 6 * ldc + 2 * w)); }
            if (rows > 7) { c70 += T.Load(ref Unsafe.Add(ref c, 7 * ldc)); if (vectors > 1) c71 += T.Load(ref Unsafe.Add(ref c, 7 * ldc + 1 * w)); if (vectors > 2) c72 += T.Load(ref Unsafe.Add(ref c, 7 * ldc + 2 * w)); }
        }

        if ((epilogue & TileEpilogue.AddUpSums) != 0)
        {
            // The rows' first vector of sums, before the bias, added into the check (see FusedInputCheck).
            T total = c00;
            if (rows > 1) total += c10;
            if (rows > 2) total += c20;
            if (rows > 3) total += c30;
            if (rows > 4) total += c40;
            if (rows > 5) total += c50;
            if (rows > 6) total += c60;
            if (rows > 7) total += c70;
            (T.Load(ref sums) + total).Store(ref sums);
        }

        if ((epilogue & ~TileEpilogue.AddUpSums) != TileEpilogue.None)
        {
            T z0 = T.Load(ref bias);
            T z1 = vectors > 1 ? T.Load(ref Unsafe.Add(ref bias, w)) : default;
            T z2 = vectors > 2 ? T.Load(ref Unsafe.Add(ref bias, 2 * w)) : default;
            c00 = Finish(c00, z0, epilogue); if (vectors > 1) c01 = Finish(c01, z1, epilogue); if (vectors > 2) c02 = Finish(c02, z2, epilogue);
            if (rows > 1) { c10 = Finish(c10, z0, epilogue); if (vectors > 1) c11 = Finish(c11, z1, epilogue); if (vectors > 2) c12 = Finish(c12, z2, epilogue); }
            if (rows > 2) { c20 = Finish(c20, z0, epilogue); if (vectors > 1) c21 = Finish(c21, z1, epilogue); if (vectors > 2) c22 = Finish(c22, z2, epilogue); }
            if (rows > 3) { c30 = Finish(c30, z0, epilogue); if (vectors > 1) c31 = Finish(c31, z1, epilogue); if (vectors > 2) c32 = Finish(c32, z2, epilogue); }
            if (rows > 4) { c40 = Finish(c40, z0, epilogue); if (vectors > 1) c41 = Finish(c41, z1, epilogue); if (vectors > 2) c42 = Finish(c42, z2, epilogue); }
            if (rows > 5) { c50 = Finish(c50, z0, epilogue); if (vectors > 1) c51 = Finish(c51, z1, epilogue); if (vectors > 2) c52 = Finish(c52, z2, epilogue); }
            if (rows > 6) { c60 = Finish(c60, z0, epilogue); if (vectors > 1) c61 = Finish(c61, z1, epilogue); if (vectors > 2) c62 = Finish(c62, z2, epilogue); }
            if (rows > 7) { c70 = Finish(c70, z0, epilogue); if (vectors > 1) c71 = Finish(c71, z1, epilogue); if (vectors > 2) c72 = Finish(c72, z2, epilogue); }
        }

        c00.Store(ref c); if (vectors > 1) c01.Store(ref Unsafe.Add(ref c, 1 * w)); if (vectors > 2) c02.Store(ref Unsafe.Add(ref c, 2 * w));
        if (rows > 1)
        {
            c10.Store(ref Unsafe.Add(ref c, 1 * ldc)); if (vectors > 1) c11.Store(ref Unsafe.Add(ref c, 1 * ldc + 1 * w)); if (vectors > 2) c12.Store(ref Unsafe.Add(ref c, 1 * ldc + 2 * w));
        }
        if (rows > 2)
        {
            c20.Store(ref Unsafe.Add(ref c, 2 * ldc)); if (vectors > 1) c21.Store(ref Unsafe.Add(ref c, 2 * ldc + 1 * w)); if (vectors > 2) c22.Store(ref Unsafe.Add(ref c, 2 * ldc + 2 * w));
        }
        if (rows > 3)
        {
            c30.Store(ref Unsafe.Add(ref c, 3 * ldc)); if (vectors > 1) c31.Store(ref Unsafe.Add(ref c, 3 * ldc + 1 * w)); if (vectors > 2) c32.Store(ref Unsafe.Add(ref c, 3 * ldc + 2 * w));
        }
        if (rows > 4)
        {
            c40.Store(ref Unsafe.Add(ref c, 4 * ldc)); if (vectors > 1) c41.Store(ref Unsafe.Add(ref c, 4 * ldc + 1 * w)); if (vectors > 2) c42.Store(ref Unsafe.Add(ref c, 4 * ldc + 2 * w));
        }
        if (rows > 5)
        {
            c50.Store(ref Unsafe.Add(ref c, 5 * ldc)); if (vectors > 1) c51.Store(ref Unsafe.Add(ref c, 5 * ldc + 1 * w)); if (vectors > 2) c52.Store(ref Unsafe.Add(ref c, 5 * ldc + 2 * w));
        }
        if (rows > 6)
        {
            c60.Store(ref Unsafe.Add(ref c, 6 * ldc)); if (vectors > 1) c61.Store(ref Unsafe.Add(ref c, 6 * ldc + 1 * w)); if (vectors > 2) c62.Store(ref Unsafe.Add(ref c, 6 * ldc + 2 * w));
        }
        if (rows > 7)
        {
            c70.Store(ref Unsafe.Add(ref c, 7 * ldc)); if (vectors > 1) c71.Store(ref Unsafe.Add(ref c, 7 * ldc + 1 * w)); if (vectors > 2) c72.Store(ref Unsafe.Add(ref c, 7 * ldc + 2 * w));
        }
    }
}
