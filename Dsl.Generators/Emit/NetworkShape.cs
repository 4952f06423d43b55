using System.Collections.Generic;
using System.Linq;
using NetDsl.Generators.Model;

namespace NetDsl.Generators.Emit;

/// <summary>A layer with its derived sizes: where its parameters sit and what flows in and out.</summary>
internal sealed record LayerShape(LayerModel Layer, int Index, int Inputs, int Outputs, int Offset, string InputBuffer, bool NeedsInputGradient, bool IsOutput)
{
    public string Name => Layer.Name;
    public bool IsDense => Layer.Kind == LayerKind.Dense;
    public int WeightCount => IsDense ? Outputs * Inputs : 0;
    public int ParameterCount => IsDense ? WeightCount + Outputs : 0;
    public int BiasOffset => Offset + WeightCount;

    /// <summary>The workspace field with this layer's outputs (logits, for an output fused into the loss).</summary>
    public string ActivationsField => Name + "Activations";

    /// <summary>The workspace field with dL/d(this layer's output), turned into δ = dL/dz in place.</summary>
    public string DeltasField => Name + "Deltas";

    /// <summary>The workspace field with a dropout layer's mask.</summary>
    public string MaskField => Name + "Mask";

    /// <summary>Layers this small become straight-line arithmetic; larger ones call the SIMD kernels.</summary>
    public bool Unrolled => IsDense && Outputs * Inputs <= Emitter.UnrollLimit;
}

/// <summary>The derived sizes of a whole network.</summary>
internal sealed class NetworkShape
{
    public NetworkShape(NetworkModel network)
    {
        Network = network;
        int width = network.Inputs, offset = 0;
        bool denseBefore = false;
        var layers = new List<LayerShape>();
        string input = "inputs";
        for (int i = 0; i < network.Layers.Count; i++)
        {
            var layer = network.Layers[i];
            int outputs = layer.Kind == LayerKind.Dense ? layer.Units : width;
            var shape = new LayerShape(layer, i, width, outputs, offset, input, denseBefore, i == network.Layers.Count - 1);
            layers.Add(shape);
            offset += shape.ParameterCount;
            width = outputs;
            denseBefore |= shape.IsDense;
            input = "ws." + shape.ActivationsField;
        }
        Layers = layers;
        ParameterCount = offset;
        OutputSize = width;
    }

    public NetworkModel Network { get; }
    public IReadOnlyList<LayerShape> Layers { get; }
    public int ParameterCount { get; }
    public int OutputSize { get; }
    public LayerShape Output => Layers[Layers.Count - 1];

    /// <summary>The cross-entropies take logits: the output activation is fused into the loss.</summary>
    public bool FusedOutput => Network.Loss != LossKind.MeanSquaredError;

    public bool HasDropout => Layers.Any(l => !l.IsDense);
}
