namespace NetDsl;

/// <summary>What a layer of a network is.</summary>
public enum LayerKind
{
    /// <summary>A fully connected layer, <c>a = f(W·x + b)</c>: <see cref="DenseAttribute"/>.</summary>
    Dense,
    /// <summary>Inverted dropout, active in training only; no parameters: <see cref="DropoutAttribute"/>.</summary>
    Dropout,
}

/// <summary>
/// One layer of a network, as declared: what it is (its kind, activation and initializer, or dropout
/// rate), its size, and where its parameters sit in the network's flat buffer. Every generated
/// network lists its layers, in order, in its static <c>Layers</c> property, and each layer view
/// (<see cref="Layer"/>) carries its own; a model summary or an exporter reads them:
/// <code>
/// foreach (var layer in PassFail.Layers)
///     Console.WriteLine($"{layer.Name}: {layer.Kind} {layer.Inputs} → {layer.Units} {layer.Activation}");
/// </code>
/// A layer's weights are <c>Parameters.Slice(Offset, Units * Inputs)</c>, row-major
/// <c>[units × inputs]</c>, and its biases the <c>Units</c> values after them.
/// </summary>
public sealed class LayerDescription
{
    private LayerDescription(string name, LayerKind kind, int inputs, int units, Activation? activation, Initializer? initializer, float? dropoutRate, int offset, int parameterCount)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(units);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        Name = name;
        Kind = kind;
        Inputs = inputs;
        Units = units;
        Activation = activation;
        Initializer = initializer;
        DropoutRate = dropoutRate;
        Offset = offset;
        ParameterCount = parameterCount;
    }

    /// <summary>A dense layer: <paramref name="units"/> × <paramref name="inputs"/> weights, then <paramref name="units"/> biases, from <paramref name="offset"/>.</summary>
    public static LayerDescription Dense(string name, int inputs, int units, Activation activation, Initializer initializer, int offset)
    {
        if (!Enum.IsDefined(activation)) throw new ArgumentOutOfRangeException(nameof(activation), activation, "Not a defined Activation.");
        if (!Enum.IsDefined(initializer)) throw new ArgumentOutOfRangeException(nameof(initializer), initializer, "Not a defined Initializer.");
        return new(name, LayerKind.Dense, inputs, units, activation, initializer, null, offset, checked((inputs + 1) * units));
    }

    /// <summary>A dropout layer over <paramref name="units"/> values; it has no parameters, and <paramref name="offset"/> is where the next layer's start.</summary>
    public static LayerDescription Dropout(string name, int units, float rate, int offset)
    {
        if (!(rate >= 0f && rate < 1f)) throw new ArgumentOutOfRangeException(nameof(rate), rate, "A dropout rate is in [0, 1).");
        return new(name, LayerKind.Dropout, units, units, null, null, rate, offset, 0);
    }

    /// <summary>The member name of the layer.</summary>
    public string Name { get; }

    /// <summary>Dense or dropout.</summary>
    public LayerKind Kind { get; }

    /// <summary>Values in per example (the fan-in).</summary>
    public int Inputs { get; }

    /// <summary>Values out per example: a dense layer's units; for dropout, its inputs.</summary>
    public int Units { get; }

    /// <summary>A dense layer's activation; null for dropout.</summary>
    public Activation? Activation { get; }

    /// <summary>How a dense layer's weights were drawn; null for dropout.</summary>
    public Initializer? Initializer { get; }

    /// <summary>A dropout layer's rate, the probability of dropping a unit while training; null for a dense layer.</summary>
    public float? DropoutRate { get; }

    /// <summary>Where the layer's parameters start in the network's buffer.</summary>
    public int Offset { get; }

    /// <summary>Weights plus biases; 0 for dropout.</summary>
    public int ParameterCount { get; }

    /// <inheritdoc/>
    public override string ToString() => Kind == LayerKind.Dropout
        ? $"{Name}: dropout at rate {DropoutRate?.ToString(System.Globalization.CultureInfo.InvariantCulture)} over {Units} units"
        : $"{Name}: dense {Inputs} → {Units}, {Activation}, {Initializer}; parameters [{Offset}, {Offset + ParameterCount})";
}
