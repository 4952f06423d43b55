using System.Reflection;

namespace NetDsl.Tests;

/// <summary>One layer of a network as its declaration states it, with where its parameters sit.</summary>
internal sealed record LayerSpec(string Name, int Index, bool IsDense, int Inputs, int Units, Activation Activation, float Rate, int Offset)
{
    public int WeightCount => IsDense ? Units * Inputs : 0;
    public int ParameterCount => IsDense ? WeightCount + Units : 0;
    public int BiasOffset => Offset + WeightCount;
}

/// <summary>
/// A network's architecture read by reflection from its attributes (not from generated code), and
/// the documented parameter layout: layer after layer, weights [units × fanIn] row-major, then bias.
/// </summary>
internal sealed class NetSpec
{
    private NetSpec(string name, int inputs, Loss loss, IReadOnlyList<LayerSpec> layers)
    {
        Name = name;
        Inputs = inputs;
        Loss = loss;
        Layers = layers;
        ParameterCount = layers.Sum(l => l.ParameterCount);
        Outputs = layers[^1].Units;
    }

    public string Name { get; }
    public int Inputs { get; }
    public Loss Loss { get; }
    public IReadOnlyList<LayerSpec> Layers { get; }
    public int ParameterCount { get; }
    public int Outputs { get; }
    public IEnumerable<LayerSpec> Dropouts => Layers.Where(l => !l.IsDense);

    public static NetSpec Of(Type type)
    {
        var network = type.GetCustomAttribute<NetworkAttribute>() ?? throw new ArgumentException($"{type.Name} is not a [Network].");
        var members = type.GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            .Where(p => p.IsDefined(typeof(DenseAttribute)) || p.IsDefined(typeof(DropoutAttribute)))
            .OrderBy(p => p.MetadataToken) // declaration order
            .ToList();
        var layers = new List<LayerSpec>();
        int width = network.Inputs, offset = 0;
        foreach (var p in members)
        {
            LayerSpec layer = p.GetCustomAttribute<DenseAttribute>() is { } dense
                ? new LayerSpec(p.Name, layers.Count, true, width, dense.Units, dense.Activation, 0f, offset)
                : new LayerSpec(p.Name, layers.Count, false, width, width, Activation.Identity, (float)p.GetCustomAttribute<DropoutAttribute>()!.Rate, offset);
            layers.Add(layer);
            offset += layer.ParameterCount;
            width = layer.Units;
        }
        return new NetSpec(type.Name, network.Inputs, network.Loss, layers);
    }

    /// <summary>Where parameter <paramref name="index"/> sits, for messages: "Hidden.W[2,0]" or "Output.b[1]".</summary>
    public string Describe(int index)
    {
        var l = LayerOf(index);
        int local = index - l.Offset;
        return local < l.WeightCount ? $"{l.Name}.W[{local / l.Inputs},{local % l.Inputs}]" : $"{l.Name}.b[{local - l.WeightCount}]";
    }

    public LayerSpec LayerOf(int index) => Layers.First(l => l.IsDense && index >= l.Offset && index < l.Offset + l.ParameterCount);

    /// <summary>The inverted-dropout masks a training pass seeded with <paramref name="seed"/> uses, one per dropout layer.</summary>
    public Dictionary<int, float[]> Masks(ulong seed, int rows)
    {
        var masks = new Dictionary<int, float[]>();
        foreach (var l in Dropouts)
        {
            var mask = new float[rows * l.Units];
            new DropoutStream(seed).Fill(mask, l.Index, rows, l.Units, l.Rate);
            masks[l.Index] = mask;
        }
        return masks;
    }
}

