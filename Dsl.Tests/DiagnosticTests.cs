using System.Globalization;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using NetDsl.Generators.Diagnostics;
using NetDsl.Tests.Infrastructure;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// One test per NDSL id: each declaration below has exactly one problem, marked <c>[|like this|]</c>
/// where the diagnostic must point (the offending member's identifier, or the class identifier for
/// network-level problems). Every test also checks that the generator did not throw, that an
/// error leaves no generated source, and that no compiler diagnostic lands in generated code.
/// </summary>
public sealed class DiagnosticTests
{
    // ---- NDSL001: not partial --------------------------------------------------------------
    // No generated code can join the type, so the compiler rejects the partial layer itself and
    // runs no analyzer: the generator reports NDSL001.

    [Fact]
    public void NDSL001_NetworkClassNotPartial() => AssertDiagnostic("""
        using NetDsl;

        [Network(Inputs = 2)]
        public class [|Net|]
        {
            [Dense(1)] public partial Layer Output { get; }
        }
        """, "NDSL001", "'Net' must be declared partial so NetDsl can generate network 'Net'",
        compilerErrors: ["CS9248", "CS0751"]); // partial member without implementation; partial member in a non-partial type

    [Fact]
    public void NDSL001_ContainingTypeNotPartial() => AssertDiagnostic("""
        using NetDsl;

        public static class [|Models|]
        {
            [Network(Inputs = 2)]
            public partial class Net
            {
                [Dense(1)] public partial Layer Output { get; }
            }
        }
        """, "NDSL001", "'Models' must be declared partial so NetDsl can generate network 'Net'",
        compilerErrors: ["CS9248"]); // partial member without implementation

    // Here the compiler has nothing to say, so the analyzer runs and reports NDSL001 (with NDSL005
    // for the layer), and the generator does not: each once. (The generator's errors cannot be
    // silenced, so one from it would stop the compiler before the analyzers of every other network.)
    [Fact]
    public void NDSL001_NotPartialAndNeitherAreItsLayers_IsReportedOnce()
    {
        var run = GeneratorHarness.Run("""
            using NetDsl;

            [Network(Inputs = 2)]
            public class Net
            {
                [Dense(1)] public Layer Output { get; }
            }
            """).AssertGeneratorDidNotThrow();
        Assert.True(run.AnalyzersRan);
        Assert.Empty(run.CompilerDiagnostics);
        Assert.Empty(run.GeneratedSources);
        Assert.Empty(run.Result.Diagnostics); // the generator's own
        Assert.Equal(["NDSL001", "NDSL005"], run.GeneratorDiagnostics.Select(d => d.Id));
    }

    // ---- NDSL002: no dense layer -----------------------------------------------------------

    [Fact]
    public void NDSL002_NoLayers() => AssertDiagnostic("""
        using NetDsl;

        [Network(Inputs = 2)]
        public partial class [|Net|]
        {
            public int NotALayer { get; }
        }
        """, "NDSL002", "Network 'Net' declares no [Dense] layer; add at least one, e.g. [Dense(1, Activation.Sigmoid)] public partial Layer Output { get; }");

    [Fact]
    public void NDSL002_OnlyDropoutLayers() => AssertDiagnostic("""
        using NetDsl;

        [Network(Inputs = 2)]
        public partial class [|Net|]
        {
            [Dropout(0.5f)] public partial Layer First { get; }
            [Dropout(0.5f)] public partial Layer Second { get; }
        }
        """, "NDSL002", "Network 'Net' declares no [Dense] layer; add at least one, e.g. [Dense(1, Activation.Sigmoid)] public partial Layer Output { get; }");

    // ---- NDSL003: inputs not positive ------------------------------------------------------

    [Theory]
    [InlineData("[Network]", "0")]
    [InlineData("[Network(Loss = Loss.MeanSquaredError)]", "0")]
    [InlineData("[Network(Inputs = 0)]", "0")]
    [InlineData("[Network(Inputs = -3)]", "-3")]
    public void NDSL003_InputsMissingZeroOrNegative(string attribute, string shown) => AssertDiagnostic($$"""
        using NetDsl;

        {{attribute}}
        public partial class [|Net|]
        {
            [Dense(1)] public partial Layer Output { get; }
        }
        """, "NDSL003", $"Network 'Net' has Inputs = {shown}; set [Network(Inputs = n)] to the number of input features, at least 1");

