using System.Text;

namespace NetDsl.Tests.Infrastructure;

/// <summary>A small line-based unified diff (longest common subsequence), for readable snapshot failures.</summary>
internal static class UnifiedDiff
{
    private const int Context = 3;
    private const int MaxLines = 80;

    public static string Format(string expected, string actual, string expectedName, string actualName)
    {
        string[] a = expected.Split('\n'), b = actual.Split('\n');

        // Common prefix and suffix cost nothing; the LCS table covers only the middle.
        int prefix = 0;
        while (prefix < a.Length && prefix < b.Length && a[prefix] == b[prefix]) prefix++;
        int suffix = 0;
        while (suffix < a.Length - prefix && suffix < b.Length - prefix && a[^(suffix + 1)] == b[^(suffix + 1)]) suffix++;

        var edits = new List<(char Kind, int A, int B)>(); // ' ', '-', '+' with 0-based line numbers
        for (int i = 0; i < prefix; i++) edits.Add((' ', i, i));
        Middle(a, b, prefix, a.Length - suffix, prefix, b.Length - suffix, edits);
        for (int i = suffix; i > 0; i--) edits.Add((' ', a.Length - i, b.Length - i));

        var text = new StringBuilder().Append("--- ").Append(expectedName).Append('\n').Append("+++ ").Append(actualName).Append('\n');
        int written = 0;
        for (int start = 0; start < edits.Count && written < MaxLines;)
        {
            int change = edits.FindIndex(start, e => e.Kind != ' ');
            if (change < 0) break;
            int from = Math.Max(start, change - Context), to = change;
            // Extend the hunk while the next change is within 2 × Context lines.
            for (int i = change; i < edits.Count; i++)
            {
                if (edits[i].Kind != ' ') to = i;
                else if (i - to > 2 * Context) break;
            }
            to = Math.Min(edits.Count - 1, to + Context);
            var hunk = edits.GetRange(from, to - from + 1);
            text.Append($"@@ -{hunk[0].A + 1},{hunk.Count(e => e.Kind != '+')} +{hunk[0].B + 1},{hunk.Count(e => e.Kind != '-')} @@\n");
            foreach (var (kind, i, j) in hunk)
            {
                if (written++ == MaxLines)
                {
                    text.Append("… (diff truncated)\n");
                    break;
                }
                text.Append(kind).Append(kind == '+' ? b[j] : a[i]).Append('\n');
            }
            start = to + 1;
        }
        return text.ToString();
    }

    private static void Middle(string[] a, string[] b, int a0, int a1, int b0, int b1, List<(char, int, int)> edits)
    {
        int n = a1 - a0, m = b1 - b0;
        if ((long)n * m > 4_000_000)
        {
            // Too large to align: show the whole middle as removed, then added.
            for (int i = a0; i < a1; i++) edits.Add(('-', i, b0));
            for (int j = b0; j < b1; j++) edits.Add(('+', a1, j));
            return;
        }
        var lcs = new int[n + 1, m + 1];
        for (int i = n - 1; i >= 0; i--)
            for (int j = m - 1; j >= 0; j--)
                lcs[i, j] = a[a0 + i] == b[b0 + j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
        int x = 0, y = 0;
        while (x < n || y < m)
        {
            if (x < n && y < m && a[a0 + x] == b[b0 + y]) { edits.Add((' ', a0 + x, b0 + y)); x++; y++; }
            else if (x < n && (y == m || lcs[x + 1, y] >= lcs[x, y + 1])) { edits.Add(('-', a0 + x, b0 + y)); x++; }
            else { edits.Add(('+', a0 + x, b0 + y)); y++; }
        }
    }
}
