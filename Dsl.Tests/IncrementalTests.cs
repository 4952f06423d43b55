using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NetDsl.Generators;
using NetDsl.Generators.Model;
using NetDsl.Tests.Infrastructure;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// The pipeline caches: an edit that does not touch a network leaves its model Cached or
/// Unchanged and re-emits nothing; an edit to a layer re-emits it. This holds only because the
/// model is plain equatable data, which the last tests check directly.
/// </summary>
public sealed class IncrementalTests
{
    private const string Source = """
        using NetDsl;

        namespace Lecture;

        [Network(Inputs = 2, Loss = Loss.BinaryCrossEntropy)]
        public partial class PassFail
        {
            [Dense(3, Activation.Sigmoid)] public partial Layer Hidden { get; }
            [Dropout(0.1f)] public partial Layer Drop { get; }
            [Dense(1, Activation.Sigmoid)] public partial Layer Output { get; }
        }

        public static class Helpers
        {
            public static int Twice(int x) => 2 * x;
        }
        """;

    private static readonly IncrementalStepRunReason[] CachedOrUnchanged = [IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged];

    [Fact]
    public void AddingAnUnrelatedFileLeavesEveryStepCached()
    {
        var (first, second) = RunTwice(Source, compilation => compilation.AddSyntaxTrees(
            CSharpSyntaxTree.ParseText("public static class Unrelated { public static void M() { } }", GeneratorHarness.ParseOptions, "Unrelated.cs")));

        // Any compilation change re-runs ForAttributeWithMetadataName's transform (semantics may have
        // changed); the equal model it returns is what stops the cascade.
        Assert.Equal(IncrementalStepRunReason.Unchanged, Assert.Single(Reasons(second, TrackingNames.Networks)));
        AssertNothingReEmitted(first, second);
    }

    // The file is re-parsed and the network re-read, but it reads the same, so nothing is emitted
    // again, even though every span in the file moved.
    [Fact]
    public void EditingAnUnrelatedMethodInTheSameFileReEmitsNothing()
    {
        var (first, second) = RunTwice(Source, compilation => Edit(compilation,
            Source.Replace("public static int Twice(int x) => 2 * x;", "public static int Thrice(int x) => 3 * x;")
                  .Replace("namespace Lecture;", "namespace Lecture;\n\n// a comment that moves everything below it\n")));

        Assert.Equal(IncrementalStepRunReason.Unchanged, Assert.Single(Reasons(second, TrackingNames.Networks)));
        AssertNothingReEmitted(first, second);
    }