    // ---- NDSL004: units not positive -------------------------------------------------------

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    public void NDSL004_UnitsZeroOrNegative(string units) => AssertDiagnostic($$"""
        using NetDsl;

        [Network(Inputs = 2)]
        public partial class Net
        {
            [Dense({{units}})] public partial Layer [|Output|] { get; }
        }
        """, "NDSL004", $"Layer 'Output' has {units} units; a dense layer needs at least 1 unit");

    // ---- NDSL005: layer member of the wrong shape ------------------------------------------

    [Theory]
    [InlineData("[Dense(1)] public Layer [|Output|] { get; }", "Output", "is not partial")]
    [InlineData("[Dense(1)] public static partial Layer [|Output|] { get; }", "Output", "is static")]
    [InlineData("[Dense(1)] public partial int [|Output|] { get; }", "Output", "has type 'int'")]
    [InlineData("[Dense(1)] public partial Layer? [|Output|] { get; }", "Output", "has type 'NetDsl.Layer?'")]
    [InlineData("[Dense(1)] public partial Layer [|Output|] { get; set; }", "Output", "must have a getter only")]
    [InlineData("[Dense(1)] public partial Layer [|Output|] { get; init; }", "Output", "must have a getter only")]
    [InlineData("[Dense(1)] public virtual partial Layer [|Output|] { get; }", "Output", "has modifiers a layer cannot have (public virtual partial)")]
    [InlineData("[Dense(1)] [Dropout(0.5f)] public partial Layer [|Output|] { get; }", "Output", "has both [Dense] and [Dropout]; a member is one layer")]
    [InlineData("[Dense(1)] public partial Layer [|Output|] { get; }\n    public partial Layer Output => default;", "Output", "already has an implementation", "remove your implementation: NetDsl writes it")]
    [InlineData("[Dense(1)] public partial Layer [|this|][int i] { get; }", "Item", "is an indexer", "declare a property instead, e.g. 'public partial Layer Output { get; }'")]
    public void NDSL005_LayerMemberOfTheWrongShape(string member, string name, string problem, string? advice = null) => AssertDiagnostic($$"""
        using NetDsl;

        [Network(Inputs = 2)]
        public partial class Net
        {
            {{member}}
        }
        """, "NDSL005", $"Layer '{name}' {problem}; " + (advice ?? $"declare it as 'public partial Layer {name} {{ get; }}'"));

    // A field cannot carry [Dense] at all: the compiler says so (CS0592); the generator adds
    // nothing of its own and still generates the network's real layers.
    [Fact]
    public void NDSL005_NotReportedForAFieldTheCompilerRejects()
    {
        var run = GeneratorHarness.Run("""
            using NetDsl;

            [Network(Inputs = 2)]
            public partial class Net
            {
                [Dense(1)] public partial Layer Output { get; }
                [Dense(3)] public Layer Field;
            }
            """).AssertGeneratorDidNotThrow();
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Equal("Net.g.cs", Assert.Single(run.GeneratedSources).HintName);
        Assert.Empty(run.DiagnosticsInGeneratedCode);
        Assert.Equal(["CS0592"], run.CompilerDiagnostics.Select(d => d.Id));
    }

    // ---- NDSL006: undefined enum value -----------------------------------------------------

    [Fact]
    public void NDSL006_UndefinedActivation() => AssertDiagnostic("""
        using NetDsl;

        [Network(Inputs = 2)]
        public partial class Net
        {
            [Dense(1, (Activation)42)] public partial Layer [|Output|] { get; }
        }
        """, "NDSL006", "'42' on 'Output' is not a defined Activation value; use one of: " + Values<Activation>());

    // Not also "binary cross-entropy needs a sigmoid output, but 'Output' has a 42 output".
    [Fact]
    public void NDSL006_UndefinedActivationOnTheOutputIsReportedOnce() => AssertDiagnostic("""
        using NetDsl;

        [Network(Inputs = 2, Loss = Loss.BinaryCrossEntropy)]
        public partial class Net
        {
            [Dense(1, (Activation)42)] public partial Layer [|Output|] { get; }
        }
        """, "NDSL006", "'42' on 'Output' is not a defined Activation value; use one of: " + Values<Activation>());

