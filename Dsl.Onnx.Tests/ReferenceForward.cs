namespace NetDsl.Onnx.Tests;

/// <summary>
/// The forward pass written out plainly, in double precision, from a network's <c>Layers</c> and
/// <c>Parameters</c>: a reference for outputs that Predict does not give (the logits of a mean
/// squared error network), and a second opinion on those it does.
/// </summary>
internal static class ReferenceForward
{
    public static float[] Run(INetworkModel network, float[] inputs, int rows, bool lastActivation)
    {
        ReadOnlySpan<float> parameters = network.Parameters;
        var dense = network.Layers!.Where(layer => layer.Kind == LayerKind.Dense).ToArray();
        var outputs = new float[rows * network.OutputSize];
        for (int r = 0; r < rows; r++)
        {
            double[] x = [.. inputs.AsSpan(r * network.InputSize, network.InputSize).ToArray().Select(v => (double)v)];
            for (int l = 0; l < dense.Length; l++)
            {
                var layer = dense[l];
                var z = new double[layer.Units];
                for (int u = 0; u < layer.Units; u++)
                {
                    double sum = parameters[layer.Offset + layer.Units * layer.Inputs + u];
                    for (int i = 0; i < layer.Inputs; i++) sum += parameters[layer.Offset + u * layer.Inputs + i] * x[i];
                    z[u] = sum;
                }
                x = l == dense.Length - 1 && !lastActivation ? z : Activate(layer.Activation!.Value, z);
            }
            for (int u = 0; u < x.Length; u++) outputs[r * network.OutputSize + u] = (float)x[u];
        }
        return outputs;
    }

    private static double[] Activate(Activation activation, double[] z)
    {
        switch (activation)
        {
            case Activation.Identity: return z;
            case Activation.Sigmoid: return [.. z.Select(v => 1 / (1 + Math.Exp(-v)))];
            case Activation.Tanh: return [.. z.Select(Math.Tanh)];
            case Activation.Relu: return [.. z.Select(v => Math.Max(0, v))];
            case Activation.Softmax:
                double max = z.Max();
                double[] e = [.. z.Select(v => Math.Exp(v - max))];
                double total = e.Sum();
                return [.. e.Select(v => v / total)];
            default: throw new ArgumentOutOfRangeException(nameof(activation), activation, null);
        }
    }
}
