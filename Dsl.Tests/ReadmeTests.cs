using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using NetDsl.Generators;
using NetDsl.Tests.Infrastructure;

namespace NetDsl.Tests;

/// <summary>
/// The README's code, so it cannot rot. Every fenced block whose info string is <c>csharp</c> must
/// compile as a complete console program (top-level statements, then types), with the SDK's implicit
/// usings, against the runtime and the generator, with no error and no warning. A block fenced
/// <c>csharp generated</c> is an excerpt of generated code: its non-blank lines, trimmed, must appear
/// in one of the reviewed snapshots under Dsl.Tests/Snapshots/, consecutively and in order except
/// where a line <c>...</c> elides some.
/// Other blocks (<c>sh</c>, <c>text</c>…) are not checked. Each C# block is one case, named by the
/// line of its opening fence in README.md.
/// </summary>
public sealed class ReadmeTests
{
    private const string Elision = "...";

    public static TheoryData<int> CSharpBlocks()
    {
        var lines = new TheoryData<int>();
        foreach (var block in Readme.Value.Blocks.Where(b => b.IsCSharp)) lines.Add(block.Line);
        return lines;
    }

    [Fact]
    public void The_readme_has_a_csharp_program_to_compile()
    {
        Assert.Contains(Readme.Value.Blocks, block => block.Info == "csharp");
    }

    [Theory]
    [MemberData(nameof(CSharpBlocks))]
    public void Code_block(int line)
    {
        var block = Readme.Value.Blocks.Single(b => b.Line == line);
        switch (block.Info)
        {
            case "csharp": AssertCompilesAsAProgram(block); break;
            case "csharp generated": AssertMatchesASnapshot(block); break;
            default: Assert.Fail($"README.md:{line}: a C# block is fenced '{block.Info}'; use 'csharp' (a program that must compile) or 'csharp generated' (an excerpt of a snapshot)."); break;
        }
    }

    // ---- csharp: a console program ----

