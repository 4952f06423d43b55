using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Generators.Model;

namespace NetDsl.Generators.Catalog;

/// <summary>How an activation is applied to a layer's pre-activations z.</summary>
internal enum ActivationShape
{
    /// <summary>Not at all: a = z, and δ = dL/da.</summary>
    Identity,

    /// <summary>Value by value: unrolled layers write it as a scalar expression per unit; larger ones call its span function.</summary>
    Elementwise,

    /// <summary>To each example's row of values at once (softmax): always through its span functions, which take the row width.</summary>
    RowWise,
}

/// <summary>
/// One activation: everything the generator writes for it. Its prose name, the formulas in the
/// comments above its blocks, the code it emits forward and backward in unrolled layers, and the
/// runtime span functions (<c>NetDsl.Activations</c>) that kernel-sized layers call. Adding an
/// activation is adding one of these to <see cref="ActivationDefinitions.All"/> (and the runtime's
/// enum value and span functions: see docs/extending.md).
/// </summary>
internal sealed class ActivationDefinition
{
    public ActivationDefinition(ActivationKind kind, string name, ActivationShape shape)
    {
        Kind = kind;
        Name = name;
        Shape = shape;
    }

    public ActivationKind Kind { get; }

    /// <summary>As prose writes it: "sigmoid", "ReLU".</summary>
    public string Name { get; }

    public ActivationShape Shape { get; }

    /// <summary>The forward comment: <c>a = σ(z) = 1 / (1 + e^−z)</c>.</summary>
    public string Formula { get; init; } = "";

    /// <summary>The comment where Predict applies it to a network's output, when the loss fuses it in training: <c>ŷ = σ(z) = …</c>.</summary>
    public string OutputFormula { get; init; } = "";

    /// <summary>The backward comment: how δ = dL/dz follows from dL/da and the activation's output a.</summary>
    public string DerivativeFormula { get; init; } = "";

    /// <summary>Elementwise: a from z, as a C# expression (z is an expression too).</summary>
    public Func<string, string>? Scalar { get; init; }

    /// <summary>Elementwise: δᵢ as a C# expression of <c>d[i]</c> (dL/da) and <c>a[i]</c>, given the index i as a literal.</summary>
    public Func<string, string>? ScalarDerivative { get; init; }

    /// <summary>The runtime's span function, <c>(ReadOnlySpan&lt;float&gt; z, Span&lt;float&gt; a[, int width])</c>; null for the identity.</summary>
    public string? SpanFunction { get; init; }

    /// <summary>The runtime's span derivative, <c>(ReadOnlySpan&lt;float&gt; a, Span&lt;float&gt; delta[, int width])</c>, turning dL/da into δ in place; null for the identity.</summary>
    public string? SpanDerivative { get; init; }

    /// <summary>
    /// The runtime's product that applies this activation as it stores its result, with the bias:
    /// a = f(x·Wᵀ + b) in one call with <c>Kernels.MultiplyTransposed</c>'s arguments; null where the activation is a pass of its own.
    /// </summary>
    public string? FusedProduct { get; init; }

    /// <summary>Elementwise: the statement-free expression of a from <paramref name="z"/>.</summary>
    public string Apply(string z) => (Scalar ?? throw Missing(nameof(Scalar)))(z);

    /// <summary>δᵢ in an unrolled backward pass, after <see cref="SpanBackward"/> has run for a row-wise activation.</summary>
    public string Delta(string i) => Shape == ActivationShape.Elementwise
        ? (ScalarDerivative ?? throw Missing(nameof(ScalarDerivative)))(i)
        : $"d[{i}]";

    /// <summary>The call that applies the activation to the span <paramref name="z"/>, writing <paramref name="a"/>; rows of <paramref name="width"/> values.</summary>
    public string SpanForward(string z, string a, string width) =>
        (SpanFunction ?? throw Missing(nameof(SpanFunction))) + (Shape == ActivationShape.RowWise ? $"({z}, {a}, {width});" : $"({z}, {a});");

