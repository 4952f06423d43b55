using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace NetDsl.Generators.Model;

/// <summary>Where a diagnostic points, as plain values (a <see cref="Location"/> would pin the compilation).</summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);

    /// <summary>The location inside the compilation's syntax tree, so #pragma and editorconfig reach it.</summary>
    public Location ToLocation(Compilation compilation)
    {
        foreach (var tree in compilation.SyntaxTrees)
            if (tree.FilePath == FilePath) return Location.Create(tree, Span);
        return ToLocation();
    }

    public static LocationInfo? From(Location? location) =>
        location?.SourceTree is null ? null
            : new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);
}

/// <summary>A diagnostic as data: descriptor id, location and message arguments.</summary>
internal sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> Arguments)
{
    /// <summary>For the analyzer: located in the compilation's syntax tree.</summary>
    public Diagnostic ToDiagnostic(Compilation compilation) => Diagnostic.Create(
        Diagnostics.DiagnosticDescriptors.ById(Id), Location?.ToLocation(compilation), System.Linq.Enumerable.ToArray<object>(Arguments));

    /// <summary>
    /// For the generator, whose cached model holds no syntax tree: located by path and span, which
    /// the build prints as <c>file(line,col)</c> like any other (#pragma does not reach it).
    /// </summary>
    public Diagnostic ToDiagnostic() => Diagnostic.Create(
        Diagnostics.DiagnosticDescriptors.ById(Id), Location?.ToLocation(), System.Linq.Enumerable.ToArray<object>(Arguments));
}
