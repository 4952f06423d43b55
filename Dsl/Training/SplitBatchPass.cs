namespace NetDsl;

/// <summary>
/// How one process runs a training pass over a batch cut into shards, without a gradient per shard. First each
/// worker takes a group of whole shards, consecutive rows, forward and backward to the deltas in one pass (the
/// products as large as the group; the rows come out as they would shard by shard, and each shard's loss is taken
/// over its own rows). Then each dense layer's dW and db once over every shard
/// (<see cref="Kernels.ShardedTransposedMultiply(ReadOnlySpan{ShardOperands}, int, int, int, int, Span{float}, int, int)"/>),
/// its units or its inputs dealt out to the workers in slabs of about equal cost. No pass adds shard gradients up afterwards,
/// yet the bits are those of adding them in shard order: the same on any number of threads, and as the processes
/// of a distributed run, which do add them one by one.
/// </summary>
/// <remarks>
/// It works when the network's workspace hands out each dense layer's δ and inputs
/// (<see cref="NetworkWorkspace.WeightGradientOperands"/>, which the generated networks do unless a layer is
/// unrolled) and the shards are short enough to pack whole.
/// </remarks>
internal sealed class SplitBatchPass
{
    /// <summary>The longest shard packed whole: 192 units × 1024 rows of δ is 768 KB. Longer shards keep a gradient each.</summary>
    private const int MaxShardRows = 1024;

    /// <summary>Slabs of whole register tiles of units, so no worker gets a ragged edge it need not have.</summary>
    private const int UnitsAlignment = 8;

    /// <summary>Slabs of whole 512-bit vectors of columns, for the same reason.</summary>
    private const int ColumnsAlignment = 16;

    private readonly INetworkModel _network;
    private readonly NetworkWorkspace[] _workspaces;   // one per group
    private readonly DenseLayer[] _layers;
    private readonly GradientTask[] _tasks;
    private readonly int[] _groupFirstShard;           // group g holds shards [_groupFirstShard[g], _groupFirstShard[g + 1])
    private ShardPlan _plan;

    private SplitBatchPass(INetworkModel network, NetworkWorkspace[] workspaces, DenseLayer[] layers, GradientTask[] tasks)
    {
        _network = network;
        _workspaces = workspaces;
        _layers = layers;
        _tasks = tasks;
        _groupFirstShard = new int[workspaces.Length + 1];
    }

    /// <summary>Groups of shards in this step's pass: one per worker, or per shard if there are fewer.</summary>
    public int Groups { get; private set; }

    /// <summary>Work items of the weight gradients: slabs of units, or of inputs, of the layers.</summary>
    public int Tasks => _tasks.Length;

    /// <summary>
    /// The pass for <paramref name="network"/> on <paramref name="workers"/> workers and batches of up to
    /// <paramref name="maxBatchSize"/> rows, or null when it cannot take the network's weight gradients itself.
    /// </summary>
    public static SplitBatchPass? TryCreate(INetworkModel network, int maxBatchSize, int workers)
    {
        if (network.Layers is not { } layers || ShardPlan.MaxRowsPerShard(maxBatchSize) > MaxShardRows) return null;
        int groups = Math.Max(1, Math.Min(workers, ShardPlan.For(maxBatchSize).Count));
        var workspaces = new NetworkWorkspace[groups];
        int capacity = GroupCapacity(maxBatchSize, groups);
        for (int g = 0; g < groups; g++) workspaces[g] = network.CreateWorkspace(capacity);
        var dense = new List<DenseLayer>();
        for (int l = 0; l < layers.Count; l++)
        {
            var layer = layers[l];
            if (layer.ParameterCount == 0) continue;
            if (layer.Kind != LayerKind.Dense) return null;
            var given = new (float[]? Inputs, float[] Deltas)[groups];
            for (int g = 0; g < groups; g++)
            {
                if (workspaces[g].WeightGradientOperands(l) is not { } operands) return null;
                given[g] = operands;
            }
            dense.Add(new DenseLayer(layer.Offset, layer.Units, layer.Inputs, given, new ShardOperands[ShardPlan.MaxShards], new float[layer.Units]));
        }
        return dense.Count == 0 ? null : new SplitBatchPass(network, workspaces, [.. dense], Deal(dense, workers));
    }

    /// <summary>Cuts this step's shards into groups and points every layer's operands at them.</summary>
    public void Begin(ShardPlan plan, float[] batchInputs)
    {
        _plan = plan;
        Groups = Math.Min(_workspaces.Length, plan.Count);
        for (int g = 0; g <= Groups; g++) _groupFirstShard[g] = g * plan.Count / Groups;
        foreach (var layer in _layers)
            for (int g = 0; g < Groups; g++)
            {
                var (inputs, deltas) = layer.Given[g];
                int groupStart = plan.Start(_groupFirstShard[g]);
                for (int s = _groupFirstShard[g]; s < _groupFirstShard[g + 1]; s++)
                {
                    int row = plan.Start(s) - groupStart;
                    // The first layer reads the batch's rows where the trainer staged them; the others, the group's workspace.
                    layer.Shards[s] = inputs is null
                        ? new ShardOperands(deltas, row * layer.Units, batchInputs, plan.Start(s) * layer.Inputs, plan.Length(s))
                        : new ShardOperands(deltas, row * layer.Units, inputs, row * layer.Inputs, plan.Length(s));
                }
            }
    }

