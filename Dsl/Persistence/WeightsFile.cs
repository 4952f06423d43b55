using System.ComponentModel;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace NetDsl.Runtime;

/// <summary>
/// A network's weights as a safetensors file (huggingface/safetensors), the format PyTorch's
/// <c>safetensors.torch.load_file</c> reads: each dense layer's <c>.weight</c> <c>[units, inputs]</c> and
/// <c>.bias</c> <c>[units]</c> in F32, named as <see cref="WeightsOptions"/> says, with metadata saying
/// what wrote it (<c>format: pt</c>, the network's type, NetDsl's version, the architecture). The generated
/// <c>SaveWeights</c> and <c>LoadWeights</c> call it.
/// </summary>
/// <remarks>
/// Saving to a path is atomic: the old file stays whole until the new one is, then the new one replaces it.
/// Loading is all-or-nothing: the whole file is read, checked and converted before a weight changes, and
/// every broken rule is an <see cref="InvalidDataException"/> naming the file and the rule. Loading sets
/// the weights only: the training Fit remembers (optimizer moments, epochs) is left as it is.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class WeightsFile
{
    /// <summary>Metadata keys NetDsl writes besides PyTorch's <c>format</c>.</summary>
    internal const string TypeKey = "netdsl.type", VersionKey = "netdsl.version", ArchitectureKey = "netdsl.architecture";

    /// <summary>The prefix of a checkpoint's training-state tensors, which a plain load skips.</summary>
    internal const string TrainingPrefix = "__netdsl__.";

    /// <summary>The metadata key that marks a checkpoint (and holds its training state).</summary>
    internal const string CheckpointKey = "netdsl.checkpoint";

    /// <summary>NetDsl's version, as the metadata records it.</summary>
    internal static string Version { get; } = typeof(WeightsFile).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>Saves the weights of <paramref name="network"/> to <paramref name="path"/>, atomically (see the remarks).</summary>
    /// <exception cref="ArgumentException">The options name a layer the network lacks, or two layers the same.</exception>
    /// <exception cref="IOException">The file cannot be written; the old one, if any, is intact.</exception>
    public static void Save(INetworkModel network, string path, WeightsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var tensors = TensorNames.For(network, options ?? new WeightsOptions());
        AtomicFile.Write(path, stream => Write(stream, network, tensors, [], []));
    }

    /// <summary>Writes the weights of <paramref name="network"/> to <paramref name="stream"/>, from its position.</summary>
    public static void Save(INetworkModel network, Stream stream, WeightsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(stream);
        Write(stream, network, TensorNames.For(network, options ?? new WeightsOptions()), [], []);
    }

    /// <summary>Loads weights into <paramref name="network"/> from <paramref name="path"/>: all of them, or none.</summary>
    /// <exception cref="InvalidDataException">The file breaks a rule of the format or does not fit the network; the message names the file and the rule.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static void Load(INetworkModel network, string path, WeightsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new WeightsOptions();
        var tensors = TensorNames.For(network, options);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        var file = Read(stream, WeightsErrors.File(path), network, tensors, options, static _ => null);
        file.Weights.CopyTo(network.Parameters);
    }

    /// <summary>Loads weights into <paramref name="network"/> from <paramref name="stream"/>, read to its end: all of them, or none.</summary>
    /// <exception cref="InvalidDataException">As for a path; the message names the stream's file if it has one.</exception>
    public static void Load(INetworkModel network, Stream stream, WeightsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(stream);
        options ??= new WeightsOptions();
        var file = Read(stream, WeightsErrors.Stream(stream), network, TensorNames.For(network, options), options, static _ => null);
        file.Weights.CopyTo(network.Parameters);
    }

    /// <summary>A tensor beyond the weights (a checkpoint's training state): its name and values, shape [values].</summary>
    internal readonly record struct ExtraTensor(string Name, float[] Values);

    /// <summary>
    /// Writes the file: the weights as <paramref name="tensors"/> names them, then <paramref name="extras"/>, in the
    /// reference writer's order (by name, all F32), with the standard metadata and <paramref name="extraMetadata"/>.
    /// </summary>
    internal static void Write(Stream stream, INetworkModel network, IReadOnlyList<LayerTensors> tensors,
        IReadOnlyList<ExtraTensor> extras, IReadOnlyList<KeyValuePair<string, string>> extraMetadata)
    {
        var parameters = network.Parameters;
        // What each tensor's values are: a range of the parameters, or an extra's array.
        var all = new List<(string Name, long[] Shape, float[]? Array, int Offset, int Length)>();
        foreach (var t in tensors)
        {
            int weights = t.Layer.Units * t.Layer.Inputs;
            all.Add((t.Weight, t.WeightShape, null, t.Layer.Offset, weights));
            all.Add((t.Bias, t.BiasShape, null, t.Layer.Offset + weights, t.Layer.Units));
        }
        foreach (var extra in extras)
            all.Add((extra.Name, [extra.Values.Length], extra.Values, 0, extra.Values.Length));
        // The reference writer orders tensors by dtype, then by name, byte by byte in UTF-8 (ordinal in UTF-16
        // but for characters past the surrogates, which no layer name has).
        all.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        for (int i = 1; i < all.Count; i++)
            if (all[i].Name == all[i - 1].Name)
                throw new ArgumentException($"Two tensors would be named '{all[i].Name}'.", nameof(extras));

        List<KeyValuePair<string, string>> metadata = [.. Metadata(network, tensors), .. extraMetadata];
        byte[] header = SafetensorsHeader.Write(metadata, [.. all.Select(t => (t.Name, t.Shape))]);
        Span<byte> length = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        stream.Write(header);
        foreach (var t in all)
            WriteFloats(stream, t.Array is null ? parameters.Slice(t.Offset, t.Length) : t.Array.AsSpan(t.Offset, t.Length));
        stream.Flush();
    }

    private static void WriteFloats(Stream stream, ReadOnlySpan<float> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(values));
            return;
        }
        Span<byte> buffer = stackalloc byte[4096];
        for (int start = 0; start < values.Length; start += buffer.Length / 4)
        {
            int count = Math.Min(buffer.Length / 4, values.Length - start);
            for (int i = 0; i < count; i++) System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(buffer[(4 * i)..], values[start + i]);
            stream.Write(buffer[..(4 * count)]);
        }
    }

    /// <summary>
    /// What a file says about the network it holds, as PyTorch's <c>format: pt</c> and NetDsl's type, version
    /// and architecture; the ONNX export writes the same pairs.
    /// </summary>
    internal static KeyValuePair<string, string>[] Metadata(INetworkModel network, IReadOnlyList<LayerTensors> tensors) =>
    [
        new("format", "pt"),
        new(TypeKey, network.GetType().FullName ?? network.GetType().Name),
        new(VersionKey, Version),
        new(ArchitectureKey, Architecture(network, tensors)),
    ];

    /// <summary>
    /// The architecture as compact JSON, for the metadata: inputs, loss, and each layer's kind, size, activation
    /// (or rate) and tensor names. Informational: a load checks the tensors' names and shapes, as PyTorch's
    /// <c>load_state_dict</c> does, not this.
    /// </summary>
    internal static string Architecture(INetworkModel network, IReadOnlyList<LayerTensors> tensors)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteNumber("inputs", network.InputSize);
            json.WriteNumber("outputs", network.OutputSize);
            json.WriteString("loss", network.Loss.ToString());
            json.WriteStartArray("layers");
            foreach (var layer in TensorNames.LayersOf(network))
            {
                json.WriteStartObject();
                json.WriteString("name", layer.Name);
                json.WriteString("kind", layer.Kind.ToString());
                json.WriteNumber("inputs", layer.Inputs);
                json.WriteNumber("units", layer.Units);
                if (layer.Kind == LayerKind.Dense)
                {
                    var names = tensors.First(t => ReferenceEquals(t.Layer, layer));
                    json.WriteString("activation", layer.Activation.ToString());
                    json.WriteString("weight", names.Weight);
                    json.WriteString("bias", names.Bias);
                }
                else
                {
                    json.WriteNumber("rate", layer.DropoutRate ?? 0f);
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>A file read, checked and converted, not yet applied: the weights in the layout of the parameters, the metadata and the extras.</summary>
    internal sealed record LoadedFile(float[] Weights, IReadOnlyDictionary<string, string> Metadata, IReadOnlyDictionary<string, float[]> Extras);

    /// <summary>
    /// Reads the whole file and checks every rule: the format's, then the network's (each of its tensors present
    /// with its shape, no other), then the values (finite unless allowed). <paramref name="extraShape"/> says which
    /// training-state tensors a checkpoint may add, and their length; a plain load passes none and skips a
    /// checkpoint's. Nothing is applied: the caller copies <see cref="LoadedFile.Weights"/> in.
    /// </summary>
    internal static LoadedFile Read(Stream stream, string source, INetworkModel network, IReadOnlyList<LayerTensors> tensors,
        WeightsOptions options, Func<string, long?> extraShape)
    {
        var header = SafetensorsReader.ReadHeader(stream, source);
        bool checkpoint = header.Metadata.ContainsKey(CheckpointKey);
        var expected = new Dictionary<string, (long[] Shape, int Offset, string Meaning)>(StringComparer.Ordinal);
        foreach (var t in tensors)
        {
            expected[t.Weight] = (t.WeightShape, t.Layer.Offset, "units × inputs");
            expected[t.Bias] = (t.BiasShape, t.Layer.Offset + t.Layer.Units * t.Layer.Inputs, "units");
        }

        var weights = new float[network.Parameters.Length];
        var extras = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var skipped = new HashSet<string>(StringComparer.Ordinal);
        var unexpected = new List<string>();
        foreach (var tensor in header.Tensors)
        {
            if (expected.TryGetValue(tensor.Name, out var want))
            {
                if (!tensor.Shape.AsSpan().SequenceEqual(want.Shape))
                    throw WeightsErrors.Broken(source, $"size mismatch for {tensor.Name}: the file has {Shapes.Show(tensor.Shape)}, this network needs {Shapes.Show(want.Shape)} ({want.Meaning})");
            }
            else if (checkpoint && tensor.Name.StartsWith(TrainingPrefix, StringComparison.Ordinal))
            {
                if (extraShape(tensor.Name) is not long length) skipped.Add(tensor.Name);
                else if (tensor.Shape is not [var n] || n != length)
                    throw WeightsErrors.Broken(source, $"size mismatch for {tensor.Name}: the file has {Shapes.Show(tensor.Shape)}, this network needs [{length}]");
                else extras[tensor.Name] = new float[length];
            }
            else
            {
                unexpected.Add(tensor.Name);
            }
        }
        var present = header.Tensors.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var missing = expected.Keys.Where(name => !present.Contains(name)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
            throw WeightsErrors.Broken(source, Mismatch(missing, unexpected, header));

        SafetensorsReader.ReadData(stream, header, source, tensor =>
            expected.TryGetValue(tensor.Name, out var want) ? weights.AsMemory(want.Offset, (int)tensor.Count)
            : skipped.Contains(tensor.Name) ? Memory<float>.Empty
            : extras[tensor.Name]);

        if (!options.AllowNonFinite)
        {
            foreach (var t in tensors)
            {
                int count = t.Layer.Units * t.Layer.Inputs;
                RequireFinite(source, t.Weight, weights.AsSpan(t.Layer.Offset, count), t.Layer.Inputs);
                RequireFinite(source, t.Bias, weights.AsSpan(t.Layer.Offset + count, t.Layer.Units), 0);
            }
            foreach (var (name, values) in extras) RequireFinite(source, name, values, 0);
        }
        return new LoadedFile(weights, header.Metadata, extras);
    }

    // "missing tensor: …" and/or "unexpected tensor: …", as PyTorch's load_state_dict reports both, with the file's names.
    private static string Mismatch(List<string> missing, List<string> unexpected, SafetensorsHeader header)
    {
        var parts = new List<string>();
        if (missing.Count > 0) parts.Add($"missing tensor{(missing.Count == 1 ? "" : "s")}: {Quote(missing)}");
        if (unexpected.Count > 0) parts.Add($"unexpected tensor{(unexpected.Count == 1 ? "" : "s")}: {Quote(unexpected)}");
        string names = header.Tensors.Count == 0 ? "no tensors" : "the tensors " + Quote(header.Tensors.Select(t => t.Name).ToList());
        return string.Join("; ", parts) + $" (the file has {names}; saved from another architecture, or with other names? See WeightsOptions.Naming and Names)";
    }

    private static string Quote(List<string> names) =>
        string.Join(", ", names.Take(12).Select(n => "'" + n + "'")) + (names.Count > 12 ? $" and {names.Count - 12} more" : "");

    private static void RequireFinite(string source, string name, ReadOnlySpan<float> values, int width)
    {
        if (DataChecks.AllFinite(values)) return;
        int i = 0;
        while (float.IsFinite(values[i])) i++;
        string at = width > 0 ? $"[{i / width}, {i % width}]" : $"[{i}]";
        throw WeightsErrors.Broken(source, $"non-finite weight: {name}{at} is {values[i].ToString(CultureInfo.InvariantCulture)} (refused unless WeightsOptions.AllowNonFinite is set)");
    }
}
