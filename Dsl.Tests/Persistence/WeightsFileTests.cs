using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using static NetDsl.Tests.Persistence.SafetensorsFiles;

namespace NetDsl.Tests.Persistence;

/// <summary>
/// SaveWeights and LoadWeights: the file is safetensors as huggingface/safetensors specifies it, with the
/// names and shapes of PyTorch's state_dict, and a load gives back every bit.
/// </summary>
public sealed class WeightsFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("netdsl-weights-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    private static uint[] Bits(ReadOnlySpan<float> values) => [.. values.ToArray().Select(BitConverter.SingleToUInt32Bits)];

    [Fact]
    public void A_file_round_trip_restores_every_bit_and_the_predictions()
    {
        var saved = new KernelDropout(seed: 1);
        string path = PathOf("kernel.safetensors");
        saved.SaveWeights(path);

        var loaded = new KernelDropout(seed: 2);
        Assert.NotEqual(Bits(saved.Parameters), Bits(loaded.Parameters));
        loaded.LoadWeights(path);

        Assert.Equal(Bits(saved.Parameters), Bits(loaded.Parameters));
        var input = Enumerable.Range(0, KernelDropout.InputSize).Select(i => MathF.Sin(i)).ToArray();
        Assert.Equal(saved.Predict(input), loaded.Predict(input));
        Assert.Equal([Path.GetFileName(path)], Directory.GetFiles(_folder).Select(Path.GetFileName)); // no temporary file left
    }

    [Fact]
    public void A_stream_round_trip_restores_every_bit_also_from_a_stream_that_cannot_seek()
    {
        var saved = new DeepMixed(seed: 3);
        using var memory = new MemoryStream();
        saved.SaveWeights(memory);
        byte[] file = memory.ToArray();

        var loaded = new DeepMixed(seed: 4);
        loaded.LoadWeights(new MemoryStream(file));
        Assert.Equal(Bits(saved.Parameters), Bits(loaded.Parameters));

        var trickled = new DeepMixed(seed: 5);
        trickled.LoadWeights(new Trickle(file));
        Assert.Equal(Bits(saved.Parameters), Bits(trickled.Parameters));
    }

    [Fact]
    public void The_file_is_safetensors_with_PyTorch_state_dict_names_shapes_and_layout()
    {
        var net = new PassFail(seed: 7);
        using var memory = new MemoryStream();
        net.SaveWeights(memory);
        byte[] file = memory.ToArray();

        var (length, header, data) = Split(file);
        Assert.Equal(0UL, length % 8);                           // padded to 8 bytes, as the reference writer pads
        Assert.Equal('{', header[0]);
        Assert.Equal(header.TrimEnd(' ').Length, header.LastIndexOf('}') + 1);
        Assert.Equal((ulong)file.Length, 8 + length + (ulong)data.Length);

        var root = Header(file);
        // The tensors, in the reference writer's order (by name), laid end to end.
        (string Name, int[] Shape, float[] Values)[] expected =
        [
            ("hidden.bias", [3], net.Hidden.Bias.ToArray()),
            ("hidden.weight", [3, 2], net.Hidden.Weights.AsSpan().ToArray()),
            ("output.bias", [1], net.Output.Bias.ToArray()),
            ("output.weight", [1, 3], net.Output.Weights.AsSpan().ToArray()),
        ];
        Assert.Equal(["__metadata__", .. expected.Select(e => e.Name)], root.EnumerateObject().Select(p => p.Name));
        int offset = 0;
        foreach (var (name, shape, values) in expected)
        {
            var entry = root.GetProperty(name);
            Assert.Equal("F32", entry.GetProperty("dtype").GetString());
            Assert.Equal(shape, entry.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
            Assert.Equal([offset, offset + 4 * values.Length], entry.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt32()));
            Assert.Equal(F32(values), data[offset..(offset + 4 * values.Length)]);   // row-major [units, inputs], little-endian
            offset += 4 * values.Length;
        }
        Assert.Equal(offset, data.Length);

        var metadata = root.GetProperty("__metadata__");
        Assert.Equal("pt", metadata.GetProperty("format").GetString());
        Assert.Equal("NetDsl.Tests.PassFail", metadata.GetProperty("netdsl.type").GetString());
        Assert.Equal(typeof(WeightsFile).Assembly.GetName().Version!.ToString(3), metadata.GetProperty("netdsl.version").GetString());
        var architecture = JsonDocument.Parse(metadata.GetProperty("netdsl.architecture").GetString()!).RootElement;
        Assert.Equal(2, architecture.GetProperty("inputs").GetInt32());
        Assert.Equal("BinaryCrossEntropy", architecture.GetProperty("loss").GetString());
        Assert.Equal(["Hidden Dense 2→3 Sigmoid hidden.weight", "Output Dense 3→1 Sigmoid output.weight"],
            architecture.GetProperty("layers").EnumerateArray().Select(l =>
                $"{l.GetProperty("name").GetString()} {l.GetProperty("kind").GetString()} {l.GetProperty("inputs").GetInt32()}→{l.GetProperty("units").GetInt32()} " +
                $"{l.GetProperty("activation").GetString()} {l.GetProperty("weight").GetString()}"));
    }

    [Fact]
    public void The_same_weights_give_the_same_bytes()
    {
        byte[] Save(int seed)
        {
            using var memory = new MemoryStream();
            new KernelClassifier(seed).SaveWeights(memory);
            return memory.ToArray();
        }
        Assert.Equal(Save(9), Save(9));
        Assert.NotEqual(Save(9), Save(10));
    }

    [Fact]
    public void Names_are_snake_case_member_names_and_the_metadata_records_dropout()
    {
        var root = Header(Bytes(new TwoWordNames(seed: 1)));
        Assert.Equal(["__metadata__", "hidden_layer.bias", "hidden_layer.weight", "output_layer.bias", "output_layer.weight"],
            root.EnumerateObject().Select(p => p.Name));
        var layers = JsonDocument.Parse(root.GetProperty("__metadata__").GetProperty("netdsl.architecture").GetString()!).RootElement.GetProperty("layers");
        Assert.Equal("Dropout", layers[1].GetProperty("kind").GetString());
        Assert.Equal(0.1, layers[1].GetProperty("rate").GetDouble(), 6);
    }

    [Fact]
    public void Sequential_naming_gives_the_indices_of_nn_Sequential_with_activation_and_dropout_modules()
    {
        var options = new WeightsOptions { Naming = TensorNaming.Sequential };
        // H1 → 0 (ReLU 1), D1 → 2, H2 → 3 (Tanh 4), D2 → 5, Output → 6 (its softmax would be 7).
        Assert.Equal(["0.bias", "0.weight", "3.bias", "3.weight", "6.bias", "6.weight"], TensorNamesIn(Bytes(new KernelDropout(seed: 1), options)));
        // Hidden → 0 (Tanh 1), Drop → 2, Output (identity: no module) → 3.
        Assert.Equal(["0.bias", "0.weight", "3.bias", "3.weight"], TensorNamesIn(Bytes(new SmallDropout(seed: 1), options)));

        var net = new KernelDropout(seed: 1);
        var loaded = new KernelDropout(seed: 2);
        loaded.LoadWeights(new MemoryStream(Bytes(net, options)), options);
        Assert.Equal(Bits(net.Parameters), Bits(loaded.Parameters));
    }

    [Fact]
    public void Names_map_a_layer_to_any_prefix_and_an_empty_one_gives_a_lone_nn_Linear_state_dict()
    {
        Assert.Equal(["encoder.0.bias", "encoder.0.weight", "output.bias", "output.weight"],
            TensorNamesIn(Bytes(new PassFail(seed: 1), new WeightsOptions { Names = new Dictionary<string, string> { ["Hidden"] = "encoder.0" } })));
        var linear = new WeightsOptions { Names = new Dictionary<string, string> { ["Output"] = "" } };
        var perceptron = new Perceptron(seed: 1);
        byte[] file = Bytes(perceptron, linear);
        Assert.Equal(["bias", "weight"], TensorNamesIn(file));
        var loaded = new Perceptron(seed: 2);
        loaded.LoadWeights(new MemoryStream(file), linear);
        Assert.Equal(Bits(perceptron.Parameters), Bits(loaded.Parameters));
    }

    [Fact]
    public void Options_that_name_no_dense_layer_or_name_two_alike_are_refused_before_anything_is_written()
    {
        string path = PathOf("never.safetensors");
        var net = new SmallDropout(seed: 1);
        var unknown = Assert.Throws<ArgumentException>(() => net.SaveWeights(path, new WeightsOptions { Names = new Dictionary<string, string> { ["Hiden"] = "x" } }));
        Assert.Contains("'Hiden'", unknown.Message);
        Assert.Contains("Hidden, Output", unknown.Message);
        var dropout = Assert.Throws<ArgumentException>(() => net.SaveWeights(path, new WeightsOptions { Names = new Dictionary<string, string> { ["Drop"] = "x" } }));
        Assert.Contains("dropout layer, which has no weights", dropout.Message);
        var twice = Assert.Throws<ArgumentException>(() => net.SaveWeights(path, new WeightsOptions { Names = new Dictionary<string, string> { ["Hidden"] = "output" } }));
        Assert.Contains("'output.weight'", twice.Message);
        var clash = Assert.Throws<ArgumentException>(() => new ClashingSnakeNames(seed: 1).SaveWeights(path));
        Assert.Contains("Layers 'HiddenLayer' and 'Hidden_Layer'", clash.Message);
        Assert.Empty(Directory.GetFileSystemEntries(_folder));
    }

    [Fact]
    public void The_header_is_written_as_UTF_8_without_escaping_what_JSON_does_not_require()
    {
        string header = Split(Bytes(new NonAsciiNames(seed: 1))).Header;
        Assert.Contains("\"größe.weight\"", header);
        Assert.DoesNotContain("\\u", header);
        string nested = Split(Bytes(new Outer.Nested(seed: 1))).Header;
        Assert.Contains("\"netdsl.type\":\"NetDsl.Tests.Persistence.Outer+Nested\"", nested);

        var loaded = new NonAsciiNames(seed: 2);
        var saved = new NonAsciiNames(seed: 1);
        loaded.LoadWeights(new MemoryStream(Bytes(saved)));
        Assert.Equal(Bits(saved.Parameters), Bits(loaded.Parameters));
    }

    [Theory]
    [InlineData("F16")]
    [InlineData("BF16")]
    [InlineData("F64")]
    public void F16_BF16_and_F64_tensors_load_converted_to_float(string dtype)
    {
        float[] weight = [0.5f, -1.25f], bias = [3f];   // exact in every one of the types
        Func<float[], byte[]> encode = dtype switch { "F16" => F16, "BF16" => BF16, _ => v => F64([.. v.Select(x => (double)x)]) };
        int size = dtype == "F64" ? 8 : 2;
        byte[] file = Compose(
            $$$"""{"weight":{"dtype":"{{{dtype}}}","shape":[1,2],"data_offsets":[0,{{{2 * size}}}]},"bias":{"dtype":"{{{dtype}}}","shape":[1],"data_offsets":[{{{2 * size}}},{{{3 * size}}}]}}""",
            [.. encode(weight), .. encode(bias)]);
        var net = new Perceptron(seed: 1);
        net.LoadWeights(new MemoryStream(file), new WeightsOptions { Names = new Dictionary<string, string> { ["Output"] = "" } });
        Assert.Equal([0.5f, -1.25f, 3f], net.Parameters.ToArray());
    }

    [Fact]
    public void F64_values_round_to_the_nearest_float_and_types_can_mix_in_one_file()
    {
        byte[] file = Compose(
            """{"__metadata__":{"format":"pt"},"output.bias":{"dtype":"BF16","shape":[1],"data_offsets":[16,18]},"output.weight":{"dtype":"F64","shape":[1,2],"data_offsets":[0,16]}}""",
            [.. F64(0.1, 1.0 / 3), .. BF16(-2f)]);
        var net = new Perceptron(seed: 1);
        net.LoadWeights(new MemoryStream(file));
        Assert.Equal([0.1f, 1f / 3, -2f], net.Parameters.ToArray());
    }

    [Fact]
    public void A_NaN_or_infinite_weight_is_refused_by_default_and_loads_when_allowed()
    {
        byte[] file = Compose(
            """{"output.weight":{"dtype":"F32","shape":[1,2],"data_offsets":[0,8]},"output.bias":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""",
            F32(1f, float.NaN, 2f));
        var net = new Perceptron(seed: 1);
        var before = Bits(net.Parameters);
        var problem = Assert.Throws<InvalidDataException>(() => net.LoadWeights(new MemoryStream(file)));
        Assert.Contains("non-finite weight: output.weight[0, 1] is NaN", problem.Message);
        Assert.Equal(before, Bits(net.Parameters));

        net.LoadWeights(new MemoryStream(file), new WeightsOptions { AllowNonFinite = true });
        Assert.True(float.IsNaN(net.Output.Weights[0, 1]));

        byte[] overflow = Compose(
            """{"output.weight":{"dtype":"F64","shape":[1,2],"data_offsets":[0,16]},"output.bias":{"dtype":"F64","shape":[1],"data_offsets":[16,24]}}""",
            F64(1, 2, 1e300)); // finite in F64, infinite as a float
        Assert.Contains("non-finite weight: output.bias[0] is Infinity",
            Assert.Throws<InvalidDataException>(() => new Perceptron(seed: 1).LoadWeights(new MemoryStream(overflow))).Message);
    }

    [Fact]
    public void A_file_from_PyTorch_loads_whatever_the_order_of_its_data_and_metadata()
    {
        // As the reference writer lays out a state_dict: __metadata__ {"format": "pt"}, tensors sorted by name,
        // here with the data in another order than the header's keys.
        byte[] file = Compose(
            """{"__metadata__":{"format":"pt"},"hidden.bias":{"dtype":"F32","shape":[3],"data_offsets":[24,36]},"hidden.weight":{"dtype":"F32","shape":[3,2],"data_offsets":[0,24]},"output.bias":{"dtype":"F32","shape":[1],"data_offsets":[48,52]},"output.weight":{"dtype":"F32","shape":[1,3],"data_offsets":[36,48]}}""",
            F32(1, 2, 3, 4, 5, 6, -1, -2, -3, 7, 8, 9, 10));
        var net = new PassFail(seed: 1);
        net.LoadWeights(new MemoryStream(file));
        Assert.Equal([1f, 2, 3, 4, 5, 6, -1, -2, -3, 7, 8, 9, 10], net.Parameters.ToArray());
        Assert.Equal(2f, net.Hidden.Weights[0, 1]);
        Assert.Equal(-3f, net.Hidden.Bias[2]);
    }

    [Fact]
    public void A_file_with_the_same_names_and_shapes_loads_into_another_architecture_as_PyTorch_would()
    {
        var saved = new PassFail(seed: 3);
        var twin = new PassFailTwin(seed: 4);
        twin.LoadWeights(new MemoryStream(Bytes(saved)));
        Assert.Equal(Bits(saved.Parameters), Bits(twin.Parameters));
    }

    [Fact]
    public void Loading_a_missing_file_throws_FileNotFoundException_and_changes_nothing()
    {
        var net = new PassFail(seed: 1);
        var before = Bits(net.Parameters);
        Assert.Throws<FileNotFoundException>(() => net.LoadWeights(PathOf("absent.safetensors")));
        Assert.Equal(before, Bits(net.Parameters));
    }

    private static byte[] Bytes(INetworkModel network, WeightsOptions? options = null)
    {
        using var memory = new MemoryStream();
        WeightsFile.Save(network, memory, options);
        return memory.ToArray();
    }

    private static string[] TensorNamesIn(byte[] file) =>
        [.. Header(file).EnumerateObject().Select(p => p.Name).Where(n => n != "__metadata__")];
}
