using Microsoft.CodeAnalysis.Text;

namespace NetDsl.Tests.Infrastructure;

/// <summary>
/// Source text with one span marked <c>[|like this|]</c> (the Roslyn SDK's test markup): where a
/// diagnostic is expected. <see cref="Source"/> is the text without the markers.
/// </summary>
internal sealed record Markup(string Source, TextSpan Span)
{
    public static Markup Parse(string marked)
    {
        int start = marked.IndexOf("[|", StringComparison.Ordinal);
        int end = marked.IndexOf("|]", StringComparison.Ordinal);
        if (start < 0 || end < start || marked.IndexOf("[|", start + 2, StringComparison.Ordinal) >= 0)
            throw new ArgumentException("Mark exactly one span with [| and |].", nameof(marked));
        string source = marked.Remove(end, 2).Remove(start, 2);
        return new Markup(source, TextSpan.FromBounds(start, end - 2));
    }

    /// <summary>The marked span as 0-based lines and columns.</summary>
    public LinePositionSpan LineSpan => SourceText.From(Source).Lines.GetLinePositionSpan(Span);

    public string MarkedText => Source.Substring(Span.Start, Span.Length);
}
