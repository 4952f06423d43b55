namespace NetDsl;

/// <summary>The element types NetDsl reads from a safetensors file (<c>dtype</c>): F32 natively, the others converted.</summary>
internal enum TensorType
{
    F32,
    F16,
    BF16,
    F64,
}

/// <summary>Names and sizes of <see cref="TensorType"/>, as the safetensors header spells them.</summary>
internal static class TensorTypes
{
    /// <summary>What a refusal lists as readable.</summary>
    public const string Supported = "F32, F16, BF16 and F64";

    /// <summary>The type a header's <c>dtype</c> names, if NetDsl reads it.</summary>
    public static bool TryParse(string dtype, out TensorType type)
    {
        switch (dtype)
        {
            case "F32": type = TensorType.F32; return true;
            case "F16": type = TensorType.F16; return true;
            case "BF16": type = TensorType.BF16; return true;
            case "F64": type = TensorType.F64; return true;
            default: type = default; return false;
        }
    }

    /// <summary>Bytes per element.</summary>
    public static int Size(this TensorType type) => type switch
    {
        TensorType.F32 => 4,
        TensorType.F64 => 8,
        _ => 2,
    };

    /// <summary>The header's spelling.</summary>
    public static string Name(this TensorType type) => type switch
    {
        TensorType.F32 => "F32",
        TensorType.F16 => "F16",
        TensorType.BF16 => "BF16",
        _ => "F64",
    };
}
