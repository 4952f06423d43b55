using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace NetDsl;

/// <summary>One tensor a safetensors header lists: its name, element type, shape and bytes [Begin, End) of the data.</summary>
internal sealed record TensorEntry(string Name, TensorType Type, long[] Shape, long Begin, long End)
{
    /// <summary>Elements in the tensor: the product of its shape (1 for a scalar).</summary>
    public long Count => Shape.Aggregate(1L, (product, dimension) => product * dimension);

    /// <summary>"F32 [3, 2]".</summary>
    public string Describe() => $"{Type.Name()} {Shapes.Show(Shape)}";
}

/// <summary>Shapes written as PyTorch prints them: [3, 2].</summary>
internal static class Shapes
{
    public static string Show(IEnumerable<long> shape) => "[" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";
}

/// <summary>
/// The JSON header of a safetensors file, as huggingface/safetensors specifies it: an object whose keys are
/// tensor names, each <c>{"dtype", "shape", "data_offsets": [begin, end]}</c>, and an optional
/// <c>__metadata__</c> object of string values. Parsing checks every rule of the format, so that what it
/// returns is a header whose tensors tile the data exactly; a broken rule is an <see cref="InvalidDataException"/>
/// naming the file and the rule.
/// </summary>
internal sealed class SafetensorsHeader
{
    /// <summary>The key of the metadata object.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>The reference implementation's cap on the header, 100 MB: a larger length is refused before reading.</summary>
    public const long MaxLength = 100_000_000;

    private SafetensorsHeader(IReadOnlyDictionary<string, string> metadata, IReadOnlyList<TensorEntry> tensors, long dataLength)
    {
        Metadata = metadata;
        Tensors = tensors;
        DataLength = dataLength;
    }

    /// <summary>The <c>__metadata__</c> pairs; empty when the header has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensors in the order of their data.</summary>
    public IReadOnlyList<TensorEntry> Tensors { get; }

    /// <summary>Bytes of data after the header: the end of the last tensor.</summary>
    public long DataLength { get; }