    [Fact]
    public void ChangingALayersUnitsReEmitsTheNetwork()
    {
        var (first, second) = RunTwice(Source, compilation => Edit(compilation,
            Source.Replace("[Dense(3, Activation.Sigmoid)]", "[Dense(4, Activation.Sigmoid)]")));

        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(Reasons(second, TrackingNames.Networks)));
        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(SourceOutputReasons(second, of: TrackingNames.NetworkSources)));
        string before = first.Source("Lecture.PassFail.g.cs"), after = second.Source("Lecture.PassFail.g.cs");
        Assert.Contains("dense 2 → 3", before);
        Assert.Contains("dense 2 → 4", after);
        second.AssertCompilesCleanly();
    }

    // A diagnostic carries its location, so moving a warned-about declaration re-reports it where it now is.
    [Fact]
    public void MovingADeclarationWithAWarningMovesTheWarning()
    {
        const string warned = """
            using NetDsl;

            [Network(Inputs = 2)]
            public partial class Net
            {
                [Dense(3, Activation.Softmax)] public partial Layer Output { get; }
            }
            """;
        var (first, second) = RunTwice(warned, compilation => Edit(compilation, "\n\n" + warned));

        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(Reasons(second, TrackingNames.Networks)));
        Assert.Equal(5, Assert.Single(first.GeneratorDiagnostics).Location.GetLineSpan().StartLinePosition.Line);
        Assert.Equal(7, Assert.Single(second.GeneratorDiagnostics).Location.GetLineSpan().StartLinePosition.Line);
    }

    // The warning moves with the declaration, and the network's code, which has no location in it,
    // is not written again: the source output reads the model alone, not the diagnostics beside it.
    [Fact]
    public void AnEditAboveANetworkWithAWarningReEmitsNothing()
    {
        const string warned = """
            using NetDsl;

            namespace Warned;

            [Network(Inputs = 2)]
            public partial class Net
            {
                [Dense(3, Activation.Softmax)] public partial Layer Output { get; }
            }
            """;
        var (first, second) = RunTwice(warned, compilation => Edit(compilation,
            warned.Replace("namespace Warned;", "namespace Warned;\n\n// lines that move the network down\n")));

        Assert.Equal("NDSL009", Assert.Single(first.GeneratorDiagnostics).Id);
        Assert.Equal(7, Assert.Single(first.GeneratorDiagnostics).Location.GetLineSpan().StartLinePosition.Line);
        Assert.Equal(10, Assert.Single(second.GeneratorDiagnostics).Location.GetLineSpan().StartLinePosition.Line);
        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(Reasons(second, TrackingNames.Networks)));
        Assert.Equal(IncrementalStepRunReason.Unchanged, Assert.Single(Reasons(second, TrackingNames.NetworkSources)));
        Assert.Equal(IncrementalStepRunReason.Cached, Assert.Single(SourceOutputReasons(second, of: TrackingNames.NetworkSources)));
        Assert.Equal(first.Source("Warned.Net.g.cs"), second.Source("Warned.Net.g.cs"));
    }

    // A network with an error and layers outside any network: their placeholders cache like code.
    [Fact]
    public void PlaceholdersAreNotReEmittedAfterAnUnrelatedEdit()
    {
        string faulty = Source.Replace("Inputs = 2", "Inputs = 0") + """

            public partial class Plain
            {
                [Dense(3)] public partial Layer Stray { get; }
                [Dropout(0.5)] public partial Layer AlsoStray { get; }
            }
            """;
        var (first, second) = RunTwice(faulty, compilation => compilation.AddSyntaxTrees(
            CSharpSyntaxTree.ParseText("public static class Unrelated { public static void M() { } }", GeneratorHarness.ParseOptions, "Unrelated.cs")));

        Assert.Equal(["Lecture.PassFail.g.cs", "Lecture.Plain.g.cs"], second.GeneratedSources.Select(s => s.HintName).Order(StringComparer.Ordinal));
        Assert.Equal(IncrementalStepRunReason.Unchanged, Assert.Single(Reasons(second, TrackingNames.Networks)));
        Assert.All(Reasons(second, TrackingNames.StrayLayers), r => Assert.Contains(r, CachedOrUnchanged));
        Assert.Single(SourceOutputReasons(second, of: TrackingNames.StrayLayerSources));
        AssertNothingReEmitted(first, second);
    }

    [Fact]
    public void FixingTheErrorReplacesThePlaceholderWithTheNetworksCode()
    {
        string faulty = Source.Replace("Inputs = 2", "Inputs = 0");
        var (first, second) = RunTwice(faulty, compilation => Edit(compilation, Source));

        Assert.Contains("// A NetDsl placeholder for network PassFail", first.Source("Lecture.PassFail.g.cs"));
        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(SourceOutputReasons(second, of: TrackingNames.NetworkSources)));
        Assert.Contains("dense 2 → 3", second.Source("Lecture.PassFail.g.cs"));
        second.AssertCompilesCleanly();
        Assert.Empty(second.GeneratorDiagnostics);
    }

    [Fact]
    public void ParsingTheSameDeclarationTwiceGivesEqualModels()
    {
        var a = ParseResultOf(GeneratorHarness.Run(Source));
        var b = ParseResultOf(GeneratorHarness.Run(Source));

        Assert.NotSame(a, b);
        Assert.NotNull(a.Network);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal(a.Network, b.Network);
        Assert.Equal(a.Network!.Layers, b.Network!.Layers);
    }

    [Fact]
    public void ParsingTheSameFaultyDeclarationTwiceGivesEqualDiagnostics()
    {
        string faulty = Source.Replace("Inputs = 2", "Inputs = 0").Replace("Dropout(0.1f)", "Dropout(1.5f)");
        var a = ParseResultOf(GeneratorHarness.Run(faulty));
        var b = ParseResultOf(GeneratorHarness.Run(faulty));

        Assert.Null(a.Network);
        Assert.NotNull(a.Placeholder);
        Assert.Equal(["NDSL003", "NDSL014"], a.Diagnostics.Select(d => d.Id));
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Fact]
    public void ADifferentLayerGivesADifferentModel()
    {
        var a = ParseResultOf(GeneratorHarness.Run(Source));
        var b = ParseResultOf(GeneratorHarness.Run(Source.Replace("Dropout(0.1f)", "Dropout(0.2f)")));

        Assert.NotEqual(a, b);
    }

    private static (GeneratorRun First, GeneratorRun Second) RunTwice(string source, Func<Compilation, Compilation> edit)
    {
        var first = GeneratorHarness.Run(GeneratorHarness.CreateDriver(), GeneratorHarness.Compile(source)).AssertGeneratorDidNotThrow();
        var second = GeneratorHarness.Run(first.Driver, edit(first.InputCompilation)).AssertGeneratorDidNotThrow();
        return (first, second);
    }

    private static Compilation Edit(Compilation compilation, string newText)
    {
        var tree = compilation.SyntaxTrees.Single(t => t.FilePath == GeneratorHarness.MainFile);
        return compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(newText)));
    }

    private static IEnumerable<IncrementalStepRunReason> Reasons(GeneratorRun run, string step) =>
        run.Result.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason);

    /// <summary>The source-output steps (all, or those fed by step <paramref name="of"/>): Cached means nothing was emitted again.</summary>
    private static IEnumerable<IncrementalStepRunReason> SourceOutputReasons(GeneratorRun run, string? of = null) =>
        run.Result.TrackedOutputSteps[WellKnownGeneratorOutputs.SourceOutput]
            .Where(s => of is null || s.Inputs.Any(i => i.Source.Name == of))
            .SelectMany(s => s.Outputs).Select(o => o.Reason);

    private static void AssertNothingReEmitted(GeneratorRun first, GeneratorRun second)
    {
        Assert.All(Reasons(second, TrackingNames.Networks), r => Assert.Contains(r, CachedOrUnchanged));
        Assert.Single(SourceOutputReasons(second, of: TrackingNames.NetworkSources));
        Assert.All(SourceOutputReasons(second), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
        Assert.Equal(first.GeneratedSources.Select(s => (s.HintName, s.SourceText.ToString())),
                     second.GeneratedSources.Select(s => (s.HintName, s.SourceText.ToString())));
    }

    private static ParseResult ParseResultOf(GeneratorRun run) =>
        (ParseResult)Assert.Single(run.Result.TrackedSteps[TrackingNames.Networks].SelectMany(s => s.Outputs)).Value;
}
