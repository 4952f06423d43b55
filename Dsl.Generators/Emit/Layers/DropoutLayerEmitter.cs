using System.Collections.Generic;
using NetDsl.Generators.Model;
using static NetDsl.Generators.Emit.Formatting;

namespace NetDsl.Generators.Emit.Layers;

/// <summary>
/// Inverted dropout as its own layer: <c>a = x ⊙ m</c> in training, with a mask m of 0 and
/// 1/(1 − p) drawn from the step's <c>DropoutStream</c> into a workspace buffer of its own; the
/// identity in inference; no parameters. Its backward pass exists only when a layer with
/// parameters sits below it.
/// </summary>
internal sealed class DropoutLayerEmitter : ILayerEmitter
{
    public static readonly DropoutLayerEmitter Instance = new();

    private DropoutLayerEmitter() { }

    public LayerKind Kind => LayerKind.Dropout;

    public int Outputs(LayerModel layer, int inputs) => inputs;

    public long ParameterCount(LayerModel layer, long inputs) => 0;

    public bool DrawsMasks => true;

    public bool IdentityInInference => true;

    private static string Rate(LayerShape l) => Float(l.Layer.DropoutRate).TrimEnd('f');

    private static string MaskField(LayerShape l) => l.Name + "Mask";

    public string Summary(LayerShape l) => $"dropout at rate {Rate(l)} over {l.Outputs} units, in training only";

    public string ViewSummary(LayerShape l) => $"{l.Name}: dropout over {l.Outputs} units; it has no parameters.";

    public string Description(LayerShape l) =>
        $"global::NetDsl.LayerDescription.Dropout(\"{l.Name}\", {Int(l.Outputs)}, {Float(l.Layer.DropoutRate)}, {Int(l.Offset)})";

    public void WriteInitialization(IndentedWriter w, LayerShape l, ref int stream) { }

    public string ForwardCall(LayerShape l, string inputs, string outputs, string rows) =>
        $"{l.Forward}({inputs}, {outputs}, ws.{MaskField(l)}, {rows}, dropout);";

    public string? BackwardCall(LayerShape l, string inputGradients) =>
        l.NeedsInputGradient ? $"{l.Backward}(ws.{MaskField(l)}, ws.{l.DeltasField}, {inputGradients}, rows);" : null;

    public IEnumerable<string> WorkspaceFields(LayerShape l) => [MaskField(l)];

    public string? WeightGradientOperands(LayerShape l) => null; // no weights

    public void WriteMethods(IndentedWriter w, LayerShape l, NetworkShape network)
    {
        string rate = Float(l.Layer.DropoutRate);
        w.Line($"/// <summary>{l.Name}: inverted dropout at rate {Rate(l)} over {l.Outputs} units, forward while training (Predict and Evaluate skip it).</summary>");
        using (w.Block($"private static void {l.Forward}({ReadOnlySpan} inputs, {Span} outputs, {Span} mask, int rows, global::NetDsl.Runtime.DropoutStream dropout)"))
        {
            w.Line($"int n = rows * {Int(l.Outputs)};");
            w.Line($"// m = 0 with probability p = {Rate(l)}, else 1 / (1 − p), so E[a] = x");
            w.Line($"dropout.Fill(mask, {Int(l.Index)}, rows, {Int(l.Outputs)}, {rate});");
            w.Line("// a = x ⊙ m");
            w.Line("global::System.Numerics.Tensors.TensorPrimitives.Multiply(inputs.Slice(0, n), mask.Slice(0, n), outputs.Slice(0, n));");
        }
        if (!l.NeedsInputGradient) return;
        w.Line();
        w.Line($"/// <summary>{l.Name}: inverted dropout, backward: the gradient flows through the kept units only.</summary>");
        using (w.Block($"private static void {l.Backward}({ReadOnlySpan} mask, {ReadOnlySpan} deltas, {Span} inputGradients, int rows)"))
        {
            w.Line($"int n = rows * {Int(l.Outputs)};");
            w.Line("// dL/dx = dL/da ⊙ m");
            w.Line("global::System.Numerics.Tensors.TensorPrimitives.Multiply(deltas.Slice(0, n), mask.Slice(0, n), inputGradients.Slice(0, n));");
        }
    }
}