    /// <summary>
    /// Group <paramref name="group"/> forward and backward to its deltas, training mode: each of its shards' loss
    /// and, on its first shard, the group's accuracy counts, into <paramref name="shardPasses"/>.
    /// </summary>
    public void RunGroup(int group, float[] batchInputs, float[] batchTargets, float scale, DropoutStream dropout, LossAndAccuracy[] shardPasses)
    {
        int first = _groupFirstShard[group], end = _groupFirstShard[group + 1];
        int start = _plan.Start(first), rows = _plan.Start(end - 1) + _plan.Length(end - 1) - start;
        int inputSize = _network.InputSize, width = _network.OutputSize;
        var workspace = _workspaces[group];
        var targets = batchTargets.AsSpan(start * width, rows * width);
        // No gradient: the pass leaves the weight gradients to RunTask. The rows' dropout masks are the batch's.
        var pass = _network.ComputeLossGradientAndAccuracy(batchInputs.AsSpan(start * inputSize, rows * inputSize), targets,
            rows, scale, Span<float>.Empty, workspace, dropout.ForShard(start));
        if (end - first == 1)
        {
            shardPasses[first] = pass;
            return;
        }
        // Each shard's loss over its own rows, as a pass over that shard alone sums it, from the outputs the pass left.
        for (int s = first; s < end; s++)
        {
            int row = _plan.Start(s) - start, length = _plan.Length(s);
            float loss = Losses.Compute(_network.Loss, workspace.LossInputs.AsSpan(row * width, length * width),
                targets.Slice(row * width, length * width), width, scale, Span<float>.Empty);
            shardPasses[s] = s == first ? new LossAndAccuracy(loss, pass.Correct, pass.Counted) : new LossAndAccuracy(loss, 0, 0);
        }
    }

    /// <summary>One slab of one layer's dW into <paramref name="gradient"/>; the layer's first slab takes its db too.</summary>
    public void RunTask(int task, float[] gradient)
    {
        var (index, firstUnit, units, firstColumn, columns) = _tasks[task];
        var layer = _layers[index];
        ReadOnlySpan<ShardOperands> shards = layer.Shards.AsSpan(0, _plan.Count);
        // dW = Σ over the shards of δᵀ·x: rows [firstUnit, firstUnit + units), columns [firstColumn, firstColumn + columns) of it
        Kernels.ShardedTransposedMultiply(shards, layer.Units, firstUnit, units, layer.Inputs,
            gradient.AsSpan(layer.Offset + firstUnit * layer.Inputs, units * layer.Inputs), firstColumn, columns);
        // db = Σ over the shards of Σ over the rows of δ
        if (firstUnit == 0 && firstColumn == 0)
            Kernels.ShardedSumRows(shards, layer.Units, gradient.AsSpan(layer.Offset + layer.Units * layer.Inputs, layer.Units), layer.BiasScratch);
    }

    // The most rows a group holds for any batch of up to maxBatchSize rows (a smaller batch can have larger groups).
    private static int GroupCapacity(int maxBatchSize, int groups)
    {
        int capacity = 1;
        for (int rows = 1; rows <= maxBatchSize; rows++)
        {
            var plan = ShardPlan.For(rows);
            int count = Math.Min(groups, plan.Count);
            for (int g = 0; g < count; g++)
            {
                int first = g * plan.Count / count, end = (g + 1) * plan.Count / count;
                capacity = Math.Max(capacity, plan.Start(end - 1) + plan.Length(end - 1) - plan.Start(first));
            }
        }
        return capacity;
    }

    // Slabs of about equal cost (units × inputs) for the workers, dealt round-robin by the pool: about two per worker,
    // a small layer whole. A layer is cut along its inputs (dW's columns) when it has at least as many inputs as units:
    // each slab then packs only its own columns of the inputs. Cut along its units, each slab packs all the inputs
    // again (784-128 at batch 256 on two workers: four slabs of 32 units took 0.61 ms in all against 0.37 ms whole).
    private static GradientTask[] Deal(List<DenseLayer> layers, int workers)
    {
        long total = 0;
        foreach (var layer in layers) total += (long)layer.Units * layer.Inputs;
        long target = Math.Max(1, total / (2L * workers));
        var tasks = new List<GradientTask>();
        for (int l = 0; l < layers.Count; l++)
        {
            int units = layers[l].Units, inputs = layers[l].Inputs;
            bool byColumns = inputs >= units;
            int length = byColumns ? inputs : units, alignment = byColumns ? ColumnsAlignment : UnitsAlignment;
            long cost = (long)units * inputs;
            int slabs = workers == 1 ? 1 : (int)Math.Clamp((cost + target - 1) / target, 1, Math.Max(1, length / alignment));
            int perSlab = (length + slabs - 1) / slabs;
            perSlab = Math.Min(length, (perSlab + alignment - 1) / alignment * alignment);
            for (int first = 0; first < length; first += perSlab)
            {
                int count = Math.Min(perSlab, length - first);
                tasks.Add(byColumns ? new GradientTask(l, 0, units, first, count) : new GradientTask(l, first, count, 0, inputs));
            }
        }
        return [.. tasks];
    }

    private sealed record DenseLayer(int Offset, int Units, int Inputs, (float[]? Inputs, float[] Deltas)[] Given, ShardOperands[] Shards, float[] BiasScratch);

    private readonly record struct GradientTask(int Layer, int FirstUnit, int Units, int FirstColumn, int Columns);
}
