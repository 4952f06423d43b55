using System.Collections.Generic;
using System.Linq;
using NetDsl.Generators.Catalog;
using NetDsl.Generators.Model;
using static NetDsl.Generators.Emit.Formatting;

namespace NetDsl.Generators.Emit.Layers;

/// <summary>
/// A dense layer, <c>a = f(W·x + b)</c>: weights row-major <c>[units × inputs]</c>, then the bias.
/// Layers with at most <see cref="Emitter.UnrollLimit"/> weights become straight-line arithmetic;
/// larger ones call the runtime's SIMD kernels with constant sizes. The activation f comes from
/// <see cref="ActivationDefinitions"/>; on the output layer of a fused loss it is left to the loss.
/// </summary>
internal sealed class DenseLayerEmitter : ILayerEmitter
{
    public static readonly DenseLayerEmitter Instance = new();

    private DenseLayerEmitter() { }

    public LayerKind Kind => LayerKind.Dense;

    public int Outputs(LayerModel layer, int inputs) => layer.Units;

    public long ParameterCount(LayerModel layer, long inputs) => (inputs + 1) * layer.Units;

    public bool DrawsMasks => false;

    public bool IdentityInInference => false;

    private static int WeightCount(LayerShape l) => l.Outputs * l.Inputs;

    private static int BiasOffset(LayerShape l) => l.Offset + WeightCount(l);

    /// <summary>Layers this small become straight-line arithmetic; larger ones call the SIMD kernels.</summary>
    public static bool Unrolled(LayerShape l) => WeightCount(l) <= Emitter.UnrollLimit;

    public string Summary(LayerShape l) =>
        $"dense {l.Inputs} → {l.Outputs}, {ActivationDefinitions.Of(l.Layer.Activation).Name}, {InitializerDefinitions.Name(l.Layer.Initializer)} weights; "
        + $"parameters [{l.Offset}, {l.Offset + l.ParameterCount}); {(Unrolled(l) ? "unrolled" : "SIMD kernels")}";

    public string ViewSummary(LayerShape l) =>
        $"{l.Name}: dense {l.Inputs} → {l.Outputs}; weights at [{l.Offset}, {BiasOffset(l)}), biases at [{BiasOffset(l)}, {l.Offset + l.ParameterCount}) of <see cref=\"Parameters\"/>.";

    public string Description(LayerShape l) =>
        $"global::NetDsl.LayerDescription.Dense(\"{l.Name}\", {Int(l.Inputs)}, {Int(l.Outputs)}, global::NetDsl.Activation.{l.Layer.Activation}, global::NetDsl.Initializer.{l.Layer.Initializer}, {Int(l.Offset)})";

    public void WriteInitialization(IndentedWriter w, LayerShape l, ref int stream)
    {
        // Each dense layer draws from its own stream, numbered among the layers with weights, so adding
        // a dropout layer leaves every layer's initial weights as they were.
        w.Line($"// {l.Name}: {InitializerDefinitions.Name(l.Layer.Initializer)} weights [{l.Outputs} × {l.Inputs}]; biases start at zero");
        w.Line($"{(stream == 0 ? "var " : "")}random = new global::NetDsl.Runtime.SeededRandom(seed, {Int(stream)});");
        w.Line($"global::NetDsl.Runtime.Initializers.Fill(parameters.Slice({Int(l.Offset)}, {Int(WeightCount(l))}), global::NetDsl.Initializer.{l.Layer.Initializer}, {Int(l.Inputs)}, {Int(l.Outputs)}, ref random);");
        stream++;
    }

    public string ForwardCall(LayerShape l, string inputs, string outputs, string rows) =>
        $"{l.Forward}(parameters, {inputs}, {outputs}, {rows});";

    public string BackwardCall(LayerShape l, string inputGradients) =>
        $"{l.Backward}(parameters, {l.InputBuffer}, ws.{l.ActivationsField}, ws.{l.DeltasField}, gradient, "
        + (l.NeedsInputGradient ? inputGradients + ", " : "") + "rows);";

