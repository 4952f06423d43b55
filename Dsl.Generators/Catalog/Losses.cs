using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Generators.Model;

namespace NetDsl.Generators.Catalog;

/// <summary>
/// One loss: everything the generator writes or checks for it. Its names in prose, how it reduces,
/// the output activation it fuses with (and so needs: NDSL008), the runtime function that computes
/// it and its gradient, and the formula in the comment above that call. Adding a loss is adding one
/// of these to <see cref="LossDefinitions.All"/> (and the runtime's enum value and function: see
/// docs/extending.md).
/// </summary>
internal sealed class LossDefinition
{
    public LossDefinition(LossKind kind, string name)
    {
        Kind = kind;
        Name = name;
    }

    public LossKind Kind { get; }

    /// <summary>As prose writes it: "binary cross-entropy".</summary>
    public string Name { get; }

    /// <summary>The mean the generated LossAndGradient returns, in prose: "mean binary cross-entropy".</summary>
    public string MeanName { get; init; } = "";

    /// <summary>How the loss is reduced over a batch, for the documentation of LossAndGradient.</summary>
    public string Reduction { get; init; } = "";

    /// <summary>What the targets must be beyond their shape, appended to their documentation (", one-hot"), or empty.</summary>
    public string TargetsNote { get; init; } = "";

    /// <summary>
    /// The output activation the loss is fused with: the output layer writes logits, the loss function
    /// applies the activation and writes δ = dL/dz, and Predict applies it at the end. The output layer
    /// must have it (NDSL008). Null when the loss reads the output layer's activations as they are.
    /// </summary>
    public ActivationKind? FusedActivation { get; init; }

    /// <summary>The fewest output units the loss works with (NDSL008).</summary>
    public int MinimumUnits { get; init; } = 1;

    /// <summary>The runtime function: <c>(outputs, targets[, classes], scale, delta)</c>, returning scale · Σ loss.</summary>
    public string Function { get; init; } = "";

    /// <summary>Whether <see cref="Function"/> takes the row width (the class count) after the targets.</summary>
    public bool TakesWidth { get; init; }

    /// <summary>The loss and its gradient as the comment above the call writes them.</summary>
    public string Formula { get; init; } = "";

    /// <summary>Whether the output activation is fused into the loss.</summary>
    public bool IsFused => FusedActivation is not null;

    /// <summary>The call computing the loss of <paramref name="outputs"/> and writing δ into <paramref name="deltas"/>.</summary>
    public string Call(string outputs, string targets, string width, string scale, string deltas) =>
        $"{Function}({outputs}, {targets}, " + (TakesWidth ? width + ", " : "") + $"{scale}, {deltas})";

    /// <summary>What NDSL008 says the output layer needs: "a Sigmoid output", "a Softmax output with at least 2 units".</summary>
    public string Requirement => FusedActivation is { } activation
        ? Article(activation.ToString()) + " output" + (MinimumUnits > 1 ? $" with at least {MinimumUnits} units" : "")
        : "any output";

    /// <summary>"a Sigmoid", "an Identity": the article for a name.</summary>
    public static string Article(string name) => ("AEIOUaeiou".IndexOf(name[0]) >= 0 ? "an " : "a ") + name;
}

/// <summary>Every loss the generator knows, one entry each, in the order of <see cref="LossKind"/>.</summary>
internal static class LossDefinitions
{
    private const string Runtime = "global::NetDsl.Runtime.Losses.";

    public static readonly IReadOnlyList<LossDefinition> All =
    [
        new(LossKind.MeanSquaredError, "mean squared error")
        {
            MeanName = "mean squared error", // not "mean mean squared error"
            Reduction = "averaged over every output of every example",
            Function = Runtime + "MeanSquaredError",
            Formula = "L = scale·Σ (ŷ − y)², and dL/dŷ = 2·scale·(ŷ − y)",
        },
        new(LossKind.BinaryCrossEntropy, "binary cross-entropy")
        {
            MeanName = "mean binary cross-entropy",
            Reduction = "averaged over every output of every example",
            FusedActivation = ActivationKind.Sigmoid,
            Function = Runtime + "BinaryCrossEntropyWithLogits",
            Formula = "L = scale·Σ −[y·log σ(z) + (1 − y)·log(1 − σ(z))], and δ = scale·(σ(z) − y)",
        },
        new(LossKind.CategoricalCrossEntropy, "categorical cross-entropy")
        {
            MeanName = "mean categorical cross-entropy",
            Reduction = "summed over classes and averaged over the batch",
            TargetsNote = ", one-hot",
            FusedActivation = ActivationKind.Softmax,
            MinimumUnits = 2,
            Function = Runtime + "CategoricalCrossEntropyWithLogits",
            TakesWidth = true,
            Formula = "L = scale·Σ −y·log softmax(z), and δ = scale·(softmax(z) − y)",
        },
    ];

    private static readonly Dictionary<LossKind, LossDefinition> ByKind = All.ToDictionary(l => l.Kind);

    /// <summary>The definition of <paramref name="kind"/>; an undefined value is an internal error (the parser reports NDSL006 for it).</summary>
    public static LossDefinition Of(LossKind kind) =>
        ByKind.TryGetValue(kind, out var definition) ? definition : throw new InvalidOperationException($"Unknown loss {kind}");
}
