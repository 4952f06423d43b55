using Microsoft.CodeAnalysis;
using NetDsl.Generators.Diagnostics;
using NetDsl.Tests.Infrastructure;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// Every diagnostic has a description and a help link to its page, docs/diagnostics/NDSL0xx.md,
/// which says what it means and shows a wrong example and a right one. The examples are real: the
/// C# blocks fenced <c>csharp wrong</c> must give that id and no other NDSL one (with exactly the
/// compiler errors the fence lists after it, as <c>csharp wrong CS0751 CS9248</c>), the first with
/// the message the page quotes; those fenced <c>csharp right</c> must compile with no diagnostic at all.
/// </summary>
public sealed class DiagnosticDocsTests
{
    public static TheoryData<string> Ids => new(DiagnosticDescriptors.All.Select(d => d.Id));

    public static TheoryData<string, int> Examples()
    {
        var examples = new TheoryData<string, int>();
        foreach (var descriptor in DiagnosticDescriptors.All)
            foreach (var block in Page.Load(descriptor.Id).Blocks.Where(b => b.IsExample))
                examples.Add(descriptor.Id, block.Line);
        return examples;
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Every_diagnostic_has_a_description_and_a_page_with_a_wrong_and_a_right_example(string id)
    {
        var descriptor = DiagnosticDescriptors.ById(id);
        Assert.False(string.IsNullOrWhiteSpace(descriptor.Description.ToString(System.Globalization.CultureInfo.InvariantCulture)), $"{id} has no description");
        Assert.Equal($"https://github.com/netdsl/netdsl/blob/main/docs/diagnostics/{id}.md", descriptor.HelpLinkUri);

        var page = Page.Load(id);
        Assert.Equal($"# {id}: {descriptor.Title}", page.Lines[0]);
        Assert.StartsWith($"**{descriptor.DefaultSeverity}** · `", page.Lines[2], StringComparison.Ordinal);
        Assert.Contains(page.Blocks, b => b.Kind == "wrong");
        Assert.Contains(page.Blocks, b => b.Kind == "right");
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example(string id, int line)
    {
        var page = Page.Load(id);
        var block = page.Blocks.Single(b => b.Line == line);
        var run = GeneratorHarness.Run(block.Code).AssertGeneratorDidNotThrow();
        string where = $"docs/diagnostics/{id}.md:{line}";
        if (block.Kind == "right")
        {
            Assert.True(run.GeneratorDiagnostics.IsEmpty, $"{where}: the right example gets {string.Join(", ", run.GeneratorDiagnostics)}");
            run.AssertCompilesCleanly();
            return;
        }

        var reported = run.GeneratorDiagnostics.Where(d => d.Id.StartsWith("NDSL", StringComparison.Ordinal)).ToList();
        Assert.True(reported.Count > 0 && reported.All(d => d.Id == id),
            $"{where}: the wrong example must give {id} and no other NDSL diagnostic, but gives [{string.Join(", ", reported.Select(d => d.Id))}]");
        Assert.Equal(block.CompilerErrors, run.CompilerDiagnostics.Select(d => d.Id).Distinct().Order(StringComparer.Ordinal));
        // The message the page quotes is the one this example gets.
        string quoted = page.Lines[2][(page.Lines[2].IndexOf('`') + 1)..^1];
        Assert.Equal(quoted, reported[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    private sealed record CodeBlock(int Line, string Info, string Code)
    {
        private string[] Words => Info.Split(' ', StringSplitOptions.RemoveEmptyEntries);

        /// <summary>"wrong" or "right" for an example, after the language.</summary>
        public string Kind => Words.Length > 1 ? Words[1] : "";

        public bool IsExample => Words.Length > 1 && Words[0] == "csharp" && Kind is "wrong" or "right";

        /// <summary>The compiler errors a wrong example comes with, listed after "wrong".</summary>
        public IEnumerable<string> CompilerErrors => Words.Skip(2).Order(StringComparer.Ordinal);
    }

    private sealed record Page(string[] Lines, IReadOnlyList<CodeBlock> Blocks)
    {
        private static readonly Dictionary<string, Page> Cache = [];

        public static Page Load(string id)
        {
            lock (Cache)
            {
                if (Cache.TryGetValue(id, out var cached)) return cached;
                string path = Path.Combine(Root.Value, "docs", "diagnostics", id + ".md");
                Assert.True(File.Exists(path), $"{id} has no page: {path}");
                string[] lines = File.ReadAllLines(path);
                return Cache[id] = new Page(lines, Parse(lines));
            }
        }

        /// <summary>Fenced blocks of three backticks, as the pages write them.</summary>
        private static List<CodeBlock> Parse(string[] lines)
        {
            var blocks = new List<CodeBlock>();
            for (int i = 0; i < lines.Length; i++)
            {
                if (!lines[i].StartsWith("```", StringComparison.Ordinal)) continue;
                int open = i;
                var code = new List<string>();
                for (i++; i < lines.Length && lines[i].TrimEnd() != "```"; i++) code.Add(lines[i]);
                blocks.Add(new CodeBlock(open + 1, lines[open][3..].Trim(), string.Join("\n", code)));
            }
            return blocks;
        }

        /// <summary>The repository root: the folder above the test assembly holding docs/ and Dsl.Tests/.</summary>
        private static readonly Lazy<string> Root = new(() =>
        {
            for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
                if (Directory.Exists(Path.Combine(folder.FullName, "docs", "diagnostics")) && Directory.Exists(Path.Combine(folder.FullName, "Dsl.Tests")))
                    return folder.FullName;
            throw new InvalidOperationException($"No docs/diagnostics beside Dsl.Tests/ above {AppContext.BaseDirectory}.");
        });
    }
}