    /// <summary>C# as a new project on this SDK gets it (partial properties need 13 or later).</summary>
    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    // As the SDK builds a console program: nullable on, every warning wave, the SDK's default NoWarn.
    private static readonly CSharpCompilationOptions ProgramOptions =
        new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable, warningLevel: 9999)
            .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic>
            {
                ["CS1701"] = ReportDiagnostic.Suppress,
                ["CS1702"] = ReportDiagnostic.Suppress,
            });

    /// <summary>
    /// The shared framework (what a console project references) plus NetDsl and its one dependency,
    /// System.Numerics.Tensors, NetDsl.Onnx and its one, Google.Protobuf, for the export example, and
    /// NetDsl.Mpi for the section on several machines: not the test host's own packages, which a
    /// reader's project would not have.
    /// </summary>
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        string framework = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        return [.. Directory.EnumerateFiles(framework, "*.dll")
            .Append(typeof(Layer).Assembly.Location)
            .Append(typeof(NetDsl.Mpi.Mpi).Assembly.Location)
            .Append(typeof(System.Numerics.Tensors.TensorPrimitives).Assembly.Location)
            .Append(typeof(NetDsl.Onnx.OnnxExportExtensions).Assembly.Location)
            .Append(typeof(Google.Protobuf.ByteString).Assembly.Location)
            .DistinctBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .Where(IsManagedAssembly)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))];
    });

    private static bool IsManagedAssembly(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new System.Reflection.PortableExecutable.PEReader(stream);
        return reader.HasMetadata;
    }

    private static void AssertCompilesAsAProgram(CodeBlock block)
    {
        var compilation = CSharpCompilation.Create("ReadmeProgram",
            [
                CSharpSyntaxTree.ParseText(block.Code, ParseOptions, $"README.md:{block.Line}"),
                CSharpSyntaxTree.ParseText(ImplicitUsings.ConsoleApp, ParseOptions, "ImplicitUsings.g.cs"),
            ],
            References.Value, ProgramOptions);
        GeneratorDriver driver = CSharpGeneratorDriver.Create([new NetworkGenerator().AsSourceGenerator()], parseOptions: ParseOptions);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);

        var generated = driver.GetRunResult().Results.Single();
        Assert.True(generated.Exception is null, $"The generator threw on README.md:{block.Line}: {generated.Exception}");

        // As the compiler does: the analyzer (the NDSL diagnostics) sees the compilation with the generated sources.
        var analyzerExceptions = new List<Exception>();
        var analysis = new CompilationWithAnalyzersOptions(new AnalyzerOptions([]),
            (exception, _, _) => { lock (analyzerExceptions) analyzerExceptions.Add(exception); },
            concurrentAnalysis: false, logAnalyzerExecutionTime: false);
        var diagnostics = output.WithAnalyzers([new NetworkAnalyzer()], analysis).GetAllDiagnosticsAsync().GetAwaiter().GetResult();
        Assert.Empty(analyzerExceptions);

        var problems = generatorDiagnostics.Concat(diagnostics)
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .Select(d => ReadmeLocation(d, block))
            .ToList();
        Assert.True(problems.Count == 0,
            $"The csharp block at README.md:{block.Line} does not compile cleanly as a console program:\n" + string.Join("\n", problems));
    }

    /// <summary>A diagnostic with its position translated to README.md's lines where it is in the block.</summary>
    private static string ReadmeLocation(Diagnostic diagnostic, CodeBlock block)
    {
        var span = diagnostic.Location.GetLineSpan();
        if (span.Path != $"README.md:{block.Line}") return diagnostic.ToString();
        return $"README.md({block.Line + 1 + span.StartLinePosition.Line},{span.StartLinePosition.Character + 1}): "
            + $"{diagnostic.Severity.ToString().ToLowerInvariant()} {diagnostic.Id}: {diagnostic.GetMessage()}";
    }

    // ---- csharp generated: an excerpt of a snapshot ----

    private static void AssertMatchesASnapshot(CodeBlock block)
    {
        // The excerpt's non-blank lines, trimmed, cut into runs at each "..." line.
        var runs = new List<List<string>> { new() };
        foreach (string line in block.Code.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0))
        {
            if (line == Elision) runs.Add([]);
            else runs[^1].Add(line);
        }
        runs.RemoveAll(run => run.Count == 0);
        Assert.True(runs.Count > 0, $"The generated excerpt at README.md:{block.Line} is empty.");

        string snapshots = Path.Combine(Readme.Value.Root, "Dsl.Tests", "Snapshots");
        var files = Directory.GetFiles(snapshots, "*.verified.cs").Order(StringComparer.Ordinal).ToArray();
        Assert.NotEmpty(files);
        var mismatches = new List<string>();
        foreach (string file in files)
        {
            var snapshot = File.ReadLines(file).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
            string? missing = FindInOrder(runs, snapshot);
            if (missing is null) return;
            mismatches.Add($"  {Path.GetFileName(file)} {missing}");
        }
        Assert.Fail($"The generated excerpt at README.md:{block.Line} is in no snapshot under Dsl.Tests/Snapshots/. Each run of lines " +
            $"between '{Elision}' lines must appear, consecutively and in order, in one snapshot:\n" + string.Join("\n", mismatches));
    }

    /// <summary>Null if each run appears as consecutive lines of <paramref name="snapshot"/>, after the run before it; else what is wrong.</summary>
    private static string? FindInOrder(List<List<string>> runs, List<string> snapshot)
    {
        int from = 0;
        foreach (var run in runs)
        {
            int at = IndexOfRun(snapshot, run, from);
            if (at < 0)
                return run.FirstOrDefault(line => !snapshot.Contains(line)) is string absent
                    ? $"has no line '{absent}'"
                    : $"has the lines from '{run[0]}', but not consecutively after the excerpt's earlier lines";
            from = at + run.Count;
        }
        return null;
    }

    private static int IndexOfRun(List<string> lines, List<string> run, int from)
    {
        for (int i = from; i + run.Count <= lines.Count; i++)
            if (lines.Skip(i).Take(run.Count).SequenceEqual(run, StringComparer.Ordinal)) return i;
        return -1;
    }

    // ---- README.md and its fenced blocks ----

    /// <summary>README.md, parsed once; the Python tests run its <c>python</c> blocks.</summary>
    internal static readonly Lazy<ReadmeFile> Readme = new(ReadmeFile.Load);

    internal sealed record CodeBlock(int Line, string Info, string Code)
    {
        /// <summary>C# by its info string's first word, as GitHub highlights it.</summary>
        public bool IsCSharp => Info.Split(' ', 2)[0].ToLowerInvariant() is "csharp" or "cs" or "c#";
    }

    internal sealed record ReadmeFile(string Root, IReadOnlyList<CodeBlock> Blocks)
    {
        /// <summary>Walks up from the test assembly's folder to the repository root, the folder holding README.md and Dsl.Tests/.</summary>
        public static ReadmeFile Load()
        {
            for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            {
                string readme = Path.Combine(folder.FullName, "README.md");
                if (File.Exists(readme) && Directory.Exists(Path.Combine(folder.FullName, "Dsl.Tests")))
                    return new ReadmeFile(folder.FullName, Parse(File.ReadAllLines(readme)));
            }
            throw new InvalidOperationException($"No README.md beside Dsl.Tests/ above {AppContext.BaseDirectory}.");
        }

        /// <summary>
        /// The fenced code blocks (CommonMark: a line of three or more backticks or tildes, indented
        /// at most three spaces, closed by a line of at least as many of the same character).
        /// </summary>
        public static IReadOnlyList<CodeBlock> Parse(string[] lines)
        {
            var blocks = new List<CodeBlock>();
            for (int i = 0; i < lines.Length; i++)
            {
                if (!IsFence(lines[i], out char fence, out int length, out string info)) continue;
                int open = i;
                var code = new List<string>();
                for (i++; i < lines.Length; i++)
                {
                    if (IsFence(lines[i], out char close, out int closeLength, out string rest) && close == fence && closeLength >= length && rest.Length == 0) break;
                    code.Add(lines[i]);
                }
                blocks.Add(new CodeBlock(open + 1, info, string.Join("\n", code)));
            }
            return blocks;
        }

        private static bool IsFence(string line, out char fence, out int length, out string info)
        {
            string text = line.TrimStart(' ');
            char first = text.Length > 0 ? text[0] : '\0';
            fence = first;
            length = text.TakeWhile(c => c == first).Count();
            info = text[length..].Trim();
            return line.Length - text.Length <= 3 && fence is ('`' or '~') && length >= 3;
        }
    }
}
