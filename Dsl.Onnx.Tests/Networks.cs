namespace NetDsl.Onnx.Tests;

/// <summary>Predict for one row, whatever the network's type.</summary>
public delegate void PredictRow(ReadOnlySpan<float> input, Span<float> output);

/// <summary>A test network by name, with its Predict, its weights drawn from a seed and its biases made non-zero.</summary>
public sealed record TestNetwork(string Name, INetworkModel Model, PredictRow Predict)
{
    /// <summary>The networks every export test runs on.</summary>
    public static readonly string[] Names = ["EveryActivation", "SigmoidOutput", "TanhOutput", "ReluOutput", "IdentityOutput", "Perceptron", "Wide784"];

    public static TestNetwork Create(string name, int seed = 1)
    {
        TestNetwork network = name switch
        {
            "EveryActivation" => new EveryActivation(seed) is var a ? new(name, a, a.Predict) : null!,
            "SigmoidOutput" => new SigmoidOutput(seed) is var b ? new(name, b, b.Predict) : null!,
            "TanhOutput" => new TanhOutput(seed) is var c ? new(name, c, c.Predict) : null!,
            "ReluOutput" => new ReluOutput(seed) is var d ? new(name, d, d.Predict) : null!,
            "IdentityOutput" => new IdentityOutput(seed) is var e ? new(name, e, e.Predict) : null!,
            "Perceptron" => new Perceptron(seed) is var f ? new(name, f, f.Predict) : null!,
            "Wide784" => new Wide784(seed) is var g ? new(name, g, g.Predict) : null!,
            _ => throw new ArgumentException($"No test network '{name}'.", nameof(name)),
        };
        // Freshly made networks have zero biases; a bias read from the wrong place would go unseen.
        var random = new Random(seed);
        Span<float> parameters = network.Model.Parameters;
        foreach (LayerDescription layer in network.Model.Layers!)
        {
            if (layer.Kind != LayerKind.Dense) continue;
            foreach (ref float bias in parameters.Slice(layer.Offset + layer.Units * layer.Inputs, layer.Units))
                bias = (float)(random.NextDouble() - 0.5);
        }
        return network;
    }

    /// <summary>Predict on each of <paramref name="rows"/> rows, one after another.</summary>
    public float[] PredictRows(float[] inputs, int rows)
    {
        var outputs = new float[rows * Model.OutputSize];
        for (int r = 0; r < rows; r++)
            Predict(inputs.AsSpan(r * Model.InputSize, Model.InputSize), outputs.AsSpan(r * Model.OutputSize, Model.OutputSize));
        return outputs;
    }

    /// <summary>Inputs drawn from a seed: pixels in [0, 1] for the 784-wide net, else values in [−2, 2].</summary>
    public float[] Inputs(int rows, int seed)
    {
        var random = new Random(seed);
        var inputs = new float[rows * Model.InputSize];
        bool pixels = Model.InputSize == 784;
        for (int i = 0; i < inputs.Length; i++)
            inputs[i] = pixels ? (float)random.NextDouble() : (float)(4 * random.NextDouble() - 2);
        return inputs;
    }

    public override string ToString() => Name;
}