    [Fact]
    public void NDSL006_UndefinedLoss() => AssertDiagnostic("""
        using NetDsl;

        [Network(Inputs = 2, Loss = (Loss)7)]
        public partial class [|Net|]
        {
            [Dense(1)] public partial Layer Output { get; }
        }
        """, "NDSL006", "'7' on 'Net' is not a defined Loss value; use one of: " + Values<Loss>());

    [Fact]
    public void NDSL006_UndefinedInitializer() => AssertDiagnostic("""
        using NetDsl;

        [Network(Inputs = 2)]
        public partial class Net
        {
            [Dense(1, Initializer = (Initializer)9)] public partial Layer [|Output|] { get; }
        }
        """, "NDSL006", "'9' on 'Output' is not a defined Initializer value; use one of: " + Values<Initializer>());

    // The message lists the enum's values, so adding an activation or a loss changes no test here.
    private static string Values<TEnum>() where TEnum : struct, Enum => string.Join(", ", Enum.GetNames<TEnum>());

    // ---- NDSL007: parameter count overflow -------------------------------------------------

    [Fact]
    public void NDSL007_ParameterCountOverflow() => AssertDiagnostic("""
        using NetDsl;

        [Network(Inputs = 100000)]
        public partial class [|Net|]
        {
            [Dense(100000)] public partial Layer Output { get; }
        }
        """, "NDSL007", "Network 'Net' would have 10000100000 parameters; at most 2147483647 fit in one buffer");

    // ---- NDSL008: output does not fit the loss ---------------------------------------------

    [Theory]
    [InlineData("BinaryCrossEntropy", "Dense(1)", "Binary cross-entropy needs a Sigmoid output, but output layer 'Output' has an Identity output")]
    [InlineData("BinaryCrossEntropy", "Dense(2, Activation.Softmax)", "Binary cross-entropy needs a Sigmoid output, but output layer 'Output' has a Softmax output")]
    [InlineData("CategoricalCrossEntropy", "Dense(10, Activation.Sigmoid)", "Categorical cross-entropy needs a Softmax output with at least 2 units, but output layer 'Output' has a Sigmoid output")]
    [InlineData("CategoricalCrossEntropy", "Dense(1, Activation.Softmax)", "Categorical cross-entropy needs a Softmax output with at least 2 units, but output layer 'Output' has a Softmax output with 1 unit")]
    public void NDSL008_OutputDoesNotFitTheLoss(string loss, string dense, string message) => AssertDiagnostic($$"""
        using NetDsl;

        [Network(Inputs = 2, Loss = Loss.{{loss}})]
        public partial class Net
        {
            [Dense(4, Activation.Relu)] public partial Layer Hidden { get; }
            [{{dense}}] public partial Layer [|Output|] { get; }
        }
        """, "NDSL008", message);

    // ---- NDSL009: softmax with mean squared error (a warning: the code is still generated) ----

    [Fact]
    public void NDSL009_SoftmaxTrainedWithMeanSquaredError()
    {
        var run = AssertDiagnostic("""
            using NetDsl;

            [Network(Inputs = 2, Loss = Loss.MeanSquaredError)]
            public partial class Net
            {
                [Dense(3, Activation.Softmax)] public partial Layer [|Output|] { get; }
            }
            """, "NDSL009", "Output layer 'Output' is a softmax trained with mean squared error; this works but learns slowly. Categorical cross-entropy is the usual loss for a softmax classifier.",
            DiagnosticSeverity.Warning);
        Assert.Equal("Net.g.cs", Assert.Single(run.GeneratedSources).HintName);
        run.AssertCompilesCleanly();
    }

    // ---- NDSL010: layer outside a network --------------------------------------------------

