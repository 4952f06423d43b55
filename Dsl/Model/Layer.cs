namespace NetDsl;

/// <summary>
/// A view of one layer's part of a network's flat parameter buffer: its weights, row-major
/// <c>[units × inputs]</c>, then its bias <c>[units]</c>. Writing through the view changes the
/// network, so a model can be set by hand: <c>net.Output.Weights[0, 1] = -2f</c>.
/// A dropout layer is a view with no parameters.
/// </summary>
public readonly struct Layer
{
    private readonly float[] _buffer;

    /// <summary>Creates a view of <paramref name="buffer"/> starting at <paramref name="offset"/>.</summary>
    public Layer(string name, float[] buffer, int offset, int units, int inputs, bool hasParameters = true)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        Name = name;
        _buffer = buffer;
        Offset = offset;
        Units = units;
        Inputs = inputs;
        ParameterCount = hasParameters ? checked(units * inputs + units) : 0;
        if (offset < 0 || offset + ParameterCount > buffer.Length)
            throw new ArgumentOutOfRangeException(nameof(offset), $"Layer '{name}' needs {ParameterCount} parameters from offset {offset}, but the buffer holds {buffer.Length}.");
    }

    /// <summary>The member name of the layer.</summary>
    public string Name { get; }

    /// <summary>Number of outputs.</summary>
    public int Units { get; }

    /// <summary>Number of inputs (fan-in).</summary>
    public int Inputs { get; }

    /// <summary>Where the layer's parameters start in the network's buffer.</summary>
    public int Offset { get; }

    /// <summary>Weights plus biases; 0 for a dropout layer.</summary>
    public int ParameterCount { get; }

    /// <summary>The weight matrix, <c>Weights[unit, input]</c>.</summary>
    public LayerWeights Weights => ParameterCount == 0
        ? new LayerWeights(Name, [], 0, 0, 0)
        : new LayerWeights(Name, _buffer, Offset, Units, Inputs);

    /// <summary>The biases, one per unit.</summary>
    public Span<float> Bias => ParameterCount == 0 ? [] : _buffer.AsSpan(Offset + Units * Inputs, Units);

    /// <summary>Weights then biases, as they sit in the network's buffer.</summary>
    public Span<float> Parameters => _buffer.AsSpan(Offset, ParameterCount);

    /// <inheritdoc/>
    public override string ToString() =>
        ParameterCount == 0 ? $"{Name}: dropout over {Units} units" : $"{Name}: {Inputs} → {Units}, {ParameterCount} parameters";
}