    /// <summary>The call that turns dL/da in <paramref name="delta"/> into δ in place, from the outputs <paramref name="a"/>.</summary>
    public string SpanBackward(string a, string delta, string width) =>
        (SpanDerivative ?? throw Missing(nameof(SpanDerivative))) + (Shape == ActivationShape.RowWise ? $"({a}, {delta}, {width});" : $"({a}, {delta});");

    private InvalidOperationException Missing(string what) => new($"Activation {Kind} ({Shape}) has no {what}.");
}

/// <summary>Every activation the generator knows, one entry each, in the order of <see cref="ActivationKind"/>.</summary>
internal static class ActivationDefinitions
{
    private const string Runtime = "global::NetDsl.Runtime.Activations.";

    public static readonly IReadOnlyList<ActivationDefinition> All =
    [
        new(ActivationKind.Identity, "identity", ActivationShape.Identity)
        {
            Formula = "a = z",
            OutputFormula = "ŷ = z",
            DerivativeFormula = "δ = dL/da (identity: f'(z) = 1)",
        },
        new(ActivationKind.Sigmoid, "sigmoid", ActivationShape.Elementwise)
        {
            Formula = "a = σ(z) = 1 / (1 + e^−z)",
            OutputFormula = "ŷ = σ(z) = 1 / (1 + e^−z)",
            DerivativeFormula = "δ = dL/da ⊙ σ'(z), σ'(z) = a·(1 − a)",
            Scalar = z => $"1f / (1f + global::System.MathF.Exp(-{z}))",
            ScalarDerivative = i => $"d[{i}] * a[{i}] * (1f - a[{i}])",
            SpanFunction = Runtime + "Sigmoid",
            SpanDerivative = Runtime + "SigmoidBackward",
        },
        new(ActivationKind.Tanh, "tanh", ActivationShape.Elementwise)
        {
            Formula = "a = tanh(z)",
            OutputFormula = "ŷ = tanh(z)",
            DerivativeFormula = "δ = dL/da ⊙ tanh'(z), tanh'(z) = 1 − a²",
            Scalar = z => $"global::System.MathF.Tanh({z})",
            ScalarDerivative = i => $"d[{i}] * (1f - a[{i}] * a[{i}])",
            SpanFunction = Runtime + "Tanh",
            SpanDerivative = Runtime + "TanhBackward",
        },
        new(ActivationKind.Relu, "ReLU", ActivationShape.Elementwise)
        {
            Formula = "a = max(0, z)",
            OutputFormula = "ŷ = max(0, z)",
            DerivativeFormula = "δ = dL/da ⊙ relu'(z), relu'(z) = 1 where a > 0, else 0",
            Scalar = z => $"global::System.MathF.Max(0f, {z})",
            ScalarDerivative = i => $"a[{i}] > 0f ? d[{i}] : 0f",
            SpanFunction = Runtime + "Relu",
            SpanDerivative = Runtime + "ReluBackward",
            FusedProduct = "global::NetDsl.Runtime.Kernels.MultiplyTransposedRelu",
        },
        new(ActivationKind.Softmax, "softmax", ActivationShape.RowWise)
        {
            Formula = "a = softmax(z), aᵢ = e^zᵢ / Σⱼ e^zⱼ",
            OutputFormula = "ŷ = softmax(z)",
            DerivativeFormula = "δ = J_softmax·dL/da, δᵢ = aᵢ·(dL/daᵢ − Σⱼ dL/daⱼ·aⱼ)",
            SpanFunction = Runtime + "Softmax",
            SpanDerivative = Runtime + "SoftmaxBackward",
        },
    ];

    private static readonly Dictionary<ActivationKind, ActivationDefinition> ByKind = All.ToDictionary(a => a.Kind);

    /// <summary>The definition of <paramref name="kind"/>; an undefined value is an internal error (the parser reports NDSL006 for it).</summary>
    public static ActivationDefinition Of(ActivationKind kind) =>
        ByKind.TryGetValue(kind, out var definition) ? definition : throw new InvalidOperationException($"Unknown activation {kind}");
}