    public IEnumerable<string> WorkspaceFields(LayerShape l) => [];

    // An unrolled layer sums its weight gradient in its own order (unfused, row by row), which no kernel repeats.
    public string? WeightGradientOperands(LayerShape l) =>
        Unrolled(l) ? null : $"({(l.InputBuffer == "inputs" ? "null" : l.InputBuffer.Substring("ws.".Length))}, {l.DeltasField})";

    public void WriteMethods(IndentedWriter w, LayerShape layer, NetworkShape network)
    {
        // The output of a fused loss writes logits; the loss applies the activation and hands back δ = dL/dz.
        bool fused = layer.IsOutput && network.FusedOutput;
        if (Unrolled(layer))
        {
            WriteUnrolledForward(w, layer, fused);
            w.Line();
            WriteUnrolledBackward(w, layer, fused);
        }
        else
        {
            WriteKernelForward(w, layer, fused);
            w.Line();
            WriteKernelBackward(w, layer, fused);
        }
    }

    private static string Title(LayerShape l, bool fused) =>
        $"{l.Name}: dense {l.Inputs} → {l.Outputs}, {ActivationDefinitions.Of(l.Layer.Activation).Name}" + (fused ? " (fused into the loss)" : "");

    /// <summary>The activation the layer applies itself: none (the identity) when the loss applies it.</summary>
    private static ActivationDefinition Applied(LayerShape l, bool fused) =>
        ActivationDefinitions.Of(fused ? ActivationKind.Identity : l.Layer.Activation);

    private static void WriteForwardSummary(IndentedWriter w, LayerShape l, bool fused)
    {
        w.Line($"/// <summary>{Title(l, fused)}, forward, for each of <paramref name=\"rows\"/> examples.</summary>");
        w.Line(fused
            ? "/// <remarks>Writes the logits z: the loss applies the activation (training), Predict applies it (inference).</remarks>"
            : "/// <remarks>Writes the activations a.</remarks>");
    }

    private static void WriteUnrolledForward(IndentedWriter w, LayerShape l, bool fused)
    {
        WriteForwardSummary(w, l, fused);
        var activation = Applied(l, fused);
        using (w.Block($"private static void {l.Forward}({ReadOnlySpan} parameters, {ReadOnlySpan} inputs, {Span} outputs, int rows)"))
        {
            w.Line($"{ReadOnlySpan} W = parameters.Slice({Int(l.Offset)}, {Int(WeightCount(l))}); // [{l.Outputs} × {l.Inputs}], row-major");
            w.Line($"{ReadOnlySpan} b = parameters.Slice({Int(BiasOffset(l))}, {Int(l.Outputs)});");
            using (w.Block("for (int i = 0; i < rows; i++)"))
            {
                w.Line($"{ReadOnlySpan} x = inputs.Slice(i * {Int(l.Inputs)}, {Int(l.Inputs)});");
                string y = fused ? "z" : "a"; // a fused output writes logits
                w.Line($"{Span} {y} = outputs.Slice(i * {Int(l.Outputs)}, {Int(l.Outputs)});");
                // Elementwise activations keep z in locals; the others write z where a goes and work in place.
                bool writesZ = activation.Shape != ActivationShape.Elementwise;
                w.Line(fused ? "// z = W·x + b, the logits" : activation.Shape == ActivationShape.Identity ? "// a = z = W·x + b" : "// z = W·x + b");
                for (int u = 0; u < l.Outputs; u++)
                {
                    string sum = string.Join(" + ", Enumerable.Range(0, l.Inputs).Select(k => $"W[{Int(u * l.Inputs + k)}] * x[{Int(k)}]")) + $" + b[{Int(u)}]";
                    w.Line(writesZ ? $"{y}[{Int(u)}] = {sum};" : $"float z{Int(u)} = {sum};");
                }
                if (activation.Shape == ActivationShape.Identity) return;
                w.Line($"// {activation.Formula}");
                if (activation.Shape == ActivationShape.RowWise)
                {
                    w.Line(activation.SpanForward("a", "a", Int(l.Outputs)));
                    return;
                }
                for (int u = 0; u < l.Outputs; u++)
                    w.Line($"a[{Int(u)}] = {activation.Apply("z" + Int(u))};");
            }
        }
    }

