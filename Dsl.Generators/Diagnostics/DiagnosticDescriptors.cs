using System.Linq;
using Microsoft.CodeAnalysis;

namespace NetDsl.Generators.Diagnostics;

/// <summary>Every diagnostic NetDsl reports. Ids are in order and never reused.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "NetDsl";

    /// <summary>Each id's page: what it means, a wrong example and a right one (docs/diagnostics/NDSL0xx.md).</summary>
    public static string HelpLink(string id) => $"https://github.com/netdsl/netdsl/blob/main/docs/diagnostics/{id}.md";

    // Not configurable: an error cannot be silenced (#pragma, NoWarn, editorconfig), since a network
    // with one gets no code, and silencing it would leave the user with neither code nor explanation.
    private static DiagnosticDescriptor Error(string id, string title, string message, string description) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
            description, HelpLink(id), WellKnownDiagnosticTags.NotConfigurable);

    public static readonly DiagnosticDescriptor NotPartial = Error("NDSL001",
        "Network type must be partial",
        "'{0}' must be declared partial so NetDsl can generate network '{1}'",
        "NetDsl writes a network's code into the class from a file of its own, which C# allows only for a partial class; every type containing the network must be partial too.");

    public static readonly DiagnosticDescriptor NoLayers = Error("NDSL002",
        "Network has no dense layer",
        "Network '{0}' declares no [Dense] layer; add at least one, e.g. [Dense(1, Activation.Sigmoid)] public partial Layer Output {{ get; }}",
        "A network needs at least one [Dense] layer: the last layer, which produces the network's outputs, is a dense one.");

    public static readonly DiagnosticDescriptor InputsNotPositive = Error("NDSL003",
        "Network inputs must be positive",
        "Network '{0}' has Inputs = {1}; set [Network(Inputs = n)] to the number of input features, at least 1",
        "[Network(Inputs = n)] is the number of features of each example, the width of an input row and the fan-in of the first layer; it has no default.");

    public static readonly DiagnosticDescriptor UnitsNotPositive = Error("NDSL004",
        "Dense layer units must be positive",
        "Layer '{0}' has {1} units; a dense layer needs at least 1 unit",
        "The units of a dense layer are the values it computes for each example, the rows of its weight matrix; there must be at least one.");

    public static readonly DiagnosticDescriptor InvalidLayerMember = Error("NDSL005",
        "Layer member must be a partial property of type Layer",
        "Layer '{0}' {1}; {2}",
        "A layer is a partial, get-only instance property of type Layer, which NetDsl implements: not static, settable, an indexer, virtual, implemented by hand, nor both [Dense] and [Dropout].");

    public static readonly DiagnosticDescriptor UndefinedEnumValue = Error("NDSL006",
        "Undefined enum value",
        "'{0}' on '{1}' is not a defined {2} value; use one of: {3}",
        "An Activation, Loss or Initializer cast from a number that names none of its members has no code NetDsl could generate.");

    public static readonly DiagnosticDescriptor ParameterCountOverflow = Error("NDSL007",
        "Too many parameters",
        "Network '{0}' would have {1} parameters; at most 2147483647 fit in one buffer",
        "All weights and biases live in one float array, which holds at most 2,147,483,647 values; a dense layer has (inputs + 1) × units.");

    public static readonly DiagnosticDescriptor OutputDoesNotFitLoss = Error("NDSL008",
        "Output layer does not fit the loss",
        "{0} needs {1}, but output layer '{2}' has {3}",
        "The cross-entropies are fused with their output activation: binary cross-entropy needs a sigmoid output layer, categorical cross-entropy a softmax one with at least 2 units.");

    public static readonly DiagnosticDescriptor SoftmaxWithMeanSquaredError = new("NDSL009",
        "Softmax output trained with mean squared error",
        "Output layer '{0}' is a softmax trained with mean squared error; this works but learns slowly. Categorical cross-entropy is the usual loss for a softmax classifier.",
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        "Mean squared error on softmax outputs trains, but learns slowly once the outputs saturate; categorical cross-entropy is the usual loss for a softmax classifier. The one NetDsl diagnostic that can be silenced.", HelpLink("NDSL009"));

    public static readonly DiagnosticDescriptor LayerOutsideNetwork = Error("NDSL010",
        "Layer outside a network",
        "'{0}' is marked [{1}], but '{2}' has no [Network] attribute; add [Network(Inputs = n)] to '{2}'",
        "[Dense] and [Dropout] declare the layers of a network; NetDsl generates them only as part of one, so the class holding them needs [Network].");

    public static readonly DiagnosticDescriptor LayersSplitAcrossDeclarations = Error("NDSL011",
        "Layers split across partial declarations",
        "Layer '{0}' of network '{1}' is in a different partial declaration from layer '{2}'; declare all layers in one declaration so their order is defined",
        "Layers run in declaration order, which is defined only within one declaration of a partial class.");

    public static readonly DiagnosticDescriptor MemberClash = Error("NDSL012",
        "Member clashes with a generated member",
        "'{0}' clashes with {2} NetDsl generates on network '{1}'; {3}",
        "NetDsl generates members on every network (Predict, Fit, Parameters, the (int seed) constructor, a Forward and a Backward method per layer…); a member with one of those names, declared or inherited, would clash with it or be hidden by it.");

    public static readonly DiagnosticDescriptor UnsupportedNetworkType = Error("NDSL013",
        "Unsupported network type",
        "Network '{0}' is {1}; a network must be a non-generic, non-static partial class",
        "A network is a non-generic, non-static partial class that a generated file can reopen: not a record, a struct, file-local, or nested in a file-local type.");

    public static readonly DiagnosticDescriptor DropoutRateOutOfRange = Error("NDSL014",
        "Dropout rate out of range",
        "Dropout layer '{0}' has rate {1}; the rate must be in [0, 1)",
        "Dropout drops each unit with probability rate while training and scales the kept ones by 1 / (1 − rate), so the rate must be at least 0 and below 1.");

    public static readonly DiagnosticDescriptor DropoutLast = Error("NDSL015",
        "Dropout cannot be the output layer",
        "Dropout layer '{0}' is the last layer; put it between dense layers so a dense layer produces the output",
        "Dropout is active in training only; the network's output, which the loss reads, must come from a dense layer.");

    public static readonly DiagnosticDescriptor NoParameterlessBaseConstructor = Error("NDSL016",
        "Base type has no parameterless constructor",
        "Network '{0}' derives from '{1}', which has no parameterless constructor it can call; the generated constructor {0}(int seed) needs one",
        "The generated (int seed) constructor calls the base type's parameterless constructor, which must exist and be accessible.");

    public static readonly DiagnosticDescriptor PrimaryConstructorWithParameters = Error("NDSL017",
        "Network has a primary constructor with parameters",
        "Network '{0}' has a primary constructor taking ({1}), which the generated constructor {0}(int seed) must call but has no arguments for; declare an ordinary constructor instead, e.g. public {0}({1}) : this(seed: 0) {{ … }}",
        "In a class with a primary constructor, the generated (int seed) constructor must call it, and cannot invent arguments for its parameters; one without required parameters it calls.");

    public static readonly DiagnosticDescriptor[] All =
    [
        NotPartial, NoLayers, InputsNotPositive, UnitsNotPositive, InvalidLayerMember, UndefinedEnumValue,
        ParameterCountOverflow, OutputDoesNotFitLoss, SoftmaxWithMeanSquaredError, LayerOutsideNetwork,
        LayersSplitAcrossDeclarations, MemberClash, UnsupportedNetworkType, DropoutRateOutOfRange, DropoutLast,
        NoParameterlessBaseConstructor, PrimaryConstructorWithParameters,
    ];

    public static DiagnosticDescriptor ById(string id) => All.First(d => d.Id == id);
}
