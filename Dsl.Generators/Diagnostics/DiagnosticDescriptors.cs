using System.Linq;
using Microsoft.CodeAnalysis;

namespace NetDsl.Generators.Diagnostics;

/// <summary>Every diagnostic NetDsl reports. Ids are in order and never reused.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "NetDsl";

    // Not configurable: an error cannot be silenced (#pragma, NoWarn, editorconfig), since a network
    // with one gets no code, and silencing it would leave the user with neither code nor explanation.
    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
            customTags: WellKnownDiagnosticTags.NotConfigurable);

    public static readonly DiagnosticDescriptor NotPartial = Error("NDSL001",
        "Network type must be partial",
        "'{0}' must be declared partial so NetDsl can generate network '{1}'");

    public static readonly DiagnosticDescriptor NoLayers = Error("NDSL002",
        "Network has no dense layer",
        "Network '{0}' declares no [Dense] layer; add at least one, e.g. [Dense(1, Activation.Sigmoid)] public partial Layer Output {{ get; }}");

    public static readonly DiagnosticDescriptor InputsNotPositive = Error("NDSL003",
        "Network inputs must be positive",
        "Network '{0}' has Inputs = {1}; set [Network(Inputs = n)] to the number of input features, at least 1");

    public static readonly DiagnosticDescriptor UnitsNotPositive = Error("NDSL004",
        "Dense layer units must be positive",
        "Layer '{0}' has {1} units; a dense layer needs at least 1 unit");

    public static readonly DiagnosticDescriptor InvalidLayerMember = Error("NDSL005",
        "Layer member must be a partial property of type Layer",
        "Layer '{0}' {1}; {2}");

    public static readonly DiagnosticDescriptor UndefinedEnumValue = Error("NDSL006",
        "Undefined enum value",
        "'{0}' on '{1}' is not a defined {2} value; use one of: {3}");

    public static readonly DiagnosticDescriptor ParameterCountOverflow = Error("NDSL007",
        "Too many parameters",
        "Network '{0}' would have {1} parameters; at most 2147483647 fit in one buffer");

    public static readonly DiagnosticDescriptor OutputDoesNotFitLoss = Error("NDSL008",
        "Output layer does not fit the loss",
        "{0} needs {1}, but output layer '{2}' has {3}");

    public static readonly DiagnosticDescriptor SoftmaxWithMeanSquaredError = new("NDSL009",
        "Softmax output trained with mean squared error",
        "Output layer '{0}' is a softmax trained with mean squared error; this works but learns slowly. Categorical cross-entropy is the usual loss for a softmax classifier.",
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor LayerOutsideNetwork = Error("NDSL010",
        "Layer outside a network",
        "'{0}' is marked [{1}], but '{2}' has no [Network] attribute; add [Network(Inputs = n)] to '{2}'");

    public static readonly DiagnosticDescriptor LayersSplitAcrossDeclarations = Error("NDSL011",
        "Layers split across partial declarations",
        "Layer '{0}' of network '{1}' is in a different partial declaration from layer '{2}'; declare all layers in one declaration so their order is defined");

    public static readonly DiagnosticDescriptor MemberClash = Error("NDSL012",
        "Member clashes with a generated member",
        "'{0}' clashes with {2} NetDsl generates on network '{1}'; {3}");

    public static readonly DiagnosticDescriptor UnsupportedNetworkType = Error("NDSL013",
        "Unsupported network type",
        "Network '{0}' is {1}; a network must be a non-generic, non-static partial class");

    public static readonly DiagnosticDescriptor DropoutRateOutOfRange = Error("NDSL014",
        "Dropout rate out of range",
        "Dropout layer '{0}' has rate {1}; the rate must be in [0, 1)");

    public static readonly DiagnosticDescriptor DropoutLast = Error("NDSL015",
        "Dropout cannot be the output layer",
        "Dropout layer '{0}' is the last layer; put it between dense layers so a dense layer produces the output");

    public static readonly DiagnosticDescriptor NoParameterlessBaseConstructor = Error("NDSL016",
        "Base type has no parameterless constructor",
        "Network '{0}' derives from '{1}', which has no parameterless constructor it can call; the generated constructor {0}(int seed) needs one");

    public static readonly DiagnosticDescriptor PrimaryConstructorWithParameters = Error("NDSL017",
        "Network has a primary constructor with parameters",
        "Network '{0}' has a primary constructor taking ({1}), which the generated constructor {0}(int seed) must call but has no arguments for; declare an ordinary constructor instead, e.g. public {0}({1}) : this(seed: 0) {{ … }}");

    public static readonly DiagnosticDescriptor[] All =
    [
        NotPartial, NoLayers, InputsNotPositive, UnitsNotPositive, InvalidLayerMember, UndefinedEnumValue,
        ParameterCountOverflow, OutputDoesNotFitLoss, SoftmaxWithMeanSquaredError, LayerOutsideNetwork,
        LayersSplitAcrossDeclarations, MemberClash, UnsupportedNetworkType, DropoutRateOutOfRange, DropoutLast,
        NoParameterlessBaseConstructor, PrimaryConstructorWithParameters,
    ];

    public static DiagnosticDescriptor ById(string id) => All.First(d => d.Id == id);
}
