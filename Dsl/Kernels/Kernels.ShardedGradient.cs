using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

using NetDsl.Simd;

namespace NetDsl.Runtime;

/// <summary>
/// A dense layer's weight gradient over a batch cut into shards, computed once for the whole batch and split
/// by the gradient's rows (the layer's units) or columns (its inputs) rather than by the batch's: dW = Σ_s δ_sᵀ·x_s and db = Σ_s Σ_rows δ_s,
/// the shards added in shard order, each shard's own sum taken from zero over its rows first. That is bit for bit
/// <see cref="TransposedMultiply(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int)"/> and
/// <see cref="SumRows(ReadOnlySpan{float}, Span{float}, int, int)"/> on each shard and then the shards' gradients
/// added in order — what the processes of a distributed run do — without a gradient buffer per shard or a pass
/// that adds them up.
/// </summary>
public static partial class Kernels
{
    /// <summary>Columns of x packed at a time here: a C block of 192 units × 256 columns, 192 KB, stays in L2 while every shard adds to it.</summary>
    private const int ShardColumnBlock = 256;

    /// <summary>
    /// Rows [<paramref name="firstUnit"/>, <paramref name="firstUnit"/> + <paramref name="m"/>) of dW = Σ_s δ_sᵀ·x_s
    /// for a layer of <paramref name="units"/> units and <paramref name="n"/> inputs: overwrites <paramref name="c"/>,
    /// row-major m×n; with a column range, only its columns [<paramref name="firstColumn"/>, + <paramref name="columns"/>)
    /// of each row (the rest of <paramref name="c"/> is left alone). Any split of the units or the columns gives the same bits.
    /// </summary>
    internal static void ShardedTransposedMultiply(ReadOnlySpan<ShardOperands> shards, int units, int firstUnit, int m, int n, Span<float> c,
        int firstColumn = 0, int columns = -1) =>
        // The path TransposedMultiply takes for these sizes, so each shard's sum is the one it computes.
        ShardedTransposedMultiply(Lanes.WidestFor(n), MachineBlocking, shards, units, firstUnit, m, n, c, firstColumn, columns);

    /// <summary>
    /// <see cref="ShardedTransposedMultiply(ReadOnlySpan{ShardOperands}, int, int, int, int, Span{float}, int, int)"/> on the given
    /// path and register blocks, whatever the machine: for tests and benchmarks.
    /// </summary>
    internal static void ShardedTransposedMultiply(SimdWidth path, KernelBlocking blocking, ReadOnlySpan<ShardOperands> shards, int units, int firstUnit, int m, int n, Span<float> c,
        int firstColumn = 0, int columns = -1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(m);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        if (firstUnit < 0 || firstUnit + m > units) throw new ArgumentOutOfRangeException(nameof(firstUnit), firstUnit, $"Units [{firstUnit}, {firstUnit + m}) are not within the layer's {units}.");
        if (columns == -1) columns = n - firstColumn;
        if (firstColumn < 0 || columns <= 0 || firstColumn + columns > n) throw new ArgumentOutOfRangeException(nameof(firstColumn), firstColumn, $"Columns [{firstColumn}, {firstColumn + columns}) are not within the layer's {n} inputs.");
        RequireLength(c.Length, (long)m * n, nameof(c), "m×n", m, n);
        foreach (var shard in shards)
        {
            RequireLength(shard.Deltas.Length - shard.DeltaStart, (long)shard.Rows * units, "deltas", "rows×units", shard.Rows, units);
            RequireLength(shard.Inputs.Length - shard.InputStart, (long)shard.Rows * n, "inputs", "rows×n", shard.Rows, n);
        }
        if (shards.IsEmpty)
        {
            for (int i = 0; i < m; i++) c.Slice(i * n + firstColumn, columns).Clear();
            return;
        }

        bool large = blocking == KernelBlocking.Large;
        switch (path)
        {
            case SimdWidth.Vector512: ShardedCore<Lanes512>(shards, units, firstUnit, m, n, firstColumn, columns, c, large); break;
            case SimdWidth.Vector256: ShardedCore<Lanes256>(shards, units, firstUnit, m, n, firstColumn, columns, c, large); break;
            case SimdWidth.Vector128: ShardedCore<Lanes128>(shards, units, firstUnit, m, n, firstColumn, columns, c, large); break;
            case SimdWidth.Scalar: ShardedScalarCore(shards, units, firstUnit, m, n, firstColumn, columns, c); break;
            default: throw UnknownPath(path);
        }
    }

    /// <summary>
    /// db = Σ_s Σ_rows δ_s for a layer of <paramref name="units"/> units (overwrites <paramref name="sums"/>); each
    /// shard's sum goes through <paramref name="scratch"/> (at least <paramref name="units"/> floats) before it is added.
    /// </summary>
    internal static void ShardedSumRows(ReadOnlySpan<ShardOperands> shards, int units, Span<float> sums, Span<float> scratch)
    {
        RequireLength(scratch.Length, units, nameof(scratch), "1×units", 1, units);
        if (shards.IsEmpty)
        {
            sums[..units].Clear();
            return;
        }
        SumRows(shards[0].Deltas.AsSpan(shards[0].DeltaStart), sums, shards[0].Rows, units);
        for (int s = 1; s < shards.Length; s++)
        {
            SumRows(shards[s].Deltas.AsSpan(shards[s].DeltaStart), scratch, shards[s].Rows, units);
            TensorPrimitives.Add(sums[..units], scratch[..units], sums[..units]);
        }
    }

