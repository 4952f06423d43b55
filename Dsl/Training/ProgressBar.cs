using System.Globalization;
using System.Text;

namespace NetDsl;

/// <summary>
/// Shows Fit's progress the Keras way: <c>Epoch 3/10</c>, then
/// <c>1875/1875 ━━━━━━━━━━━━━━━━━━━━ 2s 1ms/step - accuracy: 0.8870 - loss: 0.3056 - val_accuracy: 0.8712 - val_loss: 0.3561</c>.
/// On a terminal the bar redraws in place with an ETA; when output is redirected (CI logs) it writes
/// one line per epoch only.
/// </summary>
public sealed class ProgressBar(TextWriter? writer = null, bool? interactive = null) : IProgress<TrainingProgress>
{
    private const int Width = 20;
    private readonly TextWriter _writer = writer ?? Console.Out;
    private readonly bool _interactive = interactive ?? (writer is null && !Console.IsOutputRedirected);
    private int _lastLength, _epochShown;

    /// <inheritdoc/>
    public void Report(TrainingProgress p)
    {
        if (!p.EpochEnded && !_interactive) return;
        if (p.Epoch != _epochShown)
        {
            _writer.WriteLine($"Epoch {p.Epoch}/{p.Epochs}");
            _epochShown = p.Epoch;
        }

        string line = Line(p);
        if (_interactive)
        {
            _writer.Write('\r' + line + new string(' ', Math.Max(0, _lastLength - line.Length)));
            _lastLength = line.Length;
            if (p.EpochEnded)
            {
                _writer.WriteLine();
                _lastLength = 0;
            }
        }
        else
        {
            _writer.WriteLine(line);
        }
        _writer.Flush();
    }

    /// <summary>Forgets the last Fit: its epoch and any line left unfinished (a Fit that threw mid-epoch).</summary>
    internal void Reset()
    {
        if (_lastLength > 0) _writer.WriteLine();
        _lastLength = 0;
        _epochShown = 0;
    }

    private string Line(TrainingProgress p)
    {
        var text = new StringBuilder();
        string total = p.Batches.ToString(CultureInfo.InvariantCulture);
        text.Append(p.Batch.ToString(CultureInfo.InvariantCulture).PadLeft(total.Length)).Append('/').Append(total).Append(' ');
        int filled = p.Batches == 0 ? Width : (int)((long)Width * p.Batch / p.Batches);
        if (_interactive) text.Append("\u001b[1m").Append('━', filled).Append("\u001b[0m\u001b[2m").Append('━', Width - filled).Append("\u001b[0m");
        else text.Append('━', Width);
        double perStep = p.Batch == 0 ? 0 : p.Elapsed.TotalSeconds / p.Batch;
        text.Append(' ').Append(p.EpochEnded ? Seconds(p.Elapsed) : "ETA " + Seconds(p.EpochRemaining))
            .Append(' ').Append(PerStep(perStep));
        Metric(text, "accuracy", p.Accuracy);
        Metric(text, "loss", p.Loss);
        Metric(text, "val_accuracy", p.ValidationAccuracy);
        Metric(text, "val_loss", p.ValidationLoss);
        return text.ToString();
    }

    private static void Metric(StringBuilder text, string name, float? value)
    {
        if (value is float v) text.Append(" - ").Append(name).Append(": ").Append(v.ToString("0.0000", CultureInfo.InvariantCulture));
    }

    private static string Seconds(TimeSpan time) => time.TotalSeconds < 1
        ? ((int)time.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms"
        : ((int)Math.Round(time.TotalSeconds)).ToString(CultureInfo.InvariantCulture) + "s";

    private static string PerStep(double seconds) => seconds >= 1e-3
        ? ((int)Math.Round(seconds * 1e3)).ToString(CultureInfo.InvariantCulture) + "ms/step"
        : ((int)Math.Round(seconds * 1e6)).ToString(CultureInfo.InvariantCulture) + "us/step";
}