    private static string BackwardSignature(LayerShape l) =>
        $"private static void {l.Backward}({ReadOnlySpan} parameters, {ReadOnlySpan} inputs, {ReadOnlySpan} outputs, {Span} deltas, {Span} gradient"
        + (l.NeedsInputGradient ? $", {Span} inputGradients" : "") + ", int rows)";

    private static void WriteBackwardSummary(IndentedWriter w, LayerShape l, bool fused)
    {
        w.Line($"/// <summary>{Title(l, fused)}, backward.</summary>");
        w.Line("/// <remarks>"
            + (fused ? "Receives δ = dL/dz from the fused loss" : "Receives dL/da in <paramref name=\"deltas\"/> and turns it into δ = dL/dz")
            + "; writes dL/dW and dL/db into <paramref name=\"gradient\"/>"
            + (l.NeedsInputGradient ? " and dL/dx into <paramref name=\"inputGradients\"/> for the layer below" : "")
            + ".</remarks>");
    }

    private static void WriteUnrolledBackward(IndentedWriter w, LayerShape l, bool fused)
    {
        WriteBackwardSummary(w, l, fused);
        var activation = Applied(l, fused);
        using (w.Block(BackwardSignature(l)))
        {
            if (l.NeedsInputGradient)
                w.Line($"{ReadOnlySpan} W = parameters.Slice({Int(l.Offset)}, {Int(WeightCount(l))});");
            w.Line($"{Span} dW = gradient.Slice({Int(l.Offset)}, {Int(WeightCount(l))});");
            w.Line($"{Span} db = gradient.Slice({Int(BiasOffset(l))}, {Int(l.Outputs)});");
            w.Line("dW.Clear();");
            w.Line("db.Clear();");
            using (w.Block("for (int i = 0; i < rows; i++)"))
            {
                w.Line($"{ReadOnlySpan} x = inputs.Slice(i * {Int(l.Inputs)}, {Int(l.Inputs)});");
                if (activation.Shape != ActivationShape.Identity)
                    w.Line($"{ReadOnlySpan} a = outputs.Slice(i * {Int(l.Outputs)}, {Int(l.Outputs)});");
                w.Line($"{Span} d = deltas.Slice(i * {Int(l.Outputs)}, {Int(l.Outputs)});");
                w.Line(fused ? "// δ = dL/dz, given by the loss" : $"// {activation.DerivativeFormula}");
                if (activation.Shape == ActivationShape.RowWise)
                    w.Line(activation.SpanBackward("a", "d", Int(l.Outputs)));
                for (int u = 0; u < l.Outputs; u++)
                    w.Line($"float d{Int(u)} = {activation.Delta(Int(u))};");
                w.Line("// dW += δ·xᵀ");
                for (int u = 0; u < l.Outputs; u++)
                    for (int k = 0; k < l.Inputs; k++)
                        w.Line($"dW[{Int(u * l.Inputs + k)}] += d{Int(u)} * x[{Int(k)}];");
                w.Line("// db += δ");
                for (int u = 0; u < l.Outputs; u++)
                    w.Line($"db[{Int(u)}] += d{Int(u)};");
                if (!l.NeedsInputGradient) return;
                w.Line("// dL/dx = Wᵀ·δ");
                w.Line($"{Span} dx = inputGradients.Slice(i * {Int(l.Inputs)}, {Int(l.Inputs)});");
                for (int k = 0; k < l.Inputs; k++)
                    w.Line($"dx[{Int(k)}] = " + string.Join(" + ", Enumerable.Range(0, l.Outputs).Select(u => $"W[{Int(u * l.Inputs + k)}] * d{Int(u)}")) + ";");
            }
        }
    }

