using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.CodeAnalysis;
using Xunit.Sdk;

namespace NetDsl.Tests.Infrastructure;

/// <summary>
/// Snapshot testing of generated sources with Verify.Xunit's file conventions, so switching to Verify
/// later changes no snapshot file:
/// <list type="bullet">
/// <item><c>Snapshots/{TestClass}.{TestMethod}#{HintNameWithoutExtension}.verified.cs</c> per generated
/// file, its first line <c>//HintName: {HintName}</c>, then the generated text;</item>
/// <item><c>Snapshots/{TestClass}.{TestMethod}.verified.txt</c> with the generator's diagnostics, only
/// when there are some (one a line: id, severity, file(line:column-line:column), message);</item>
/// <item>on a mismatch, or when no verified file exists yet, the actual text goes to a
/// <c>.received.</c> file beside it (git-ignored) and the test fails with a unified diff.</item>
/// </list>
/// To accept what a run receives, rerun with <c>NETDSL_ACCEPT=1 dotnet test Dsl.Tests</c>: it overwrites
/// the verified files (and deletes snapshots of files no longer generated); review the change with
/// <c>git diff</c>. Or rename a <c>.received.</c> file to <c>.verified.</c> by hand.
/// <para>{TestClass} is the name of the calling source file, so keep one test class per file, named
/// after it; the Snapshots folder sits beside that file, found through [CallerFilePath] (so snapshot
/// tests must run from a build of this checkout, as <c>dotnet test</c> does).</para>
/// <para>Line endings are normalised to \n on both sides; files are written as UTF-8 without BOM.</para>
/// </summary>
internal static class SnapshotAssert
{
    /// <summary>Set to 1 (or true) to accept what a run receives.</summary>
    public const string AcceptVariable = "NETDSL_ACCEPT";

    private static bool AcceptFromEnvironment =>
        Environment.GetEnvironmentVariable(AcceptVariable) is "1" or "true" or "True" or "TRUE";

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Compares every generated source, and the generator's diagnostics, with the verified snapshots of the calling test.</summary>
    /// <param name="run">The generator run to check.</param>
    /// <param name="scrub">Rewrites each generated text before comparing (e.g. to hide the version).</param>
    /// <param name="accept">Overrides <see cref="AcceptVariable"/>; for the helper's own tests.</param>
    public static void Verify(GeneratorRun run, Func<string, string>? scrub = null, bool? accept = null,
        [CallerFilePath] string testFile = "", [CallerMemberName] string testMethod = "")
    {
        bool accepting = accept ?? AcceptFromEnvironment;
        string directory = Path.Combine(Path.GetDirectoryName(testFile)!, "Snapshots");
        if (!Directory.Exists(directory))
            throw new XunitException($"Snapshot folder '{directory}' (beside the test source, from [CallerFilePath]) does not exist: run the tests from a build of this checkout.");
        string prefix = Path.GetFileNameWithoutExtension(testFile) + "." + testMethod;
        scrub ??= static text => text;

        var expected = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in run.GeneratedSources.OrderBy(s => s.HintName, StringComparer.Ordinal))
        {
            string file = $"{prefix}#{Path.GetFileNameWithoutExtension(source.HintName)}.verified.cs";
            expected.Add(file, $"//HintName: {source.HintName}\n" + scrub(Normalize(source.SourceText.ToString())));
        }
        var diagnostics = run.GeneratorDiagnostics;
        if (!diagnostics.IsEmpty)
            expected.Add(prefix + ".verified.txt", string.Join("", diagnostics
                .OrderBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id, StringComparer.Ordinal)
                .Select(d => Describe(d) + "\n")));

        var failures = new List<string>();
        foreach (var (file, text) in expected)
            if (Compare(Path.Combine(directory, file), text, accepting) is { } failure)
                failures.Add(failure);

        // Snapshots of this test that the generator no longer produces.
        var stale = Directory.EnumerateFiles(directory, prefix + "#*.verified.cs")
            .Append(Path.Combine(directory, prefix + ".verified.txt"))
            .Where(path => File.Exists(path) && !expected.ContainsKey(Path.GetFileName(path)))
            .ToList();
        foreach (var path in stale)
        {
            if (accepting) File.Delete(path);
            else failures.Add($"{Path.GetFileName(path)}: verified, but not produced any more; delete it, or rerun with NETDSL_ACCEPT=1.");
        }

        if (failures.Count > 0)
            throw new XunitException(string.Join("\n\n", failures));
    }

    /// <summary>One diagnostic as a snapshot line: <c>NDSL009 Warning Network.cs(5:36-5:42): message</c> (1-based).</summary>
    public static string Describe(Diagnostic diagnostic)
    {
        var span = diagnostic.Location.GetLineSpan();
        string where = diagnostic.Location == Location.None ? "(no location)"
            : $"{span.Path}({span.StartLinePosition.Line + 1}:{span.StartLinePosition.Character + 1}-{span.EndLinePosition.Line + 1}:{span.EndLinePosition.Character + 1})";
        return $"{diagnostic.Id} {diagnostic.Severity} {where}: {diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
    }

    /// <summary>Null when <paramref name="verifiedPath"/> holds <paramref name="received"/>; otherwise why not.</summary>
    private static string? Compare(string verifiedPath, string received, bool accepting)
    {
        string receivedPath = verifiedPath.Replace(".verified.", ".received.", StringComparison.Ordinal);
        string? verified = File.Exists(verifiedPath) ? Normalize(File.ReadAllText(verifiedPath)) : null;
        if (verified == received)
        {
            File.Delete(receivedPath);
            return null;
        }
        if (accepting)
        {
            File.WriteAllText(verifiedPath, received, Utf8NoBom);
            File.Delete(receivedPath);
            return null;
        }
        File.WriteAllText(receivedPath, received, Utf8NoBom);
        string name = Path.GetFileName(verifiedPath);
        return verified is null
            ? $"{name}: no verified snapshot yet. Review {Path.GetFileName(receivedPath)}, then accept it by renaming it or by rerunning with NETDSL_ACCEPT=1."
            : $"{name}: the generated text differs from the verified snapshot (received text in {Path.GetFileName(receivedPath)}; accept with NETDSL_ACCEPT=1):\n"
              + UnifiedDiff.Format(verified, received, "verified", "received");
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
}
