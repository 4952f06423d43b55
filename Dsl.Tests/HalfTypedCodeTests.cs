using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NetDsl.Tests.Infrastructure;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// Code as it is being typed: syntax and binding errors in and around a network declaration. The
/// generator must never throw, and must never add compiler errors of its own: every diagnostic of
/// the output compilation is in the user's file (where the compiler, or NetDsl, rightly reports the typo).
/// </summary>
public sealed class HalfTypedCodeTests
{
    private const string PassFail = """
        using NetDsl;

        namespace Lecture;

        [Network(Inputs = 2, Loss = Loss.BinaryCrossEntropy)]
        public partial class PassFail
        {
            [Dense(3, Activation.Sigmoid)] public partial Layer Hidden { get; }
            [Dropout(0.25f)] public partial Layer Drop { get; }
            [Dense(1, Activation.Sigmoid)] public partial Layer Output { get; }

            public static float Score(PassFail net) => net.Predict([4f, 5f])[0];
        }
        """;

    public static TheoryData<string, string, string> Typos => new()
    {
        { "network attribute missing its closing paren", "Loss.BinaryCrossEntropy)]", "Loss.BinaryCrossEntropy]" },
        { "network attribute with an empty argument", "Inputs = 2,", "Inputs = ," },
        { "network attribute with a string for Inputs", "Inputs = 2,", "Inputs = \"two\"," },
        { "dense attribute missing its closing paren", "[Dense(3, Activation.Sigmoid)]", "[Dense(3, Activation.Sigmoid]" },
        { "dense attribute with a dangling member access", "[Dense(3, Activation.Sigmoid)]", "[Dense(3, Activation.)]" },
        { "dense attribute with an unknown activation", "[Dense(3, Activation.Sigmoid)]", "[Dense(3, Activation.Sigmod)]" },
        { "dense attribute with an open argument list", "[Dense(3, Activation.Sigmoid)]", "[Dense(]" },
        { "misspelt attribute", "[Dense(3, Activation.Sigmoid)]", "[Dens(3, Activation.Sigmoid)]" },
        { "dropout rate written as a string", "[Dropout(0.25f)]", "[Dropout(\"0.25\")]" },
        { "property missing its type", "public partial Layer Hidden", "public partial Hidden" },
        { "property with a misspelt type", "public partial Layer Hidden", "public partial Layr Hidden" },
        { "property missing its name", "public partial Layer Hidden", "public partial Layer" },
        { "property missing its accessor list's brace", "Layer Drop { get; }", "Layer Drop { get;" },
        // Not a syntax error: the attribute lands on the next member, which then has both (NDSL005).
        { "attribute with no member after it", "[Dropout(0.25f)] public partial Layer Drop { get; }", "[Dropout(0.25f)]" },
        { "class missing its closing brace", "[0];\n}", "[0];\n" },
        { "class missing its opening brace", "class PassFail\n{", "class PassFail\n" },
        { "class missing its name", "public partial class PassFail", "public partial class" },
        { "namespace missing its name", "namespace Lecture;", "namespace ;" },
        { "containing class missing its name", "[Network(", "partial class\n{\n[Network(" },
        { "a nested network named like a namespace (CS0101)", "namespace Lecture;", "namespace Lecture.Outer { [Network(Inputs = 1)] public partial class PassFail { [Dense(1)] public partial Layer Output { get; } } }\nnamespace Lecture;\npublic partial class Outer {" },
        { "[Network] on a second partial declaration (CS0579)", "public static float Score", "}\n[Network(Inputs = 2)]\npublic partial class PassFail\n{\npublic static float Score" },
    };

    [Theory]
    [MemberData(nameof(Typos))]
    public void TypoNeverBreaksTheGenerator(string typo, string find, string replaceWith)
    {
        Assert.Contains(find, PassFail, StringComparison.Ordinal);
        var run = GeneratorHarness.Run(PassFail.Replace(find, replaceWith, StringComparison.Ordinal));

        run.AssertGeneratorDidNotThrow();
        Assert.True(run.CompilerDiagnostics.Concat(run.GeneratorDiagnostics).Any(d => d.Severity == DiagnosticSeverity.Error),
            $"'{typo}' should be an error in the user's file, the compiler's or NetDsl's.");
        var inGeneratedCode = run.DiagnosticsInGeneratedCode.ToList();
        Assert.True(inGeneratedCode.Count == 0, "Diagnostics in generated code:\n" + string.Join("\n", inGeneratedCode));
    }

    // The whole file typed one character at a time, then each token deleted in turn: on one
    // driver, as an IDE runs it, so the incremental states between them are exercised too.
    // Binding generated code costs ~0.1 s, so it is checked each time the generated text changes.
    [Fact]
    public void EveryPrefixAndEveryTokenDeletionIsSafe()
    {
        var tokens = CSharpSyntaxTree.ParseText(PassFail, GeneratorHarness.ParseOptions).GetRoot().DescendantTokens().Select(t => t.Span);
        var edits = Enumerable.Range(0, PassFail.Length + 1).Select(n => PassFail[..n])
            .Concat(tokens.Select(span => PassFail.Remove(span.Start, span.Length)));
        var driver = GeneratorHarness.CreateDriver();
        var compilation = GeneratorHarness.Compile(PassFail);
        var failures = new List<string>();
        string lastChecked = "";
        foreach (string text in edits)
        {
            var tree = compilation.SyntaxTrees.Single();
            compilation = compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(text, GeneratorHarness.ParseOptions, tree.FilePath));
            var run = GeneratorHarness.Run(driver, compilation);
            driver = run.Driver;
            if (run.Result.Exception is { } exception)
            {
                failures.Add($"generator threw {exception.GetType().Name} on:\n{text}");
                continue;
            }
            string generated = string.Join("\n", run.GeneratedSources.Select(s => s.SourceText.ToString()));
            if (generated == lastChecked) continue;
            lastChecked = generated;
            if (run.DiagnosticsInGeneratedCode.FirstOrDefault() is { } diagnostic)
                failures.Add($"{diagnostic} on:\n{text}");
        }
        Assert.True(failures.Count == 0, $"{failures.Count} edits broke the generator; the first:\n{failures.FirstOrDefault()}");
    }
}