    private static void WriteKernelForward(IndentedWriter w, LayerShape l, bool fused)
    {
        WriteForwardSummary(w, l, fused);
        var activation = Applied(l, fused);
        using (w.Block($"private static void {l.Forward}({ReadOnlySpan} parameters, {ReadOnlySpan} inputs, {Span} outputs, int rows)"))
        {
            string y = fused ? "z" : "a"; // a fused output writes logits
            w.Line($"{Span} {y} = outputs.Slice(0, rows * {Int(l.Outputs)});");
            string arguments = $"(inputs.Slice(0, rows * {Int(l.Inputs)}), parameters.Slice({Int(l.Offset)}, {Int(WeightCount(l))}), "
                + $"parameters.Slice({Int(BiasOffset(l))}, {Int(l.Outputs)}), {y}, rows, {Int(l.Outputs)}, {Int(l.Inputs)});";
            if (activation.FusedProduct is { } product)
            {
                // The activation applied by the product as it stores a: one pass over the outputs, not three.
                w.Line($"// z = x·Wᵀ + b, all rows at once: [rows × {l.Inputs}]·[{l.Inputs} × {l.Outputs}] + b; {activation.Formula}, applied as the product stores it");
                w.Line(product + arguments);
                return;
            }
            w.Line($"// z = x·Wᵀ + b, all rows at once: [rows × {l.Inputs}]·[{l.Inputs} × {l.Outputs}] + b" + (fused ? ", the logits" : ""));
            w.Line("global::NetDsl.Runtime.Kernels.MultiplyTransposed" + arguments);
            if (activation.Shape == ActivationShape.Identity) return;
            w.Line($"// {activation.Formula}");
            w.Line(activation.SpanForward("a", "a", Int(l.Outputs)));
        }
    }

    private static void WriteKernelBackward(IndentedWriter w, LayerShape l, bool fused)
    {
        WriteBackwardSummary(w, l, fused);
        var activation = Applied(l, fused);
        bool identity = activation.Shape == ActivationShape.Identity;
        using (w.Block(BackwardSignature(l)))
        {
            w.Line($"{Span} d = deltas.Slice(0, rows * {Int(l.Outputs)});");
            if (!identity)
            {
                w.Line($"// {activation.DerivativeFormula}");
                w.Line(activation.SpanBackward($"outputs.Slice(0, rows * {Int(l.Outputs)})", "d", Int(l.Outputs)));
            }
            if (fused) w.Line("// δ = dL/dz came from the loss.");
            else if (identity) w.Line("// δ = dL/da (identity).");
            w.Line("// The weight gradients, unless the caller takes them itself (a trainer summing them over a batch's shards passes none)");
            using (w.Block("if (!gradient.IsEmpty)"))
            {
                w.Line($"// dW = δᵀ·x: [{l.Outputs} × rows]·[rows × {l.Inputs}]");
                w.Line($"global::NetDsl.Runtime.Kernels.TransposedMultiply(d, inputs.Slice(0, rows * {Int(l.Inputs)}), gradient.Slice({Int(l.Offset)}, {Int(WeightCount(l))}), {Int(l.Outputs)}, {Int(l.Inputs)}, rows);");
                w.Line("// db = Σ over the rows of δ");
                w.Line($"global::NetDsl.Runtime.Kernels.SumRows(d, gradient.Slice({Int(BiasOffset(l))}, {Int(l.Outputs)}), rows, {Int(l.Outputs)});");
            }
            if (!l.NeedsInputGradient) return;
            w.Line($"// dL/dx = δ·W: [rows × {l.Outputs}]·[{l.Outputs} × {l.Inputs}]");
            w.Line($"global::NetDsl.Runtime.Kernels.Multiply(d, parameters.Slice({Int(l.Offset)}, {Int(WeightCount(l))}), inputGradients.Slice(0, rows * {Int(l.Inputs)}), rows, {Int(l.Inputs)}, {Int(l.Outputs)});");
        }
    }
}
