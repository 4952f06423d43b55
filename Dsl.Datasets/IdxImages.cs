namespace NetDsl.Datasets;

/// <summary>
/// The contents of an IDX images file: <see cref="Count"/> greyscale images of
/// <see cref="Rows"/> × <see cref="Columns"/> unsigned bytes, stored row-major one after
/// another in <see cref="Pixels"/> (image <c>i</c>, row <c>r</c>, column <c>c</c> is at
/// <c>(i·Rows + r)·Columns + c</c>).
/// </summary>
public sealed record IdxImages
{
    public IdxImages(int Count, int Rows, int Columns, byte[] Pixels)
    {
        ArgumentNullException.ThrowIfNull(Pixels);
        ArgumentOutOfRangeException.ThrowIfNegative(Count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Columns);
        if ((long)Count * Rows * Columns != Pixels.Length)
            throw new ArgumentException(
                $"{Pixels.Length} pixels given for {Count} images of {Rows}×{Columns} ({(long)Count * Rows * Columns} expected).",
                nameof(Pixels));
        this.Count = Count;
        this.Rows = Rows;
        this.Columns = Columns;
        this.Pixels = Pixels;
    }

    /// <summary>Number of images.</summary>
    public int Count { get; }

    /// <summary>Height of each image in pixels.</summary>
    public int Rows { get; }

    /// <summary>Width of each image in pixels.</summary>
    public int Columns { get; }

    /// <summary>All pixels, <c>Count × Rows × Columns</c> bytes, row-major.</summary>
    public byte[] Pixels { get; }

    /// <summary>Pixels per image: <c>Rows × Columns</c>.</summary>
    public int ImageSize => Rows * Columns;

    public void Deconstruct(out int Count, out int Rows, out int Columns, out byte[] Pixels)
        => (Count, Rows, Columns, Pixels) = (this.Count, this.Rows, this.Columns, this.Pixels);
}
