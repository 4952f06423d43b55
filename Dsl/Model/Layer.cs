namespace NetDsl;

/// <summary>
/// A view of one layer of a network: what it is (<see cref="Description"/>: kind, size, activation,
/// initializer or dropout rate) and its part of the network's flat parameter buffer, its weights,
/// row-major <c>[units × inputs]</c>, then its bias <c>[units]</c>. Writing through the view changes
/// the network, so a model can be set by hand: <c>net.Output.Weights[0, 1] = -2f</c>.
/// A dropout layer is a view with no parameters. Two references: cheap to make and to copy.
/// </summary>
public readonly struct Layer
{
    private readonly LayerDescription? _description;
    private readonly float[] _buffer;

    /// <summary>Creates a view of the layer <paramref name="description"/> describes in <paramref name="buffer"/>.</summary>
    public Layer(LayerDescription description, float[] buffer)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(buffer);
        if (description.Offset + description.ParameterCount > buffer.Length)
            throw new ArgumentOutOfRangeException(nameof(buffer), $"Layer '{description.Name}' needs {description.ParameterCount} parameters from offset {description.Offset}, but the buffer holds {buffer.Length}.");
        _description = description;
        _buffer = buffer;
    }

    /// <summary>What the layer is, as declared; the same object the network's static <c>Layers</c> lists.</summary>
    public LayerDescription Description => _description ?? throw new InvalidOperationException("A default Layer views no layer.");

    /// <summary>The member name of the layer.</summary>
    public string Name => _description?.Name ?? "";

    /// <summary>Dense or dropout.</summary>
    public LayerKind Kind => _description?.Kind ?? default;

    /// <summary>Number of outputs.</summary>
    public int Units => _description?.Units ?? 0;

    /// <summary>Number of inputs (fan-in).</summary>
    public int Inputs => _description?.Inputs ?? 0;

    /// <summary>A dense layer's activation; null for dropout.</summary>
    public Activation? Activation => _description?.Activation;

    /// <summary>How a dense layer's weights were drawn; null for dropout.</summary>
    public Initializer? Initializer => _description?.Initializer;

    /// <summary>A dropout layer's rate; null for a dense layer.</summary>
    public float? DropoutRate => _description?.DropoutRate;

    /// <summary>Where the layer's parameters start in the network's buffer.</summary>
    public int Offset => _description?.Offset ?? 0;

    /// <summary>Weights plus biases; 0 for a dropout layer.</summary>
    public int ParameterCount => _description?.ParameterCount ?? 0;

    /// <summary>The weight matrix, <c>Weights[unit, input]</c>.</summary>
    public LayerWeights Weights => ParameterCount == 0
        ? new LayerWeights(Name, [], 0, 0, 0)
        : new LayerWeights(Name, _buffer, Offset, Units, Inputs);

    /// <summary>The biases, one per unit.</summary>
    public Span<float> Bias => ParameterCount == 0 ? [] : _buffer.AsSpan(Offset + Units * Inputs, Units);

    /// <summary>Weights then biases, as they sit in the network's buffer.</summary>
    public Span<float> Parameters => ParameterCount == 0 ? [] : _buffer.AsSpan(Offset, ParameterCount);

    /// <inheritdoc/>
    public override string ToString() =>
        ParameterCount == 0 ? $"{Name}: dropout over {Units} units" : $"{Name}: {Inputs} → {Units}, {ParameterCount} parameters";
}