/// <summary>
/// An independent forward pass and loss in double precision, written from the documented mathematics,
/// so finite differences of it are free of float rounding.
/// </summary>
internal static class Reference
{
    /// <summary>
    /// The mean loss over <paramref name="rows"/> examples, as documented: MSE and BCE average over
    /// every element, CCE sums over classes and averages over the batch. <paramref name="reluSigns"/>
    /// receives a hash of which ReLU units are active, so a caller can tell when a perturbation crosses a kink.
    /// </summary>
    public static double Loss(NetSpec spec, double[] theta, float[] x, float[] y, int rows,
        Dictionary<int, float[]>? masks, out ulong reluSigns)
    {
        var outputs = Forward(spec, theta, x, rows, masks, logits: spec.Loss != NetDsl.Loss.MeanSquaredError, out reluSigns);
        int width = spec.Outputs;
        double sum = 0;
        for (int r = 0; r < rows; r++)
        {
            var z = outputs.AsSpan(r * width, width);
            var t = y.AsSpan(r * width, width);
            switch (spec.Loss)
            {
                case NetDsl.Loss.MeanSquaredError:
                    for (int i = 0; i < width; i++) sum += (z[i] - t[i]) * (z[i] - t[i]);
                    break;
                case NetDsl.Loss.BinaryCrossEntropy:
                    // −[y·log σ(z) + (1 − y)·log(1 − σ(z))], written stably from the logit.
                    for (int i = 0; i < width; i++) sum += Math.Max(z[i], 0) - z[i] * t[i] + Math.Log(1 + Math.Exp(-Math.Abs(z[i])));
                    break;
                case NetDsl.Loss.CategoricalCrossEntropy:
                    double max = z.ToArray().Max(), s = 0;
                    for (int i = 0; i < width; i++) s += Math.Exp(z[i] - max);
                    double logSumExp = max + Math.Log(s);
                    for (int i = 0; i < width; i++) sum += t[i] * (logSumExp - z[i]);
                    break;
            }
        }
        return spec.Loss == NetDsl.Loss.CategoricalCrossEntropy ? sum / rows : sum / ((double)rows * width);
    }

    /// <summary>The network's outputs, in inference mode when <paramref name="masks"/> is null, with the output activation applied.</summary>
    public static double[] Predict(NetSpec spec, float[] parameters, float[] x, int rows) =>
        Forward(spec, parameters.Select(p => (double)p).ToArray(), x, rows, null, logits: false, out _);

    /// <summary>
    /// Forward through every layer. With <paramref name="logits"/> the last dense layer stops at
    /// z = W·x + b (the cross-entropies read logits); otherwise its activation is applied.
    /// </summary>
    public static double[] Forward(NetSpec spec, double[] theta, float[] x, int rows,
        Dictionary<int, float[]>? masks, bool logits, out ulong reluSigns)
    {
        double[] current = x.Take(rows * spec.Inputs).Select(v => (double)v).ToArray();
        ulong signs = 14695981039346656037UL;
        foreach (var l in spec.Layers)
        {
            var next = new double[rows * l.Units];
            if (!l.IsDense)
            {
                // Training: a = x ⊙ m; inference: a = x.
                for (int i = 0; i < next.Length; i++) next[i] = masks is null ? current[i] : current[i] * masks[l.Index][i];
                current = next;
                continue;
            }
            bool isOutput = l == spec.Layers[^1];
            for (int r = 0; r < rows; r++)
            {
                for (int u = 0; u < l.Units; u++)
                {
                    double z = theta[l.BiasOffset + u];
                    for (int k = 0; k < l.Inputs; k++) z += theta[l.Offset + u * l.Inputs + k] * current[r * l.Inputs + k];
                    next[r * l.Units + u] = z;
                }
                var row = next.AsSpan(r * l.Units, l.Units);
                if (isOutput && logits) continue;
                switch (l.Activation)
                {
                    case Activation.Sigmoid:
                        for (int u = 0; u < row.Length; u++) row[u] = 1 / (1 + Math.Exp(-row[u]));
                        break;
                    case Activation.Tanh:
                        for (int u = 0; u < row.Length; u++) row[u] = Math.Tanh(row[u]);
                        break;
                    case Activation.Relu:
                        for (int u = 0; u < row.Length; u++)
                        {
                            signs = (signs ^ (row[u] > 0 ? 1UL : 0UL)) * 1099511628211UL;
                            row[u] = Math.Max(row[u], 0);
                        }
                        break;
                    case Activation.Softmax:
                        double max = row.ToArray().Max(), sum = 0;
                        for (int u = 0; u < row.Length; u++) sum += row[u] = Math.Exp(row[u] - max);
                        for (int u = 0; u < row.Length; u++) row[u] /= sum;
                        break;
                }
            }
            current = next;
        }
        reluSigns = signs;
        return current;
    }
}
