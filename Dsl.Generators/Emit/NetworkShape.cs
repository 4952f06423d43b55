using System.Collections.Generic;
using System.Linq;
using NetDsl.Generators.Catalog;
using NetDsl.Generators.Emit.Layers;
using NetDsl.Generators.Model;

namespace NetDsl.Generators.Emit;

/// <summary>A layer with its derived sizes: where its parameters sit and what flows in and out.</summary>
internal sealed record LayerShape(
    LayerModel Layer, ILayerEmitter Emitter, int Index, int Inputs, int Outputs, int Offset, int ParameterCount,
    string InputBuffer, bool NeedsInputGradient, bool IsOutput, string MethodStem)
{
    public string Name => Layer.Name;

    /// <summary>The name of its forward method: <c>ForwardOutput</c> for a layer <c>output</c> (see <see cref="Parse.KnownNames.MethodStems"/>).</summary>
    public string Forward => Parse.KnownNames.Forward(MethodStem);

    /// <summary>The name of its backward method.</summary>
    public string Backward => Parse.KnownNames.Backward(MethodStem);

    /// <summary>The workspace field with this layer's outputs (logits, for an output fused into the loss).</summary>
    public string ActivationsField => Name + "Activations";

    /// <summary>The workspace field with dL/d(this layer's output), turned into δ = dL/dz in place.</summary>
    public string DeltasField => Name + "Deltas";
}

/// <summary>The derived sizes of a whole network.</summary>
internal sealed class NetworkShape
{
    public NetworkShape(NetworkModel network)
    {
        Network = network;
        Loss = LossDefinitions.Of(network.Loss);
        int width = network.Inputs, offset = 0;
        bool parametersBelow = false;
        var layers = new List<LayerShape>();
        string input = "inputs";
        var stems = Parse.KnownNames.MethodStems(network.Layers.Select(l => l.Name).ToList());
        for (int i = 0; i < network.Layers.Count; i++)
        {
            var layer = network.Layers[i];
            var emitter = LayerEmitters.For(layer.Kind);
            int outputs = emitter.Outputs(layer, width);
            int parameters = checked((int)emitter.ParameterCount(layer, width));
            // dL/dx is worth computing only for a layer with parameters somewhere below.
            var shape = new LayerShape(layer, emitter, i, width, outputs, offset, parameters, input, parametersBelow, i == network.Layers.Count - 1, stems[i]);
            layers.Add(shape);
            offset += parameters;
            width = outputs;
            parametersBelow |= parameters > 0;
            input = "ws." + shape.ActivationsField;
        }
        Layers = layers;
        ParameterCount = offset;
        OutputSize = width;
    }

    public NetworkModel Network { get; }

    public LossDefinition Loss { get; }

    public IReadOnlyList<LayerShape> Layers { get; }
    public int ParameterCount { get; }
    public int OutputSize { get; }
    public LayerShape Output => Layers[Layers.Count - 1];

    /// <summary>The activation the loss fuses with the output layer (which then writes logits), or null.</summary>
    public ActivationDefinition? FusedActivation => Loss.FusedActivation is { } kind ? ActivationDefinitions.Of(kind) : null;

    /// <summary>The output activation is fused into the loss (the cross-entropies): training reads logits.</summary>
    public bool FusedOutput => Loss.IsFused;

    public bool HasDropout => Layers.Any(l => l.Emitter.DrawsMasks);
}