    [Theory]
    [InlineData("Dense(1)", "Dense")]
    [InlineData("Dropout(0.5f)", "Dropout")]
    public void NDSL010_LayerInAClassWithoutNetwork(string attribute, string shown) => AssertDiagnostic($$"""
        using NetDsl;

        public partial class Plain
        {
            [{{attribute}}] public partial Layer [|Output|] { get; }
        }
        """, "NDSL010", $"'Output' is marked [{shown}], but 'Plain' has no [Network] attribute; add [Network(Inputs = n)] to 'Plain'");

    // In a class no generated code can join, a partial layer is a compiler error (it runs no
    // analyzer): the generator reports NDSL010 next to it. A layer that is not partial either gives
    // the compiler nothing to say: the analyzer reports.
    [Theory]
    [InlineData("[Dense(1)] public partial Layer [|Output|] { get; }", "CS9248", "CS0751")] // no implementation; partial member in a non-partial type
    [InlineData("[Dense(1)] public Layer [|Output|] { get; }")]
    public void NDSL010_LayerInANonPartialClassWithoutNetwork(string member, params string[] compilerErrors) => AssertDiagnostic($$"""
        using NetDsl;

        public class Plain
        {
            {{member}}
        }
        """, "NDSL010", "'Output' is marked [Dense], but 'Plain' has no [Network] attribute; add [Network(Inputs = n)] to 'Plain'",
        compilerErrors: compilerErrors.Length == 0 ? null : compilerErrors);

    // ---- NDSL011: layers split across partial declarations ---------------------------------

    [Fact]
    public void NDSL011_LayersSplitAcrossPartialDeclarations() => AssertDiagnostic("""
        using NetDsl;

        [Network(Inputs = 2, Loss = Loss.BinaryCrossEntropy)]
        public partial class Net
        {
            [Dense(3, Activation.Sigmoid)] public partial Layer Hidden { get; }
        }

        public partial class Net
        {
            [Dense(1, Activation.Sigmoid)] public partial Layer [|Output|] { get; }
        }
        """, "NDSL011", "Layer 'Output' of network 'Net' is in a different partial declaration from layer 'Hidden'; declare all layers in one declaration so their order is defined");

    // ---- NDSL012: user member clashes with a generated one ---------------------------------

    [Theory]
    [InlineData("public float[] [|Predict|](float[] x) => x;", "'Predict' clashes with a member NetDsl generates on network 'Net'; rename it")]
    [InlineData("public int [|Parameters|] => 0;", "'Parameters' clashes with a member NetDsl generates on network 'Net'; rename it")]
    [InlineData("public void [|Fit|]() { }", "'Fit' clashes with a member NetDsl generates on network 'Net'; rename it")]
    [InlineData("private void [|ForwardHidden|]() { }", "'ForwardHidden' clashes with a layer method NetDsl generates on network 'Net'; rename it")]
    [InlineData("private sealed class [|Workspace|] { }", "'Workspace' clashes with a member NetDsl generates on network 'Net'; rename it")]
    [InlineData("public [|Net|](int size) { }", "'Net(int)' clashes with the seeded constructor NetDsl generates on network 'Net'; remove it or give it other parameters")]
    public void NDSL012_UserMemberClashesWithAGeneratedOne(string member, string message) => AssertDiagnostic($$"""
        using NetDsl;

        [Network(Inputs = 2)]
        public partial class Net
        {
            [Dense(3)] public partial Layer Hidden { get; }
            [Dense(1)] public partial Layer Output { get; }
            {{member}}
        }
        """, "NDSL012", message);

    // The generated methods of a layer 'hidden' are ForwardHidden and BackwardHidden.
    [Fact]
    public void NDSL012_UserMemberClashesWithTheCapitalisedMethodOfALowerCaseLayer() => AssertDiagnostic("""
        using NetDsl;

        [Network(Inputs = 2)]
        public partial class Net
        {
            [Dense(3)] public partial Layer hidden { get; }
            [Dense(1)] public partial Layer Output { get; }
            private void [|BackwardHidden|]() { }
        }
        """, "NDSL012", "'BackwardHidden' clashes with a layer method NetDsl generates on network 'Net'; rename it");

