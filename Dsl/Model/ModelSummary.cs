using System.ComponentModel;
using System.Globalization;
using System.Text;

namespace NetDsl.Runtime;

/// <summary>
/// The model summary the generated <c>Summary()</c> returns, as Keras's <c>model.summary()</c> prints it: one row
/// per layer (name, kind, output shape, activation, parameters), then the totals in parameters and bytes.
/// Built from the network's <see cref="INetworkModel.Layers"/>; plain text, so it reads the same in a console,
/// a log or a test.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ModelSummary
{
    /// <summary>The summary of <paramref name="network"/>.</summary>
    /// <exception cref="InvalidOperationException">The network does not list its layers (a hand-written model).</exception>
    public static string Format(INetworkModel network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var layers = network.Layers ?? throw new InvalidOperationException(
            $"{network.GetType().Name} does not list its layers (INetworkModel.Layers is null), so there is nothing to summarise; generated networks list them.");
        string[] header = ["Layer", "Kind", "Output Shape", "Activation", "Param #"];
        var rows = layers.Select(layer => new[]
        {
            layer.Name,
            layer.Kind == LayerKind.Dense ? "Dense" : $"Dropout ({Invariant(layer.DropoutRate ?? 0f)})",
            $"(None, {Invariant(layer.Units)})",
            layer.Activation?.ToString() ?? "",
            layer.ParameterCount.ToString("N0", CultureInfo.InvariantCulture),
        }).ToList();
        var widths = Enumerable.Range(0, header.Length).Select(c => rows.Select(r => r[c].Length).Append(header[c].Length).Max()).ToArray();
        int width = widths.Sum() + 3 * (widths.Length - 1) + 1;

        long parameters = layers.Sum(l => (long)l.ParameterCount);
        var text = new StringBuilder();
        text.Append("Model: \"").Append(network.GetType().Name).Append("\" (")
            .Append(Invariant(network.InputSize)).Append(network.InputSize == 1 ? " input" : " inputs")
            .Append(", loss ").Append(network.Loss).AppendLine(")");
        text.AppendLine(new string('_', width));
        Row(text, header, widths);
        text.AppendLine(new string('=', width));
        foreach (var row in rows) Row(text, row, widths);
        text.AppendLine(new string('=', width));
        text.Append("Total params: ").Append(parameters.ToString("N0", CultureInfo.InvariantCulture))
            .Append(" (").Append(Bytes(parameters * sizeof(float))).AppendLine(")");
        text.Append(new string('_', width));
        return text.ToString();
    }

    // Text columns left-aligned, the count right-aligned, as Keras aligns them.
    private static void Row(StringBuilder text, string[] cells, int[] widths)
    {
        var row = new StringBuilder(" ");
        for (int c = 0; c < cells.Length; c++)
        {
            if (c > 0) row.Append("   ");
            row.Append(c == cells.Length - 1 ? cells[c].PadLeft(widths[c]) : cells[c].PadRight(widths[c]));
        }
        text.AppendLine(row.ToString().TrimEnd());
    }

    /// <summary>Keras's <c>readable_memory_size</c>: B, KB, MB, GB, TB in steps of 1024, two decimals.</summary>
    internal static string Bytes(long bytes)
    {
        string[] units = ["B", "KB", "MB", "GB", "TB"];
        double size = bytes;
        int unit = 0;
        while (size >= 1024 && unit < units.Length - 1)
        {
            size /= 1024;
            unit++;
        }
        return size.ToString("0.00", CultureInfo.InvariantCulture) + " " + units[unit];
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Invariant(float value) => value.ToString(CultureInfo.InvariantCulture);
}
