using System;
using System.Collections.Generic;
using NetDsl.Generators.Model;

namespace NetDsl.Generators.Emit.Layers;

/// <summary>
/// Everything one layer kind contributes to a network's code, kept together as micrograd keeps each
/// op's forward and backward together: its sizes, its line in the summary and in the constructor,
/// the calls the passes make, its workspace buffers, and its own forward and backward methods.
/// <see cref="Emitter"/> wires the layers; it knows no kind. One implementation per
/// <see cref="LayerKind"/>, chosen by <see cref="LayerEmitters.For"/>.
/// </summary>
internal interface ILayerEmitter
{
    LayerKind Kind { get; }

    /// <summary>Values per example the layer hands on, given the <paramref name="inputs"/> it receives.</summary>
    int Outputs(LayerModel layer, int inputs);

    /// <summary>Its weights and biases in the flat buffer; a long, so the parser can check the sum for overflow (NDSL007).</summary>
    long ParameterCount(LayerModel layer, long inputs);

    /// <summary>Whether it draws dropout masks: the network then gets LossAndGradient's <c>dropoutSeed</c> overload.</summary>
    bool DrawsMasks { get; }

    /// <summary>Whether it is the identity in inference: Predict and Evaluate skip it, and its input flows on.</summary>
    bool IdentityInInference { get; }

    /// <summary>What it computes, for the remarks' table of layers.</summary>
    string Summary(LayerShape layer);

    /// <summary>The summary of its <c>Layer</c> view property.</summary>
    string ViewSummary(LayerShape layer);

    /// <summary>What it is, for the network's <c>Layers</c> and its view: a <c>NetDsl.LayerDescription</c> factory call.</summary>
    string Description(LayerShape layer);

    /// <summary>Its lines in the <c>(int seed)</c> constructor; <paramref name="stream"/> numbers the random streams of the layers with weights.</summary>
    void WriteInitialization(IndentedWriter w, LayerShape layer, ref int stream);

    /// <summary>
    /// The statement that runs it forward from the buffer <paramref name="inputs"/> into <paramref name="outputs"/>
    /// over <paramref name="rows"/> examples. In the training pass (where <c>ws</c> and <c>dropout</c>
    /// are in scope) for every layer; in inference only for a layer that is not <see cref="IdentityInInference"/>.
    /// </summary>
    string ForwardCall(LayerShape layer, string inputs, string outputs, string rows);

    /// <summary>
    /// The statement that runs it backward in the training pass, writing dL/dx into
    /// <paramref name="inputGradients"/> (the deltas of the layer below, when <see cref="LayerShape.NeedsInputGradient"/>);
    /// null when it has nothing to do.
    /// </summary>
    string? BackwardCall(LayerShape layer, string inputGradients);

    /// <summary>Workspace buffers of its own, beside its activations and deltas: one per field name, <c>maxRows × Outputs</c> floats each.</summary>
    IEnumerable<string> WorkspaceFields(LayerShape layer);

    /// <summary>
    /// For a layer with parameters: the workspace's <c>(inputs, deltas)</c> arrays (inputs <c>null</c> for the
    /// network's) from which a trainer can take its weight gradient itself, as a C# tuple; null when only the
    /// layer's own backward method can. The workspace lists them when every layer with parameters has them.
    /// </summary>
    string? WeightGradientOperands(LayerShape layer);

    /// <summary>Its forward and backward methods, each block with its maths in a comment.</summary>
    void WriteMethods(IndentedWriter w, LayerShape layer, NetworkShape network);
}

/// <summary>The emitter of each layer kind.</summary>
internal static class LayerEmitters
{
    public static ILayerEmitter For(LayerKind kind) => kind switch
    {
        LayerKind.Dense => DenseLayerEmitter.Instance,
        LayerKind.Dropout => DropoutLayerEmitter.Instance,
        _ => throw new InvalidOperationException($"Unknown layer kind {kind}"),
    };
}