    [Fact]
    public void NDSL012_InheritedMemberClashesWithAGeneratedOne() => AssertDiagnostic("""
        using NetDsl;

        public class Model
        {
            public float[] Predict(float[] x) => x;
        }

        [Network(Inputs = 2)]
        public partial class [|Net|] : Model
        {
            [Dense(1)] public partial Layer Output { get; }
        }
        """, "NDSL012", "'Model.Predict' clashes with a member NetDsl generates on network 'Net'; it is inherited from 'Model': derive 'Net' from another type, or rename it there");

    // ---- NDSL013: unsupported network type -------------------------------------------------

    // A generic class or a record gets a placeholder. The compiler rejects the others itself, and
    // then runs no analyzer: the generator reports NDSL013. A struct gets a placeholder too, but
    // [Network] is for classes (CS0592); a static or file-local class can take no generated member.
    [Theory]
    [InlineData("public partial class [|Net|]<T>", "generic")]
    [InlineData("public partial record [|Net|]", "a record")]
    [InlineData("public static partial class [|Net|]", "static", "CS9248", "CS0708")] // no implementation; instance member in a static class
    [InlineData("public partial record struct [|Net|]", "a record", "CS0592")] // [Network] on a struct
    [InlineData("public partial struct [|Net|]", "a struct", "CS0592")]
    [InlineData("file partial class [|Net|]", "file-local", "CS9248")] // a generated file cannot reopen a file-local type
    public void NDSL013_UnsupportedNetworkType(string declaration, string what, params string[] compilerErrors) => AssertDiagnostic($$"""
        using NetDsl;

        [Network(Inputs = 2)]
        {{declaration}}
        {
            [Dense(1)] public partial Layer Output { get; }
        }
        """, "NDSL013", $"Network 'Net' is {what}; a network must be a non-generic, non-static partial class",
        compilerErrors: compilerErrors.Length == 0 ? null : compilerErrors);

    // A generated file cannot reopen a file-local type, so nothing can join a network nested in
    // one: the compiler rejects its partial layer (CS9248), and the generator says why.
    [Fact]
    public void NDSL013_NetworkNestedInAFileLocalClass() => AssertDiagnostic("""
        using NetDsl;

        file partial class Outer
        {
            [Network(Inputs = 2)]
            public partial class [|Net|]
            {
                [Dense(1)] public partial Layer Output { get; }
            }
        }
        """, "NDSL013", "Network 'Net' is nested in file-local class 'Outer'; a network must be a non-generic, non-static partial class",
        compilerErrors: ["CS9248"]);

    // ---- NDSL014: dropout rate out of range ------------------------------------------------

    [Theory]
    [InlineData("-0.1f", "-0.1")]
    [InlineData("1.0f", "1")]
    [InlineData("1.5f", "1.5")]
    [InlineData("float.NaN", "NaN")]
    public void NDSL014_DropoutRateOutOfRange(string rate, string shown) => AssertDiagnostic($$"""
        using NetDsl;

        [Network(Inputs = 2)]
        public partial class Net
        {
            [Dense(4)] public partial Layer Hidden { get; }
            [Dropout({{rate}})] public partial Layer [|Drop|] { get; }
            [Dense(1)] public partial Layer Output { get; }
        }
        """, "NDSL014", $"Dropout layer 'Drop' has rate {shown}; the rate must be in [0, 1)");

    // ---- NDSL015: dropout as the last layer ------------------------------------------------

    [Fact]
    public void NDSL015_DropoutAsLastLayer() => AssertDiagnostic("""
        using NetDsl;

        [Network(Inputs = 2)]
        public partial class Net
        {
            [Dense(4)] public partial Layer Hidden { get; }
            [Dropout(0.2f)] public partial Layer [|Drop|] { get; }
        }
        """, "NDSL015", "Dropout layer 'Drop' is the last layer; put it between dense layers so a dense layer produces the output");

    // ---- NDSL016: base type without a parameterless constructor ---------------------------

    [Fact]
    public void NDSL016_BaseTypeWithoutParameterlessConstructor() => AssertDiagnostic("""
        using NetDsl;

        public abstract class Model
        {
            protected Model(string name) { }
        }

        [Network(Inputs = 2)]
        public partial class [|Net|] : Model
        {
            [Dense(1)] public partial Layer Output { get; }
        }
        """, "NDSL016", "Network 'Net' derives from 'Model', which has no parameterless constructor it can call; the generated constructor Net(int seed) needs one");

