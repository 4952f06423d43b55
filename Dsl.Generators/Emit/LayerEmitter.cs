using System.Linq;
using NetDsl.Generators.Model;
using static NetDsl.Generators.Emit.Formatting;

namespace NetDsl.Generators.Emit;

/// <summary>
/// Writes one forward and one backward method per layer: straight-line arithmetic for small dense
/// layers, calls to the runtime's SIMD kernels with constant sizes for large ones, and inverted
/// dropout. Each block carries its maths in a comment.
/// </summary>
internal static class LayerEmitter
{
    public static void Write(IndentedWriter w, LayerShape layer, bool fusedOutput)
    {
        if (!layer.IsDense)
        {
            WriteDropout(w, layer);
            return;
        }
        bool fused = layer.IsOutput && fusedOutput;
        if (layer.Unrolled)
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
        $"{l.Name}: dense {l.Inputs} → {l.Outputs}, {Describe(l.Layer.Activation)}" + (fused ? " (fused into the loss)" : "");

    private static void WriteForwardSignature(IndentedWriter w, LayerShape l, bool fused)
    {
        w.Line($"/// <summary>{Title(l, fused)}, forward, for each of <paramref name=\"rows\"/> examples.</summary>");
        w.Line(fused
            ? "/// <remarks>Writes the logits z: the loss applies the activation (training), Predict applies it (inference).</remarks>"
            : "/// <remarks>Writes the activations a.</remarks>");
    }

    private static void WriteUnrolledForward(IndentedWriter w, LayerShape l, bool fused)
    {
        WriteForwardSignature(w, l, fused);
        using (w.Block($"private static void {l.Name.Forward()}({ReadOnlySpan} parameters, {ReadOnlySpan} inputs, {Span} outputs, int rows)"))
        {
            w.Line($"{ReadOnlySpan} W = parameters.Slice({Int(l.Offset)}, {Int(l.WeightCount)}); // [{l.Outputs} × {l.Inputs}], row-major");
            w.Line($"{ReadOnlySpan} b = parameters.Slice({Int(l.BiasOffset)}, {Int(l.Outputs)});");
            using (w.Block("for (int i = 0; i < rows; i++)"))
            {
                w.Line($"{ReadOnlySpan} x = inputs.Slice(i * {Int(l.Inputs)}, {Int(l.Inputs)});");
                string y = fused ? "z" : "a"; // a fused output writes logits
                w.Line($"{Span} {y} = outputs.Slice(i * {Int(l.Outputs)}, {Int(l.Outputs)});");
                var activation = l.Layer.Activation;
                bool writesZ = fused || activation is ActivationKind.Identity or ActivationKind.Softmax;
                w.Line(fused ? "// z = W·x + b, the logits" : writesZ && activation == ActivationKind.Identity ? "// a = z = W·x + b" : "// z = W·x + b");
                for (int u = 0; u < l.Outputs; u++)
                {
                    string sum = string.Join(" + ", Enumerable.Range(0, l.Inputs).Select(k => $"W[{Int(u * l.Inputs + k)}] * x[{Int(k)}]")) + $" + b[{Int(u)}]";
                    w.Line(writesZ ? $"{y}[{Int(u)}] = {sum};" : $"float z{Int(u)} = {sum};");
                }
                if (fused || activation == ActivationKind.Identity) return;
                w.Line($"// {Formula(activation)}");
                if (activation == ActivationKind.Softmax)
                {
                    w.Line($"global::NetDsl.Activations.Softmax(a, a, {Int(l.Outputs)});");
                    return;
                }
                for (int u = 0; u < l.Outputs; u++)
                    w.Line($"a[{Int(u)}] = {ScalarActivation(activation, "z" + Int(u))};");
            }
        }
    }

    private static string ScalarActivation(ActivationKind activation, string z) => activation switch
    {
        ActivationKind.Sigmoid => $"1f / (1f + global::System.MathF.Exp(-{z}))",
        ActivationKind.Tanh => $"global::System.MathF.Tanh({z})",
        ActivationKind.ReLU => $"global::System.MathF.Max(0f, {z})",
        _ => z,
    };

    private static string BackwardSignature(LayerShape l) =>
        $"private static void {l.Name.Backward()}({ReadOnlySpan} parameters, {ReadOnlySpan} inputs, {ReadOnlySpan} outputs, {Span} deltas, {Span} gradient"
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
        var activation = fused ? ActivationKind.Identity : l.Layer.Activation;
        using (w.Block(BackwardSignature(l)))
        {
            if (l.NeedsInputGradient)
                w.Line($"{ReadOnlySpan} W = parameters.Slice({Int(l.Offset)}, {Int(l.WeightCount)});");
            w.Line($"{Span} dW = gradient.Slice({Int(l.Offset)}, {Int(l.WeightCount)});");
            w.Line($"{Span} db = gradient.Slice({Int(l.BiasOffset)}, {Int(l.Outputs)});");
            w.Line("dW.Clear();");
            w.Line("db.Clear();");
            using (w.Block("for (int i = 0; i < rows; i++)"))
            {
                w.Line($"{ReadOnlySpan} x = inputs.Slice(i * {Int(l.Inputs)}, {Int(l.Inputs)});");
                if (activation != ActivationKind.Identity)
                    w.Line($"{ReadOnlySpan} a = outputs.Slice(i * {Int(l.Outputs)}, {Int(l.Outputs)});");
                w.Line($"{Span} d = deltas.Slice(i * {Int(l.Outputs)}, {Int(l.Outputs)});");
                w.Line(fused ? "// δ = dL/dz, given by the loss" : $"// {DerivativeFormula(activation)}");
                if (activation == ActivationKind.Softmax)
                    w.Line($"global::NetDsl.Activations.SoftmaxBackward(a, d, {Int(l.Outputs)});");
                for (int u = 0; u < l.Outputs; u++)
                {
                    string i = Int(u);
                    w.Line(activation switch
                    {
                        ActivationKind.Sigmoid => $"float d{i} = d[{i}] * a[{i}] * (1f - a[{i}]);",
                        ActivationKind.Tanh => $"float d{i} = d[{i}] * (1f - a[{i}] * a[{i}]);",
                        ActivationKind.ReLU => $"float d{i} = a[{i}] > 0f ? d[{i}] : 0f;",
                        _ => $"float d{i} = d[{i}];",
                    });
                }
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
        WriteForwardSignature(w, l, fused);
        using (w.Block($"private static void {l.Name.Forward()}({ReadOnlySpan} parameters, {ReadOnlySpan} inputs, {Span} outputs, int rows)"))
        {
            string y = fused ? "z" : "a"; // a fused output writes logits
            w.Line($"{Span} {y} = outputs.Slice(0, rows * {Int(l.Outputs)});");
            w.Line($"// z = x·Wᵀ + b, all rows at once: [rows × {l.Inputs}]·[{l.Inputs} × {l.Outputs}] + b" + (fused ? ", the logits" : ""));
            w.Line($"global::NetDsl.Kernels.MultiplyTransposed(inputs.Slice(0, rows * {Int(l.Inputs)}), parameters.Slice({Int(l.Offset)}, {Int(l.WeightCount)}), "
                + $"parameters.Slice({Int(l.BiasOffset)}, {Int(l.Outputs)}), {y}, rows, {Int(l.Outputs)}, {Int(l.Inputs)});");
            var activation = l.Layer.Activation;
            if (fused || activation == ActivationKind.Identity) return;
            w.Line($"// {Formula(activation)}");
            w.Line(activation == ActivationKind.Softmax
                ? $"global::NetDsl.Activations.Softmax(a, a, {Int(l.Outputs)});"
                : $"global::NetDsl.Activations.{activation}(a, a);");
        }
    }

    private static void WriteKernelBackward(IndentedWriter w, LayerShape l, bool fused)
    {
        WriteBackwardSummary(w, l, fused);
        var activation = fused ? ActivationKind.Identity : l.Layer.Activation;
        using (w.Block(BackwardSignature(l)))
        {
            w.Line($"{Span} d = deltas.Slice(0, rows * {Int(l.Outputs)});");
            if (!fused && activation != ActivationKind.Identity) w.Line($"// {DerivativeFormula(activation)}");
            if (activation == ActivationKind.Softmax)
                w.Line($"global::NetDsl.Activations.SoftmaxBackward(outputs.Slice(0, rows * {Int(l.Outputs)}), d, {Int(l.Outputs)});");
            else if (activation != ActivationKind.Identity)
                w.Line($"global::NetDsl.Activations.{activation}Backward(outputs.Slice(0, rows * {Int(l.Outputs)}), d);");
            w.Line((fused ? "// δ = dL/dz came from the loss. " : activation == ActivationKind.Identity ? "// δ = dL/da (identity). " : "// ")
                + $"dW = δᵀ·x: [{l.Outputs} × rows]·[rows × {l.Inputs}]");
            w.Line($"global::NetDsl.Kernels.TransposedMultiply(d, inputs.Slice(0, rows * {Int(l.Inputs)}), gradient.Slice({Int(l.Offset)}, {Int(l.WeightCount)}), {Int(l.Outputs)}, {Int(l.Inputs)}, rows);");
            w.Line("// db = Σ over the rows of δ");
            w.Line($"global::NetDsl.Kernels.SumRows(d, gradient.Slice({Int(l.BiasOffset)}, {Int(l.Outputs)}), rows, {Int(l.Outputs)});");
            if (!l.NeedsInputGradient) return;
            w.Line($"// dL/dx = δ·W: [rows × {l.Outputs}]·[{l.Outputs} × {l.Inputs}]");
            w.Line($"global::NetDsl.Kernels.Multiply(d, parameters.Slice({Int(l.Offset)}, {Int(l.WeightCount)}), inputGradients.Slice(0, rows * {Int(l.Inputs)}), rows, {Int(l.Inputs)}, {Int(l.Outputs)});");
        }
    }

    private static void WriteDropout(IndentedWriter w, LayerShape l)
    {
        string rate = Float(l.Layer.DropoutRate);
        w.Line($"/// <summary>{l.Name}: inverted dropout at rate {rate.TrimEnd('f')} over {l.Outputs} units, forward while training (Predict and Evaluate skip it).</summary>");
        using (w.Block($"private static void {l.Name.Forward()}({ReadOnlySpan} inputs, {Span} outputs, {Span} mask, int rows, global::NetDsl.DropoutStream dropout)"))
        {
            w.Line($"int n = rows * {Int(l.Outputs)};");
            w.Line($"// m = 0 with probability p = {rate.TrimEnd('f')}, else 1 / (1 − p), so E[a] = x");
            w.Line($"dropout.Fill(mask, {Int(l.Index)}, rows, {Int(l.Outputs)}, {rate});");
            w.Line("// a = x ⊙ m");
            w.Line("global::System.Numerics.Tensors.TensorPrimitives.Multiply(inputs.Slice(0, n), mask.Slice(0, n), outputs.Slice(0, n));");
        }
        if (!l.NeedsInputGradient) return;
        w.Line();
        w.Line($"/// <summary>{l.Name}: inverted dropout, backward: the gradient flows through the kept units only.</summary>");
        using (w.Block($"private static void {l.Name.Backward()}({ReadOnlySpan} mask, {ReadOnlySpan} deltas, {Span} inputGradients, int rows)"))
        {
            w.Line($"int n = rows * {Int(l.Outputs)};");
            w.Line("// dL/dx = dL/da ⊙ m");
            w.Line("global::System.Numerics.Tensors.TensorPrimitives.Multiply(deltas.Slice(0, n), mask.Slice(0, n), inputGradients.Slice(0, n));");
        }
    }
}

internal static class LayerNames
{
    public static string Forward(this string layer) => Parse.KnownNames.Forward(layer);

    public static string Backward(this string layer) => Parse.KnownNames.Backward(layer);
}
