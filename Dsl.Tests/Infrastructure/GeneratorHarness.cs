using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using NetDsl.Generators;

namespace NetDsl.Tests.Infrastructure;

/// <summary>
/// Compiles C# source text against the real runtime (the test host's platform assemblies, NetDsl and
/// System.Numerics.Tensors), runs <see cref="NetworkGenerator"/> on it the way the compiler does,
/// and hands back everything a test asserts on.
/// </summary>
internal static class GeneratorHarness
{
    /// <summary>The path of the first source; further sources are <c>Source1.cs</c>, <c>Source2.cs</c>…</summary>
    public const string MainFile = "Network.cs";

    /// <summary>C# preview: partial properties need C# 13 or later.</summary>
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Preview);

    // As the SDK builds a library: nullable on, every warning wave, and the SDK's default NoWarn
    // (CS1701/CS1702: assembly-version unification between the host's references).
    private static readonly CSharpCompilationOptions CompilationOptions =
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, warningLevel: 9999)
            .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic>
            {
                ["CS1701"] = ReportDiagnostic.Suppress,
                ["CS1702"] = ReportDiagnostic.Suppress,
            });

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).ToList();
        paths.Add(typeof(Layer).Assembly.Location);
        paths.Add(typeof(System.Numerics.Tensors.TensorPrimitives).Assembly.Location);
        return [.. paths
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .DistinctBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    });

    public static CSharpCompilation Compile(params string[] sources) =>
        CSharpCompilation.Create("UserAssembly",
            sources.Select((text, i) => CSharpSyntaxTree.ParseText(text, ParseOptions, i == 0 ? MainFile : $"Source{i}.cs")),
            References.Value, CompilationOptions);

    /// <summary>A driver that records every step, so caching can be inspected.</summary>
    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            [new NetworkGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static GeneratorRun Run(params string[] sources) => Run(CreateDriver(), Compile(sources));

    public static GeneratorRun Run(GeneratorDriver driver, Compilation compilation)
    {
        // Unlike csc, generators run even when the sources have syntax errors: an IDE runs them on
        // code as it is being typed, and the generator must cope with that.
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var driverDiagnostics);
        // As the compiler does: analyzers see the compilation with the generated sources added, and
        // run only if it got past parsing and declaring without an error that cannot be suppressed
        // (every compiler error; not NetDsl's, which are configurable).
        bool analyzersRun = !driverDiagnostics.Concat(output.GetParseDiagnostics()).Concat(output.GetDeclarationDiagnostics()).Any(IsUnsuppressableError);
        var (analyzerDiagnostics, analyzerExceptions) = analyzersRun ? Analyze(output) : ([], Array.Empty<Exception>());
        return new GeneratorRun(driver, compilation, output, driverDiagnostics.AddRange(analyzerDiagnostics), analyzerExceptions, analyzersRun);
    }

    /// <summary>What csc's <c>HasUnsuppressableErrors</c> looks for: an error marked not configurable, as every compiler error is.</summary>
    private static bool IsUnsuppressableError(Diagnostic diagnostic) =>
        diagnostic.Severity == DiagnosticSeverity.Error && diagnostic.Descriptor.CustomTags.Contains(WellKnownDiagnosticTags.NotConfigurable);

    /// <summary>Runs <see cref="NetworkAnalyzer"/>, which reports the NDSL diagnostics, as the compiler does.</summary>
    private static (ImmutableArray<Diagnostic> Diagnostics, IReadOnlyList<Exception> Exceptions) Analyze(Compilation compilation)
    {
        var exceptions = new List<Exception>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions([]), (exception, _, _) => { lock (exceptions) exceptions.Add(exception); },
            concurrentAnalysis: false, logAnalyzerExecutionTime: false);
        var diagnostics = compilation.WithAnalyzers([new NetworkAnalyzer()], options).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        return (diagnostics.OrderBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id, StringComparer.Ordinal).ToImmutableArray(), exceptions);
    }
}

/// <summary>One run of the generator: its inputs, what it produced and what the compiler then said.</summary>
internal sealed class GeneratorRun(GeneratorDriver driver, Compilation input, Compilation output, ImmutableArray<Diagnostic> diagnostics, IReadOnlyList<Exception> analyzerExceptions, bool analyzersRan)
{
    public GeneratorDriver Driver { get; } = driver;
    public Compilation InputCompilation { get; } = input;
    public Compilation OutputCompilation { get; } = output;

    /// <summary>The run of our one generator: generated sources, diagnostics, tracked steps, any exception.</summary>
    public GeneratorRunResult Result => Driver.GetRunResult().Results.Single();

    public ImmutableArray<GeneratedSourceResult> GeneratedSources => Result.GeneratedSources;

    /// <summary>
    /// What NetDsl reported: the NDSL diagnostics of <see cref="NetworkAnalyzer"/> (when analyzers ran)
    /// and of the generator, plus the driver's own (CS8784/CS8785 when the generator throws).
    /// </summary>
    public ImmutableArray<Diagnostic> GeneratorDiagnostics { get; } = diagnostics;

    /// <summary>
    /// Whether the compiler would run analyzers: it does not when parsing or declaring (generated
    /// code included) gives a compiler error, such as a partial member without its implementation.
    /// </summary>
    public bool AnalyzersRan { get; } = analyzersRan;

    /// <summary>Every error and warning of the compilation with the generated sources added.</summary>
    public ImmutableArray<Diagnostic> CompilerDiagnostics => OutputCompilation.GetDiagnostics()
        .Where(d => d.Severity >= DiagnosticSeverity.Warning).ToImmutableArray();

    /// <summary>Errors and warnings the compiler reports in the files the generator wrote (binding only those files).</summary>
    public IEnumerable<Diagnostic> DiagnosticsInGeneratedCode => GeneratedSources
        .SelectMany(source => OutputCompilation.GetSemanticModel(source.SyntaxTree).GetDiagnostics())
        .Where(d => d.Severity >= DiagnosticSeverity.Warning);

    public string Source(string hintName) => GeneratedSources.Single(s => s.HintName == hintName).SourceText.ToString();

    /// <summary>Fails if the generator threw (the compiler would report CS8785 and drop its output).</summary>
    public GeneratorRun AssertGeneratorDidNotThrow()
    {
        Xunit.Assert.True(Result.Exception is null, $"The generator threw: {Result.Exception}");
        Xunit.Assert.True(analyzerExceptions.Count == 0, $"The analyzer threw: {string.Join("\n", analyzerExceptions)}");
        Xunit.Assert.DoesNotContain(GeneratorDiagnostics, d => d.Id is "CS8784" or "CS8785");
        return this;
    }

    /// <summary>Fails unless the user's code plus the generated code compiles with no error and no warning.</summary>
    public GeneratorRun AssertCompilesCleanly()
    {
        AssertGeneratorDidNotThrow();
        var problems = CompilerDiagnostics;
        Xunit.Assert.True(problems.IsEmpty, "The output compilation has diagnostics:\n" + string.Join("\n", problems));
        return this;
    }
}