    // ---- NDSL017: a primary constructor with parameters ----------------------------------

    // The generated Net(int seed) must call the primary constructor (CS8862) and has no arguments
    // for it: an error that says what to write instead, rather than a compiler error in generated code.
    [Fact]
    public void NDSL017_PrimaryConstructorWithParameters() => AssertDiagnostic("""
        using NetDsl;

        [Network(Inputs = 2)]
        public partial class [|Net|](string name, int size)
        {
            [Dense(1)] public partial Layer Output { get; }
            public string Describe() => $"{name} {size}";
        }
        """, "NDSL017", "Network 'Net' has a primary constructor taking (string name, int size), which the generated constructor Net(int seed) must call but has no arguments for; declare an ordinary constructor instead, e.g. public Net(string name, int size) : this(seed: 0) { … }");

    // One it can call without arguments, it calls: ': this()'. Then the primary constructor calls
    // the base type's, so a base without a parameterless one is no NDSL016.
    [Theory]
    [InlineData("public partial class Net()", "")]
    [InlineData("public partial class Net(string name = \"net\", params int[] sizes)", "public string Describe() => name + sizes.Length;")]
    [InlineData("public partial class Net() : Model(\"net\")", "")]
    public void A_primary_constructor_without_required_parameters_is_called(string declaration, string member)
    {
        var run = GeneratorHarness.Run($$"""
            using NetDsl;

            public abstract class Model(string name)
            {
                public string Name => name;
            }

            [Network(Inputs = 2)]
            {{declaration}}
            {
                [Dense(1)] public partial Layer Output { get; }
                {{member}}
            }
            """).AssertCompilesCleanly();
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Contains("public Net(int seed) : this()", run.Source("Net.g.cs"));
    }

