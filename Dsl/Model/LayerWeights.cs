namespace NetDsl;

/// <summary>A layer's weight matrix as a view, row-major <c>[units × inputs]</c>.</summary>
public readonly struct LayerWeights
{
    private readonly float[] _buffer;
    private readonly int _offset;
    private readonly string _layer;

    internal LayerWeights(string layer, float[] buffer, int offset, int units, int inputs)
    {
        _layer = layer;
        _buffer = buffer;
        _offset = offset;
        Units = units;
        Inputs = inputs;
    }

    /// <summary>Number of rows (units).</summary>
    public int Units { get; }

    /// <summary>Number of columns (inputs).</summary>
    public int Inputs { get; }

    /// <summary>The weight from <paramref name="input"/> to <paramref name="unit"/>.</summary>
    public ref float this[int unit, int input]
    {
        get
        {
            if ((uint)unit >= (uint)Units || (uint)input >= (uint)Inputs)
                throw new IndexOutOfRangeException(
                    $"Layer '{_layer}' has weights [{Units} units × {Inputs} inputs]; index [{unit}, {input}] is outside.");
            return ref _buffer[_offset + unit * Inputs + input];
        }
    }

    /// <summary>The weights into one unit.</summary>
    public Span<float> Row(int unit)
    {
        if ((uint)unit >= (uint)Units)
            throw new IndexOutOfRangeException($"Layer '{_layer}' has {Units} units; unit {unit} is outside.");
        return _buffer.AsSpan(_offset + unit * Inputs, Inputs);
    }

    /// <summary>The whole matrix, row-major.</summary>
    public Span<float> AsSpan() => _buffer.AsSpan(_offset, Units * Inputs);
}
