namespace NetDsl;

/// <summary>The running state of <see cref="EarlyStopping"/> over one Fit: Keras's callback, step for step.</summary>
internal sealed class EarlyStoppingTracker(EarlyStopping settings, int parameterCount)
{
    private readonly float[]? _bestWeights = settings.RestoreBestWeights ? new float[parameterCount] : null;
    private bool _haveBestWeights;
    private int _wait;
    private float _best = settings.HigherIsBetter ? float.NegativeInfinity : float.PositiveInfinity;

    /// <summary>The epoch (from 1) with the best monitored value, or null before any was watched.</summary>
    public int? BestEpoch { get; private set; }

    /// <summary>Call at each epoch's end; true means stop.</summary>
    public bool ShouldStop(EpochResult epoch, ReadOnlySpan<float> parameters)
    {
        float? current = settings.Monitor switch
        {
            Metric.Loss => epoch.Loss,
            Metric.Accuracy => epoch.Accuracy,
            Metric.ValidationLoss => epoch.ValidationLoss,
            _ => epoch.ValidationAccuracy,
        };
        int kerasEpoch = epoch.Epoch - 1;
        if (current is not float value || kerasEpoch < settings.StartFromEpoch) return false;

        // Keras keeps the first watched weights even if they never improve on the initial best.
        if (_bestWeights is not null && !_haveBestWeights)
        {
            parameters.CopyTo(_bestWeights);
            _haveBestWeights = true;
        }
        _wait++;
        if (IsImprovement(value))
        {
            _best = value;
            BestEpoch = epoch.Epoch;
            if (_bestWeights is not null) parameters.CopyTo(_bestWeights);
            _wait = 0;
            return false;
        }
        return _wait >= settings.Patience && kerasEpoch > 0;
    }

    /// <summary>At the end of training: put back the best weights, if asked to keep them.</summary>
    public bool RestoreBest(Span<float> parameters)
    {
        if (_bestWeights is null || !_haveBestWeights) return false;
        _bestWeights.CopyTo(parameters);
        return true;
    }

    /// <summary>What a checkpoint keeps: the best value, the epochs waited, the best epoch, and the best weights if kept.</summary>
    internal (float Best, int Wait, int? BestEpoch, float[]? BestWeights) Capture() =>
        (_best, _wait, BestEpoch, _haveBestWeights ? _bestWeights : null);

    /// <summary>Puts back what <see cref="Capture"/> took, in a tracker made for the same settings.</summary>
    internal void Restore(float best, int wait, int? bestEpoch, float[]? bestWeights)
    {
        _best = best;
        _wait = wait;
        BestEpoch = bestEpoch;
        _haveBestWeights = bestWeights is not null && _bestWeights is not null;
        if (_haveBestWeights) bestWeights!.CopyTo(_bestWeights!, 0);
    }

    private bool IsImprovement(float value) => settings.HigherIsBetter
        ? value - settings.MinDelta > _best
        : value + settings.MinDelta < _best;
}
