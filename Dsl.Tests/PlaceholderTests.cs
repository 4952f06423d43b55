using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using NetDsl.Tests.Infrastructure;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// The placeholder a network with an error gets (see SnapshotTests for what it looks like) must
/// declare everything the network's real code declares publicly, or code that uses the network
/// would fail to compile against it (CS1061, CS1729…) next to the NDSL error. These tests compare
/// the two, and run the placeholder.
/// </summary>
public sealed class PlaceholderTests
{
    /// <summary>Everything public about a type: its base types and interfaces, attributes and non-private members.</summary>
    private static readonly SymbolDisplayFormat Signature = new(
        globalNamespaceStyle: SymbolDisplayGlobalNamespaceStyle.Included,
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
        memberOptions: SymbolDisplayMemberOptions.IncludeAccessibility | SymbolDisplayMemberOptions.IncludeModifiers
            | SymbolDisplayMemberOptions.IncludeParameters | SymbolDisplayMemberOptions.IncludeType | SymbolDisplayMemberOptions.IncludeRef,
        parameterOptions: SymbolDisplayParameterOptions.IncludeType | SymbolDisplayParameterOptions.IncludeName
            | SymbolDisplayParameterOptions.IncludeParamsRefOut | SymbolDisplayParameterOptions.IncludeDefaultValue,
        propertyStyle: SymbolDisplayPropertyStyle.ShowReadWriteDescriptor,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes | SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    // Every public member the emitter writes only in some networks must vary here too: today the
    // dropout-seed overload of LossAndGradient (with a dropout layer).
    [Theory]
    [InlineData("MeanSquaredError", false)]
    [InlineData("MeanSquaredError", true)]
    [InlineData("BinaryCrossEntropy", false)]
    [InlineData("BinaryCrossEntropy", true)]
    [InlineData("CategoricalCrossEntropy", false)]
    [InlineData("CategoricalCrossEntropy", true)]
    public void A_placeholder_declares_the_public_surface_of_the_networks_code(string loss, bool dropout)
    {
        var real = GeneratorHarness.Run(Network(loss, dropout, inputs: 4)).AssertCompilesCleanly();
        Assert.Empty(real.GeneratorDiagnostics);
        // The same network with Inputs = 0: NDSL003, and a placeholder instead of its code.
        var placeholder = GeneratorHarness.Run(Network(loss, dropout, inputs: 0)).AssertCompilesCleanly();
        Assert.Equal(["NDSL003"], placeholder.GeneratorDiagnostics.Select(d => d.Id));
        Assert.Contains("// A NetDsl placeholder for network Net", Assert.Single(placeholder.GeneratedSources).SourceText.ToString());

        var expected = Surface(real);
        Assert.Contains("public float[] Predict(global::System.ReadOnlySpan<float> inputs)", expected); // the format shows what it should
        Assert.Equal(expected, Surface(placeholder));
    }

    [Fact]
    public void Every_member_of_a_placeholder_throws_naming_the_errors()
    {
        var run = GeneratorHarness.Run(Network("BinaryCrossEntropy", dropout: true, inputs: -1)).AssertCompilesCleanly();
        using var stream = new MemoryStream();
        var emitted = run.OutputCompilation.Emit(stream);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));

        var context = new AssemblyLoadContext("placeholder", isCollectible: true);
        try
        {
            stream.Position = 0;
            var type = context.LoadFromStream(stream).GetType("Lab.Net")!;
            var exception = Assert.Throws<TargetInvocationException>(() => Activator.CreateInstance(type, 42));
            Assert.Equal("Network 'Net' has build errors (NDSL003); NetDsl generated this placeholder instead of its code.",
                Assert.IsType<InvalidOperationException>(exception.InnerException).Message);
            Assert.Equal(0, type.GetField("InputSize")!.GetRawConstantValue());
        }
        finally
        {
            context.Unload();
        }
    }

    [Fact]
    public void A_placeholder_leaves_out_what_the_user_declares_or_inherits()
    {
        var run = GeneratorHarness.Run("""
            using NetDsl;

            namespace Lab;

            public class Model
            {
                public float[] Predict(float[] x) => x;
            }

            [Network(Inputs = 2)]
            public partial class Net : Model
            {
                [Dense(1)] public partial Layer Output { get; }
                public Net(int size) { }
                public int Parameters => 0;
                public void Fit() { }
            }
            """).AssertCompilesCleanly();
        Assert.Equal(["NDSL012", "NDSL012", "NDSL012", "NDSL012"], run.GeneratorDiagnostics.Select(d => d.Id));
        string placeholder = Assert.Single(run.GeneratedSources).SourceText.ToString();
        Assert.DoesNotContain(" Predict(", placeholder);
        Assert.DoesNotContain(" Fit(", placeholder);
        Assert.DoesNotContain("public global::System.Span<float> Parameters", placeholder);
        Assert.DoesNotContain("Net(int seed)", placeholder);
        // The interface holds all the same: Parameters is implemented explicitly.
        Assert.Contains("global::System.Span<float> global::NetDsl.INetworkModel.Parameters =>", placeholder);
        Assert.Contains("public float LossAndGradient(", placeholder);
    }

    // A record's primary constructor taking one int is the (int seed) one: no second is declared.
    [Fact]
    public void A_placeholder_adds_no_constructor_where_a_primary_one_takes_an_int()
    {
        var run = GeneratorHarness.Run("""
            using NetDsl;

            [Network(Inputs = 2)]
            public partial record Net(int Size)
            {
                [Dense(1)] public partial Layer Output { get; }
            }
            """).AssertCompilesCleanly();
        Assert.Equal(["NDSL012", "NDSL013"], run.GeneratorDiagnostics.Select(d => d.Id));
        Assert.DoesNotContain("Net(int seed)", Assert.Single(run.GeneratedSources).SourceText.ToString());
    }

    private static string Network(string loss, bool dropout, int inputs) => $$"""
        using NetDsl;

        namespace Lab;

        [Network(Inputs = {{inputs}}, Loss = Loss.{{loss}})]
        public partial class Net
        {
            [Dense(3, Activation.Relu)] public partial Layer Hidden { get; }
            {{(dropout ? "[Dropout(0.5)] public partial Layer Drop { get; }" : "")}}
            [Dense(2, Activation.{{(loss == "CategoricalCrossEntropy" ? "Softmax" : "Sigmoid")}})] public partial Layer Output { get; }
        }
        """;

    private static List<string> Surface(GeneratorRun run)
    {
        var type = run.OutputCompilation.GetTypeByMetadataName("Lab.Net")!;
        return [.. type.AllInterfaces.Select(i => "implements " + i.ToDisplayString(Signature))
            .Append("base " + type.BaseType!.ToDisplayString(Signature))
            .Concat(type.GetAttributes().Select(a => "[" + a.AttributeClass!.ToDisplayString(Signature) + "]"))
            .Concat(type.GetMembers()
                .Where(m => !m.IsImplicitlyDeclared && m.DeclaredAccessibility is not (Accessibility.Private or Accessibility.NotApplicable)
                    && m is not IMethodSymbol { AssociatedSymbol: not null }) // accessors: their property says it
                .Select(m => m.ToDisplayString(Signature)))
            .Order(StringComparer.Ordinal)];
    }
}
