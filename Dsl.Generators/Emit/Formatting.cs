using System.Globalization;
using NetDsl.Generators.Model;

namespace NetDsl.Generators.Emit;

/// <summary>Invariant-culture literals and the names the generated code uses for the maths.</summary>
internal static class Formatting
{
    public const string Span = "global::System.Span<float>";
    public const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";

    public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Float(float value) => value.ToString("R", CultureInfo.InvariantCulture) + "f";

    public static string Camel(string name) => char.ToLowerInvariant(name[0]) + name.Substring(1);

    /// <summary>A member or type name as C# source: <c>@int</c> for a name that is a keyword.</summary>
    public static string Identifier(string name) =>
        Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKind(name) == Microsoft.CodeAnalysis.CSharp.SyntaxKind.None ? name : "@" + name;

    public static string Describe(ActivationKind activation) => activation switch
    {
        ActivationKind.Identity => "identity",
        ActivationKind.Sigmoid => "sigmoid",
        ActivationKind.Tanh => "tanh",
        ActivationKind.ReLU => "ReLU",
        _ => "softmax",
    };

    public static string Describe(LossKind loss) => loss switch
    {
        LossKind.BinaryCrossEntropy => "binary cross-entropy",
        LossKind.CategoricalCrossEntropy => "categorical cross-entropy",
        _ => "mean squared error",
    };

    public static string Describe(InitializerKind initializer) => initializer switch
    {
        InitializerKind.HeUniform => "He uniform",
        InitializerKind.GlorotNormal => "Glorot normal",
        InitializerKind.HeNormal => "He normal",
        InitializerKind.Zeros => "zero",
        _ => "Glorot uniform",
    };

    /// <summary>The activation as the comment above its block writes it.</summary>
    public static string Formula(ActivationKind activation) => activation switch
    {
        ActivationKind.Identity => "a = z",
        ActivationKind.Sigmoid => "a = σ(z) = 1 / (1 + e^−z)",
        ActivationKind.Tanh => "a = tanh(z)",
        ActivationKind.ReLU => "a = max(0, z)",
        _ => "a = softmax(z), aᵢ = e^zᵢ / Σⱼ e^zⱼ",
    };

    /// <summary>The derivative step as the comment above its block writes it.</summary>
    public static string DerivativeFormula(ActivationKind activation) => activation switch
    {
        ActivationKind.Identity => "δ = dL/da (identity: f'(z) = 1)",
        ActivationKind.Sigmoid => "δ = dL/da ⊙ σ'(z), σ'(z) = a·(1 − a)",
        ActivationKind.Tanh => "δ = dL/da ⊙ tanh'(z), tanh'(z) = 1 − a²",
        ActivationKind.ReLU => "δ = dL/da ⊙ relu'(z), relu'(z) = 1 where a > 0, else 0",
        _ => "δ = J_softmax·dL/da, δᵢ = aᵢ·(dL/daᵢ − Σⱼ dL/daⱼ·aⱼ)",
    };
}