    /// <summary>
    /// For each block of 192 units × 256 columns of C, every shard in order: its δ columns read where they lie and
    /// its x rows packed into panels, as the packed product takes them, each tile summed from zero over the shard's rows and stored over C
    /// (the first shard) or added to it (<see cref="TileMode.Add"/>). The whole shard is one depth block.
    /// </summary>
    private static void ShardedCore<T>(ReadOnlySpan<ShardOperands> shards, int units, int firstUnit, int m, int n, int firstColumn, int columnCount, Span<float> c, bool largeTiles)
        where T : struct, ILanes<T>
    {
        int tileRows = largeTiles ? 8 : 6, tileVectors = largeTiles ? 3 : 2, w = T.Count;
        int maxDepth = 0, totalDepth = 0;
        foreach (var shard in shards)
        {
            maxDepth = Math.Max(maxDepth, shard.Rows);
            totalDepth += shard.Rows;
        }
        // δᵀ's steps lie `units` apart; at a multiple of 4 KB each shard's block is packed into row groups first, as PackedMultiply does.
        bool packA = units % AliasedStride == 0;
        ref float aPacked = ref packA ? ref MemoryMarshal.GetArrayDataReference(Buffer(ref t_packA, Math.Min(RowBlock, m) * totalDepth)) : ref MemoryMarshal.GetReference(c);
        int blockColumns = Math.Min(ShardColumnBlock, columnCount), endColumn = firstColumn + columnCount;
        float[] packedB = Buffer(ref t_packedB, maxDepth * (blockColumns + w));
        ref float bPacked = ref MemoryMarshal.GetArrayDataReference(packedB);
        ref float c0 = ref MemoryMarshal.GetReference(c);
        Span<float> edge = stackalloc float[8 * 16];
        for (int i0 = 0; i0 < m; i0 += RowBlock)
        {
            int rows = Math.Min(RowBlock, m - i0);
            if (packA)
                for (int s = 0, at = 0; s < shards.Length; at += rows * shards[s].Rows, s++)
                    PackGroups(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(shards[s].Deltas), shards[s].DeltaStart + firstUnit + i0), units,
                        rows, shards[s].Rows, tileRows, ref Unsafe.Add(ref aPacked, at));
            for (int j0 = firstColumn; j0 < endColumn; j0 += ShardColumnBlock)
            {
                int columns = Math.Min(ShardColumnBlock, endColumn - j0);
                for (int s = 0, at = 0; s < shards.Length; at += rows * shards[s].Rows, s++)
                {
                    var shard = shards[s];
                    int depth = shard.Rows;
                    var mode = s == 0 ? TileMode.Overwrite : TileMode.Add;
                    if (depth == 0)
                    {
                        // An empty shard adds nothing; as the first, it starts the sum at zero.
                        if (s == 0)
                            for (int i = 0; i < rows; i++)
                                MemoryMarshal.CreateSpan(ref Unsafe.Add(ref c0, (nint)(i0 + i) * n + j0), columns).Clear();
                        continue;
                    }
                    // δᵀ(i, p) = δ[p·units + i], read where it lies (or packed); x(p, j) = x[p·n + j], packed.
                    ref float deltas = ref packA ? ref Unsafe.Add(ref aPacked, at) : ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(shard.Deltas), shard.DeltaStart + firstUnit + i0);
                    ref float input = ref MemoryMarshal.GetArrayDataReference(shard.Inputs);
                    PackPanels<T>(ref Unsafe.Add(ref input, shard.InputStart + j0), n, 1, depth, columns, tileVectors, ref bPacked);
                    scoped ref float panel = ref bPacked;
                    for (int j = 0; j < columns;)
                    {
                        int vectors = Math.Min(tileVectors, (columns - j) / w);
                        int panelColumns = vectors > 0 ? vectors * w : columns - j;
                        RunPanel<T>(rows, tileRows, vectors, panelColumns, ref deltas, packA ? 0 : 1, units, ref panel, Math.Max(vectors, 1) * w, depth,
                            ref Unsafe.Add(ref c0, (nint)i0 * n + j0 + j), n, mode, edge, ref c0, TileEpilogue.None, ref c0);
                        panel = ref Unsafe.Add(ref panel, depth * Math.Max(vectors, 1) * w);
                        j += panelColumns;
                    }
                }
            }
        }
    }

    /// <summary>The scalar path, as <c>TransposedMultiplyScalarCore</c> sums: each shard's terms from zero in row order, unfused, then added.</summary>
    private static void ShardedScalarCore(ReadOnlySpan<ShardOperands> shards, int units, int firstUnit, int m, int n, int firstColumn, int columns, Span<float> c)
    {
        for (int i = 0; i < m; i++)
            for (int j = firstColumn; j < firstColumn + columns; j++)
            {
                float total = 0;
                for (int s = 0; s < shards.Length; s++)
                {
                    var shard = shards[s];
                    float sum = 0;
                    for (int p = 0; p < shard.Rows; p++)
                        sum += shard.Deltas[shard.DeltaStart + p * units + firstUnit + i] * shard.Inputs[shard.InputStart + p * n + j];
                    total = s == 0 ? sum : total + sum;
                }
                c[i * n + j] = total;
            }
    }
}