    [Fact]
    public void A_base_type_with_a_parameterless_constructor_and_no_clashing_members_is_fine()
    {
        var run = GeneratorHarness.Run("""
            using NetDsl;

            public abstract class Model
            {
                protected Model() { }
                protected Model(string name) { }
                public string Describe() => "model";
            }

            [Network(Inputs = 2)]
            public partial class Net : Model
            {
                [Dense(1)] public partial Layer Output { get; }
            }
            """);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilerDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Fact]
    public async Task A_pragma_silences_the_softmax_with_mean_squared_error_warning()
    {
        var run = GeneratorHarness.Run("""
            using NetDsl;

            [Network(Inputs = 2)]
            public partial class Net
            {
            #pragma warning disable NDSL009 // a softmax regression, on purpose
                [Dense(3, Activation.Softmax)] public partial Layer Output { get; }
            #pragma warning restore NDSL009
            }
            """);
        run.AssertGeneratorDidNotThrow();
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "NDSL009" && !d.IsSuppressed);
        // Silenced, not missing: asked for suppressed diagnostics too, the analyzer reports exactly one
        // NDSL009, and the pragma holds it.
        var withSuppressed = new Microsoft.CodeAnalysis.Diagnostics.CompilationWithAnalyzersOptions(
            new Microsoft.CodeAnalysis.Diagnostics.AnalyzerOptions([]), onAnalyzerException: null,
            concurrentAnalysis: false, logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: true);
        var reported = await new Microsoft.CodeAnalysis.Diagnostics.CompilationWithAnalyzers(
            run.OutputCompilation, [new NetDsl.Generators.NetworkAnalyzer()], withSuppressed).GetAnalyzerDiagnosticsAsync(TestContext.Current.CancellationToken);
        Assert.True(Assert.Single(reported, d => d.Id == "NDSL009").IsSuppressed);
        Assert.Single(run.GeneratedSources);
    }

    // As csc does: a compiler error in a declaration anywhere (here a partial property of the
    // user's own, left without implementation) stops the build before analyzers run, so the
    // network's NDSL004 shows only once that is fixed. The placeholder is there all the same.
    [Fact]
    public void A_declaration_error_elsewhere_hides_what_the_analyzer_reports()
    {
        var run = GeneratorHarness.Run("""
            using NetDsl;

            [Network(Inputs = 2)]
            public partial class Net
            {
                [Dense(0)] public partial Layer Output { get; }
            }

            public partial class Unrelated
            {
                public partial int Unfinished { get; }
            }
            """).AssertGeneratorDidNotThrow();
        Assert.False(run.AnalyzersRan);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Equal(["CS9248"], run.CompilerDiagnostics.Select(d => d.Id));
        Assert.Equal("Net.g.cs", Assert.Single(run.GeneratedSources).HintName);
    }

    // ---- errors cannot be silenced ---------------------------------------------------------

    // A network with an error gets no code: silencing the error would leave neither code nor a
    // reason. So errors are not configurable (#pragma, NoWarn and editorconfig leave them), whether
    // the analyzer reports them (NDSL004) or the generator (NDSL001, beside the compiler's own).
    // The warning, NDSL009, stays configurable.
    [Fact]
    public void Errors_cannot_be_silenced_but_the_warning_can()
    {
        var compilation = GeneratorHarness.Compile("""
            using NetDsl;

            [Network(Inputs = 2)]
            public partial class Net
            {
            #pragma warning disable NDSL004
                [Dense(0)] public partial Layer Output { get; }
            #pragma warning restore NDSL004
            }

            [Network(Inputs = 2)]
            public class Solid
            {
                [Dense(1)] public partial Layer Output { get; }
            }

            [Network(Inputs = 2)]
            public partial class Soft
            {
                [Dense(3, Activation.Softmax)] public partial Layer Output { get; }
            }
            """);
        var silenced = new[] { "NDSL001", "NDSL004", "NDSL009" }.ToDictionary(id => id, _ => ReportDiagnostic.Suppress);
        compilation = compilation.WithOptions(compilation.Options.WithSpecificDiagnosticOptions(compilation.Options.SpecificDiagnosticOptions.AddRange(silenced)));

        var run = GeneratorHarness.Run(GeneratorHarness.CreateDriver(), compilation).AssertGeneratorDidNotThrow();
        Assert.Equal(["NDSL001"], run.GeneratorDiagnostics.Where(d => !d.IsSuppressed).Select(d => d.Id)); // from the generator; it stops the analyzers

        // Without Solid, the analyzers run: NDSL004 stays, NDSL009 goes.
        var tree = compilation.SyntaxTrees.Single();
        string text = tree.ToString();
        int solid = text.IndexOf("[Network(Inputs = 2)]\npublic class Solid", StringComparison.Ordinal), soft = text.IndexOf("[Network(Inputs = 2)]\npublic partial class Soft", StringComparison.Ordinal);
        compilation = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(text.Remove(solid, soft - solid))));
        run = GeneratorHarness.Run(GeneratorHarness.CreateDriver(), compilation).AssertGeneratorDidNotThrow();
        Assert.True(run.AnalyzersRan);
        Assert.Equal(["NDSL004"], run.GeneratorDiagnostics.Where(d => !d.IsSuppressed && d.Severity != DiagnosticSeverity.Hidden).Select(d => d.Id));
        Assert.All(DiagnosticDescriptors.All, d => Assert.Equal(d.DefaultSeverity == DiagnosticSeverity.Error, d.CustomTags.Contains(WellKnownDiagnosticTags.NotConfigurable)));
    }

    // ---- the analyzer ----------------------------------------------------------------------

    // NetDsl's types are resolved once per compilation (a compilation-start action), then compared as
    // symbols; where NetDsl is not referenced, no symbol action is registered at all.
    [Fact]
    public void The_analyzer_resolves_NetDsl_types_once_per_compilation()
    {
        const string source = """
            using NetDsl;

            [Network(Inputs = 2)]
            public partial class Net
            {
                [Dense(0)] public partial Layer Output { get; }
            }
            """;
        var withNetDsl = GeneratorHarness.Run(source).OutputCompilation;
        var (diagnostics, telemetry) = Analyze(withNetDsl);
        Assert.Equal(["NDSL004"], diagnostics.Select(d => d.Id));
        Assert.Equal(1, telemetry.CompilationStartActionsCount);
        Assert.Equal(2, telemetry.SymbolActionsCount);

        var withoutNetDsl = Microsoft.CodeAnalysis.CSharp.CSharpCompilation.Create("Plain",
            [Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("public class NetworkAttribute : System.Attribute { } [Network] public class Net { }")],
            [MetadataReference.CreateFromFile(typeof(object).Assembly.Location)]);
        (diagnostics, telemetry) = Analyze(withoutNetDsl);
        Assert.Empty(diagnostics);
        Assert.Equal(1, telemetry.CompilationStartActionsCount);
        Assert.Equal(0, telemetry.SymbolActionsCount);
    }

    private static (System.Collections.Immutable.ImmutableArray<Diagnostic>, Microsoft.CodeAnalysis.Diagnostics.Telemetry.AnalyzerTelemetryInfo) Analyze(Compilation compilation)
    {
        var analyzer = new NetDsl.Generators.NetworkAnalyzer();
        var options = new Microsoft.CodeAnalysis.Diagnostics.CompilationWithAnalyzersOptions(
            new Microsoft.CodeAnalysis.Diagnostics.AnalyzerOptions([]), onAnalyzerException: null, concurrentAnalysis: false,
            logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: false);
        var withAnalyzers = compilation.WithAnalyzers([analyzer], options);
        var diagnostics = withAnalyzers.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        return (diagnostics, withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None).GetAwaiter().GetResult());
    }

    // ---- the catalogue ---------------------------------------------------------------------

    [Fact]
    public void EveryDiagnosticIdHasATestAndIdsAreInOrder()
    {
        var ids = DiagnosticDescriptors.All.Select(d => d.Id).ToList();
        Assert.Equal(Enumerable.Range(1, ids.Count).Select(i => $"NDSL{i:000}"), ids);
        var tested = typeof(DiagnosticTests).GetMethods()
            .Where(m => m.GetCustomAttribute<FactAttribute>() is not null)
            .Select(m => m.Name.Split('_')[0])
            .ToHashSet();
        Assert.Equal(ids, ids.Where(tested.Contains)); // an id missing here has no test
    }

    /// <summary>
    /// Runs the generator on <paramref name="markedSource"/> and asserts it reports exactly one
    /// diagnostic: <paramref name="id"/>, with <paramref name="severity"/>, at the marked span, with
    /// <paramref name="message"/>. On an error, no network code is generated: a placeholder stands
    /// in for it, so that the compiler reports nothing of its own (no missing implementation) and
    /// runs the analyzer. Where no placeholder can join the type, the compiler rejects the
    /// declaration itself with <paramref name="compilerErrors"/>, and the generator reports.
    /// </summary>
    private static GeneratorRun AssertDiagnostic(string markedSource, string id, string message, DiagnosticSeverity severity = DiagnosticSeverity.Error, string[]? compilerErrors = null)
    {
        var markup = Markup.Parse(markedSource);
        var run = GeneratorHarness.Run(markup.Source).AssertGeneratorDidNotThrow();
        Assert.Equal(compilerErrors ?? [], run.CompilerDiagnostics.Select(d => d.Id).Distinct());
        Assert.Equal(compilerErrors is null, run.AnalyzersRan);

        var start = markup.LineSpan.Start;
        var end = markup.LineSpan.End;
        string expected = $"{id} {severity} {GeneratorHarness.MainFile}({start.Line + 1}:{start.Character + 1}-{end.Line + 1}:{end.Character + 1}): {message}";
        Assert.Equal([expected], run.GeneratorDiagnostics.Select(SnapshotAssert.Describe));

        var diagnostic = run.GeneratorDiagnostics[0];
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(severity, diagnostic.Severity);
        Assert.Equal(message, diagnostic.GetMessage(CultureInfo.InvariantCulture));
        Assert.Equal(markup.Span, diagnostic.Location.SourceSpan);
        Assert.Equal(markup.LineSpan, diagnostic.Location.GetLineSpan().Span);

        if (severity == DiagnosticSeverity.Error)
            Assert.All(run.GeneratedSources, source => Assert.Contains("// A NetDsl placeholder for ", source.SourceText.ToString()));
        Assert.Empty(run.DiagnosticsInGeneratedCode);
        return run;
    }
}