    /// <summary>Parses and checks a header's bytes (the padding included) from <paramref name="source"/>.</summary>
    /// <exception cref="InvalidDataException">The header breaks a rule of the format.</exception>
    public static SafetensorsHeader Parse(ReadOnlySpan<byte> header, string source)
    {
        if (!System.Text.Unicode.Utf8.IsValid(header))
            throw WeightsErrors.Broken(source, "not safetensors: the header is not UTF-8 text");
        if (header.IsEmpty || header[0] != (byte)'{')
            throw WeightsErrors.Broken(source, "not safetensors: the header does not start with '{'");
        Dictionary<string, string>? metadata = null;
        var tensors = new List<TensorEntry>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            var reader = new Utf8JsonReader(header, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false });
            reader.Read();
            while (Next(ref reader) == JsonTokenType.PropertyName)
            {
                string name = reader.GetString()!;
                if (!names.Add(name))
                    throw WeightsErrors.Broken(source, $"duplicate key: the header lists '{name}' twice");
                Next(ref reader);
                if (name == MetadataKey) metadata = ReadMetadata(ref reader, source);
                else tensors.Add(ReadTensor(ref reader, name, source));
            }
            // After the object only whitespace may follow: the reference writer pads with spaces to 8 bytes.
            if (reader.Read())
                throw WeightsErrors.Broken(source, "not safetensors: the header has more than one JSON value");
        }
        catch (JsonException problem)
        {
            throw WeightsErrors.Broken(source, $"not safetensors: the header is not valid JSON ({problem.Message})", problem);
        }
        catch (InvalidOperationException problem)
        {
            // A string that cannot be decoded (an escaped lone surrogate).
            throw WeightsErrors.Broken(source, $"not safetensors: the header is not valid JSON ({problem.Message})", problem);
        }
        return new SafetensorsHeader(metadata ?? [], Tile(tensors, source), tensors.Count == 0 ? 0 : tensors.Max(t => t.End));
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read()) throw new JsonException("The header ends inside the JSON object.");
        return reader.TokenType;
    }

    private static Dictionary<string, string>? ReadMetadata(ref Utf8JsonReader reader, string source)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        if (reader.TokenType != JsonTokenType.StartObject)
            throw WeightsErrors.Broken(source, "not safetensors: __metadata__ is not an object of strings");
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            string key = reader.GetString()!;
            if (Next(ref reader) != JsonTokenType.String)
                throw WeightsErrors.Broken(source, $"not safetensors: __metadata__ value '{key}' is not a string (the format allows only strings)");
            if (!metadata.TryAdd(key, reader.GetString()!))
                throw WeightsErrors.Broken(source, $"duplicate key: __metadata__ lists '{key}' twice");
        }
        return metadata;
    }

    private static TensorEntry ReadTensor(ref Utf8JsonReader reader, string name, string source)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            throw WeightsErrors.Broken(source, $"not safetensors: the entry of tensor '{name}' is not an object");
        string? dtype = null;
        long[]? shape = null, offsets = null;
        var fields = new HashSet<string>(StringComparer.Ordinal);
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            string field = reader.GetString()!;
            if (!fields.Add(field))
                throw WeightsErrors.Broken(source, $"duplicate key: tensor '{name}' lists '{field}' twice");
            Next(ref reader);
            switch (field)
            {
                case "dtype":
                    dtype = reader.TokenType == JsonTokenType.String ? reader.GetString()
                        : throw WeightsErrors.Broken(source, $"not safetensors: the dtype of tensor '{name}' is not a string");
                    break;
                case "shape":
                    shape = ReadSizes(ref reader, source, $"the shape of tensor '{name}'");
                    break;
                case "data_offsets":
                    offsets = ReadSizes(ref reader, source, $"the data_offsets of tensor '{name}'");
                    if (offsets.Length != 2)
                        throw WeightsErrors.Broken(source, $"not safetensors: the data_offsets of tensor '{name}' are {offsets.Length} numbers, not [begin, end]");
                    break;
                default:
                    reader.Skip(); // the reference reader ignores fields it does not know
                    break;
            }
        }
        if (dtype is null || shape is null || offsets is null)
            throw WeightsErrors.Broken(source, $"not safetensors: tensor '{name}' has no {(dtype is null ? "dtype" : shape is null ? "shape" : "data_offsets")}");
        if (!TensorTypes.TryParse(dtype, out var type))
            throw WeightsErrors.Broken(source, $"unsupported dtype: tensor '{name}' is {dtype}; NetDsl loads {TensorTypes.Supported}");
        return new TensorEntry(name, type, shape, offsets[0], offsets[1]);
    }

    // An array of whole numbers ≥ 0 (dimensions, offsets); each at most long.MaxValue.
    private static long[] ReadSizes(ref Utf8JsonReader reader, string source, string what)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
            throw WeightsErrors.Broken(source, $"not safetensors: {what} is not an array of whole numbers");
        var sizes = new List<long>();
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long size) || size < 0)
                throw WeightsErrors.Broken(source, $"not safetensors: {what} holds a value that is not a whole number ≥ 0");
            sizes.Add(size);
        }
        return [.. sizes];
    }

    // The tensors in data order, checked to tile the data: each starts where the one before ends, from 0,
    // and spans exactly its elements' bytes.
    private static List<TensorEntry> Tile(List<TensorEntry> tensors, string source)
    {
        var ordered = tensors.OrderBy(t => t.Begin).ThenBy(t => t.End).ToList();
        long expected = 0;
        foreach (var tensor in ordered)
        {
            if (tensor.End < tensor.Begin)
                throw WeightsErrors.Broken(source, $"invalid offsets: tensor '{tensor.Name}' has data_offsets [{tensor.Begin}, {tensor.End}], which end before they begin");
            if (tensor.Begin > expected)
                throw WeightsErrors.Broken(source, $"gapped offsets: bytes [{expected}, {tensor.Begin}) of the data belong to no tensor (tensor '{tensor.Name}' starts at {tensor.Begin})");
            if (tensor.Begin < expected)
                throw WeightsErrors.Broken(source, $"overlapping offsets: tensor '{tensor.Name}' starts at byte {tensor.Begin}, inside the tensor before it, which ends at {expected}");
            long bytes;
            try
            {
                bytes = checked(tensor.Shape.Aggregate(1L, (product, dimension) => product * dimension) * tensor.Type.Size());
            }
            catch (OverflowException)
            {
                throw WeightsErrors.Broken(source, $"invalid offsets: tensor '{tensor.Name}' has the shape {Shapes.Show(tensor.Shape)}, too large to address");
            }
            if (tensor.End - tensor.Begin != bytes)
                throw WeightsErrors.Broken(source, $"invalid offsets: tensor '{tensor.Name}' is {tensor.Describe()}, {bytes} bytes, but its data_offsets [{tensor.Begin}, {tensor.End}] span {tensor.End - tensor.Begin}");
            expected = tensor.End;
        }
        return ordered;
    }

    /// <summary>
    /// The header the reference writer would write for F32 tensors of these names and shapes, in this order,
    /// laid end to end: compact JSON, <c>__metadata__</c> first, strings escaped only where JSON requires it
    /// (System.Text.Json's default would escape every non-ASCII character and <c>&lt;</c>, <c>&gt;</c>, <c>&amp;</c>,
    /// <c>'</c>, <c>+</c>), padded with spaces to a multiple of 8 bytes.
    /// </summary>
    public static byte[] Write(IReadOnlyList<KeyValuePair<string, string>> metadata, IReadOnlyList<(string Name, long[] Shape)> tensors)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (metadata.Count > 0)
            {
                json.WriteStartObject(MetadataKey);
                foreach (var (key, value) in metadata) json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, shape) in tensors)
            {
                long bytes = shape.Aggregate(1L, (product, dimension) => checked(product * dimension)) * sizeof(float);
                json.WriteStartObject(name);
                json.WriteString("dtype", "F32");
                json.WriteStartArray("shape");
                foreach (long dimension in shape) json.WriteNumberValue(dimension);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + bytes);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes;
            }
            json.WriteEndObject();
        }
        long length = (buffer.Length + 7) / 8 * 8;
        if (length > MaxLength)
            throw new InvalidOperationException($"The safetensors header would be {length} bytes, over the format's cap of {MaxLength}: use shorter tensor names or less metadata.");
        while (buffer.Length < length) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }
}

/// <summary>The exceptions a load throws: each names the file and the rule it breaks.</summary>
internal static class WeightsErrors
{
    public static InvalidDataException Broken(string source, string rule, Exception? inner = null) =>
        new($"Cannot load weights from {source}: {rule}.", inner);

    /// <summary>How a message names a file: <c>'path'</c>.</summary>
    public static string File(string path) => $"'{path}'";

    /// <summary>How a message names a stream: by its file name when it has one.</summary>
    public static string Stream(Stream stream) => stream is FileStream file ? $"'{file.Name}'" : "the stream";
}
