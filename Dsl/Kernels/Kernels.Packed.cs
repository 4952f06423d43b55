using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

using NetDsl.Simd;

namespace NetDsl.Runtime;

/// <summary>
/// The packed, cache-blocked product every matrix kernel runs on (the BLIS/MLAS scheme): C = Σ_p A(i, p)·B(p, j)
/// in blocks of <see cref="DepthBlock"/> steps of p; for each, A is packed a block of <see cref="RowBlock"/> rows
/// at a time into row groups (the group's values for one p adjacent) that stay in L2, and B one panel of a few
/// vectors of columns at a time (one row of the panel per p, adjacent) that stays in L1; a register tile of up to
/// 8 rows × 3 vectors multiplies a row group by a panel. The edges are smaller tiles (4, 2, 1 rows; 2, 1 vectors)
/// and, for the last columns short of a vector, a panel padded with zeros whose tile is written through a buffer.
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

    /// <summary>Rows of A packed at a time: 192 × 128 floats, 96 KB, within L2.</summary>
    private const int RowBlock = 192;

    /// <summary>The widest panel: 3 vectors of 16 floats.</summary>
    private const int MaxPanelWidth = 48;

    /// <summary>Each thread's packing buffers, made at its first packed product and kept: no allocation after that.</summary>
    [ThreadStatic] private static float[]? t_packedA;

    [ThreadStatic] private static float[]? t_packedB;

    /// <summary>
    /// C[m×n] = Σ_p A(i, p)·B(p, j) for p = 0 … k − 1, with A(i, p) = a[i·aRow + p·aStep] and
    /// B(p, j) = b[p·bRow + j·bStep]; overwrites C (row-major m×n). Every product form is one choice of strides.
    /// </summary>
    /// <remarks><paramref name="largeTiles"/>: tiles of 8 rows × 3 vectors (for 32 registers), else 6 rows × 2 vectors (16 registers).</remarks>
    private static void PackedMultiply<T>(ref float a, nint aRow, nint aStep, ref float b, nint bRow, nint bStep,
        ref float c, int m, int n, int k, bool largeTiles)
        where T : struct, ILanes<T>
    {
        if (k == 0)
        {
            // An empty sum.
            MemoryMarshal.CreateSpan(ref c, m * n).Clear();
            return;
        }

        int tileRows = largeTiles ? 8 : 6, tileVectors = largeTiles ? 3 : 2, w = T.Count;
        float[] packedA = t_packedA ??= new float[RowBlock * DepthBlock];
        float[] packedB = t_packedB ??= new float[DepthBlock * MaxPanelWidth];
        ref float aPacked = ref MemoryMarshal.GetArrayDataReference(packedA);
        ref float bPacked = ref MemoryMarshal.GetArrayDataReference(packedB);
        Span<float> edge = stackalloc float[8 * 16];
        for (int p0 = 0; p0 < k; p0 += DepthBlock)
        {
            int depth = Math.Min(DepthBlock, k - p0);
            bool accumulate = p0 > 0;
            for (int i0 = 0; i0 < m; i0 += RowBlock)
            {
                int rows = Math.Min(RowBlock, m - i0);
                PackRows(ref Unsafe.Add(ref a, i0 * aRow + p0 * aStep), aRow, aStep, rows, depth, tileRows, ref aPacked);
                for (int j0 = 0; j0 < n;)
                {
                    // A panel of whole vectors, or the last columns short of one, padded.
                    int vectors = Math.Min(tileVectors, (n - j0) / w);
                    int columns = vectors > 0 ? vectors * w : n - j0;
                    int panelVectors = Math.Max(vectors, 1);
                    PackPanel<T>(ref Unsafe.Add(ref b, p0 * bRow + j0 * bStep), bRow, bStep, depth, columns, panelVectors * w, ref bPacked);
                    ref float cBlock = ref Unsafe.Add(ref c, (nint)i0 * n + j0);
                    for (int i = 0; i < rows;)
                    {
                        int group = GroupRows(rows - i, tileRows);
                        ref float aGroup = ref Unsafe.Add(ref aPacked, i * depth);
                        ref float cTile = ref Unsafe.Add(ref cBlock, (nint)i * n);
                        if (vectors > 0)
                        {
                            RunTile<T>(group, panelVectors, ref aGroup, ref bPacked, depth, ref cTile, n, accumulate);
                        }
                        else
                        {
                            // Fewer columns than a vector: the tile works in a buffer of whole vectors.
                            ref float e = ref MemoryMarshal.GetReference(edge);
                            if (accumulate)
                                CopyTile(ref cTile, n, ref e, w, group, columns);
                            RunTile<T>(group, 1, ref aGroup, ref bPacked, depth, ref e, w, accumulate);
                            CopyTile(ref e, w, ref cTile, n, group, columns);
                        }
                        i += group;
                    }
                    j0 += columns;
                }
            }
        }
    }

    /// <summary>The rows of the next tile: a whole one, else the largest of 4, 2, 1 that fits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int GroupRows(int left, int tileRows) => left >= tileRows ? tileRows : left >= 4 ? 4 : left >= 2 ? 2 : 1;

    /// <summary>
    /// Packs <paramref name="rows"/> rows of A over <paramref name="depth"/> steps into groups of
    /// <see cref="GroupRows"/> rows, each group's values for one p adjacent: group g starts at (its first row)·depth.
    /// </summary>
    private static void PackRows(ref float a, nint aRow, nint aStep, int rows, int depth, int tileRows, ref float packed)
    {
        for (int i = 0; i < rows;)
        {
            int group = GroupRows(rows - i, tileRows);
            ref float target = ref Unsafe.Add(ref packed, i * depth);
            for (int r = 0; r < group; r++)
            {
                ref float source = ref Unsafe.Add(ref a, (i + r) * aRow);
                for (int p = 0; p < depth; p++)
                    Unsafe.Add(ref target, p * group + r) = Unsafe.Add(ref source, p * aStep);
            }
            i += group;
        }
    }

    /// <summary>
    /// Packs a panel of B: <paramref name="depth"/> rows of <paramref name="width"/> floats, the first
    /// <paramref name="columns"/> from B and the rest zero.
    /// </summary>
    private static void PackPanel<T>(ref float b, nint bRow, nint bStep, int depth, int columns, int width, ref float packed)
        where T : struct, ILanes<T>
    {
        if (bStep == 1 && columns == width)
        {
            // Rows of B are rows of the panel: whole vectors.
            for (int p = 0; p < depth; p++)
            {
                ref float source = ref Unsafe.Add(ref b, p * bRow);
                ref float target = ref Unsafe.Add(ref packed, p * width);
                for (int v = 0; v < width; v += T.Count)
                    T.Load(ref Unsafe.Add(ref source, v)).Store(ref Unsafe.Add(ref target, v));
            }
            return;
        }

        for (int j = 0; j < width; j++)
        {
            ref float target = ref Unsafe.Add(ref packed, j);
            if (j >= columns)
            {
                for (int p = 0; p < depth; p++)
                    Unsafe.Add(ref target, p * width) = 0;
                continue;
            }

            ref float source = ref Unsafe.Add(ref b, j * bStep);
            for (int p = 0; p < depth; p++)
                Unsafe.Add(ref target, p * width) = Unsafe.Add(ref source, p * bRow);
        }
    }

    private static void CopyTile(ref float source, nint sourceRow, ref float target, nint targetRow, int rows, int columns)
    {
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < columns; j++)
                Unsafe.Add(ref target, r * targetRow + j) = Unsafe.Add(ref source, r * sourceRow + j);
    }

    /// <summary>The tile instantiation for <paramref name="rows"/> × <paramref name="vectors"/>.</summary>
    private static void RunTile<T>(int rows, int vectors, ref float a, ref float b, int depth, ref float c, nint ldc, bool accumulate)
        where T : struct, ILanes<T>
    {
        switch (rows * 4 + vectors)
        {
            case 8 * 4 + 3: Tile<T, Eight, Three>(ref a, ref b, depth, ref c, ldc, accumulate); break;
            case 8 * 4 + 2: Tile<T, Eight, Two>(ref a, ref b, depth, ref c, ldc, accumulate); break;
            case 8 * 4 + 1: Tile<T, Eight, One>(ref a, ref b, depth, ref c, ldc, accumulate); break;
            case 6 * 4 + 2: Tile<T, Six, Two>(ref a, ref b, depth, ref c, ldc, accumulate); break;
            case 6 * 4 + 1: Tile<T, Six, One>(ref a, ref b, depth, ref c, ldc, accumulate); break;
            case 4 * 4 + 3: Tile<T, Four, Three>(ref a, ref b, depth, ref c, ldc, accumulate); break;
            case 4 * 4 + 2: Tile<T, Four, Two>(ref a, ref b, depth, ref c, ldc, accumulate); break;
            case 4 * 4 + 1: Tile<T, Four, One>(ref a, ref b, depth, ref c, ldc, accumulate); break;
            case 2 * 4 + 3: Tile<T, Two, Three>(ref a, ref b, depth, ref c, ldc, accumulate); break;
            case 2 * 4 + 2: Tile<T, Two, Two>(ref a, ref b, depth, ref c, ldc, accumulate); break;
            case 2 * 4 + 1: Tile<T, Two, One>(ref a, ref b, depth, ref c, ldc, accumulate); break;
            case 1 * 4 + 3: Tile<T, One, Three>(ref a, ref b, depth, ref c, ldc, accumulate); break;
            case 1 * 4 + 2: Tile<T, One, Two>(ref a, ref b, depth, ref c, ldc, accumulate); break;
            default: Tile<T, One, One>(ref a, ref b, depth, ref c, ldc, accumulate); break;
        }
    }

    /// <summary>
    /// One register tile: C[rows × vectors·w] (+)= A group · B panel over <paramref name="depth"/> steps. Per step,
    /// the panel's vectors are loaded once and each row's A value broadcast once: rows·vectors FMAs for
    /// rows + vectors loads. With <paramref name="accumulate"/> the accumulators start from C (a later k block).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // on its own, with a whole inlining budget and all the registers, optimised at its first call
    private static void Tile<T, TRows, TVectors>(ref float a, ref float b, int depth, ref float c, nint ldc, bool accumulate)
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
        if (accumulate)
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
                x = T.Broadcast(Unsafe.Add(ref a, 1));
                c10 = T.MultiplyAdd(x, b0, c10); if (vectors > 1) c11 = T.MultiplyAdd(x, b1, c11); if (vectors > 2) c12 = T.MultiplyAdd(x, b2, c12);
            }
            if (rows > 2)
            {
                x = T.Broadcast(Unsafe.Add(ref a, 2));
                c20 = T.MultiplyAdd(x, b0, c20); if (vectors > 1) c21 = T.MultiplyAdd(x, b1, c21); if (vectors > 2) c22 = T.MultiplyAdd(x, b2, c22);
            }
            if (rows > 3)
            {
                x = T.Broadcast(Unsafe.Add(ref a, 3));
                c30 = T.MultiplyAdd(x, b0, c30); if (vectors > 1) c31 = T.MultiplyAdd(x, b1, c31); if (vectors > 2) c32 = T.MultiplyAdd(x, b2, c32);
            }
            if (rows > 4)
            {
                x = T.Broadcast(Unsafe.Add(ref a, 4));
                c40 = T.MultiplyAdd(x, b0, c40); if (vectors > 1) c41 = T.MultiplyAdd(x, b1, c41); if (vectors > 2) c42 = T.MultiplyAdd(x, b2, c42);
            }
            if (rows > 5)
            {
                x = T.Broadcast(Unsafe.Add(ref a, 5));
                c50 = T.MultiplyAdd(x, b0, c50); if (vectors > 1) c51 = T.MultiplyAdd(x, b1, c51); if (vectors > 2) c52 = T.MultiplyAdd(x, b2, c52);
            }
            if (rows > 6)
            {
                x = T.Broadcast(Unsafe.Add(ref a, 6));
                c60 = T.MultiplyAdd(x, b0, c60); if (vectors > 1) c61 = T.MultiplyAdd(x, b1, c61); if (vectors > 2) c62 = T.MultiplyAdd(x, b2, c62);
            }
            if (rows > 7)
            {
                x = T.Broadcast(Unsafe.Add(ref a, 7));
                c70 = T.MultiplyAdd(x, b0, c70); if (vectors > 1) c71 = T.MultiplyAdd(x, b1, c71); if (vectors > 2) c72 = T.MultiplyAdd(x, b2, c72);
            }

            a = ref Unsafe.Add(ref a, rows);
            b = ref Unsafe.Add(ref b, vectors * w);
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
