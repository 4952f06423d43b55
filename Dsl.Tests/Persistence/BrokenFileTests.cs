using System.Buffers.Binary;
using CsCheck;
using static NetDsl.Tests.Persistence.SafetensorsFiles;

namespace NetDsl.Tests.Persistence;

/// <summary>
/// A load is all-or-nothing: every broken rule of the format, and every file that does not fit the network, is an
/// <see cref="InvalidDataException"/> naming the file and the rule — never a crash, a hang or a partial load —
/// and the network keeps its weights.
/// </summary>
public sealed class BrokenFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("netdsl-broken-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static uint[] Bits(ReadOnlySpan<float> values) => [.. values.ToArray().Select(BitConverter.SingleToUInt32Bits)];

    // A valid file for Perceptron (2 → 1): output.weight [1, 2], output.bias [1].
    private const string Weight = "\"output.weight\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[0,8]}";
    private const string Bias = "\"output.bias\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}";
    private static readonly byte[] Data = F32(1f, 2f, 3f);

    public static TheoryData<string, string> Rules() => new()
    {
        { "empty file", "truncated: the file has 0 bytes" },
        { "five bytes", "truncated: the file has 5 bytes" },
        { "header length over 100 MB", "header too large: it says it is 100000001 bytes" },
        { "header length past the end", "truncated: the header says it is 4096 bytes" },
        { "header not an object", "not safetensors: the header does not start with '{'" },
        { "header not UTF-8", "not safetensors: the header is not UTF-8" },
        { "header not JSON", "not safetensors: the header is not valid JSON" },
        { "two JSON values", "not safetensors: the header is not valid JSON" },
        { "an escaped lone surrogate", "not safetensors: the header is not valid JSON" },
        { "duplicate tensor", "duplicate key: the header lists 'output.weight' twice" },
        { "duplicate metadata key", "duplicate key: __metadata__ lists 'format' twice" },
        { "duplicate field", "duplicate key: tensor 'output.bias' lists 'dtype' twice" },
        { "metadata value not a string", "not safetensors: __metadata__ value 'format' is not a string" },
        { "metadata not an object", "not safetensors: __metadata__ is not an object of strings" },
        { "entry not an object", "not safetensors: the entry of tensor 'output.bias' is not an object" },
        { "entry without dtype", "not safetensors: tensor 'output.bias' has no dtype" },
        { "negative dimension", "not safetensors: the shape of tensor 'output.bias' holds a value that is not a whole number ≥ 0" },
        { "three offsets", "not safetensors: the data_offsets of tensor 'output.bias' are 3 numbers" },
        { "overlapping offsets", "overlapping offsets: tensor 'output.bias' starts at byte 4, inside the tensor before it, which ends at 8" },
        { "gapped offsets", "gapped offsets: bytes [8, 12) of the data belong to no tensor" },
        { "data not from 0", "gapped offsets: bytes [0, 4) of the data belong to no tensor" },
        { "offsets backwards", "invalid offsets: tensor 'output.bias' has data_offsets [12, 8]" },
        { "offsets not the shape's bytes", "invalid offsets: tensor 'output.weight' is F32 [1, 2], 8 bytes, but its data_offsets [0, 12] span 12" },
        { "trailing bytes", "trailing bytes: 4 bytes follow the 12 bytes of data" },
        { "data truncated", "truncated: the header's tensors need 12 bytes of data, but the file has 10" },
        { "unsupported dtype", "unsupported dtype: tensor 'output.bias' is I64; NetDsl loads F32, F16, BF16 and F64" },
        { "missing tensor", "missing tensor: 'output.bias'" },
        { "unexpected tensor", "unexpected tensor: 'output.scale'" },
        { "shape mismatch", "size mismatch for output.weight: the file has [2, 1], this network needs [1, 2] (units × inputs)" },
        { "NaN weight", "non-finite weight: output.weight[0, 1] is NaN" },
        { "infinite bias", "non-finite weight: output.bias[0] is -Infinity" },
    };

    private static byte[] BrokenFile(string rule) => rule switch
    {
        "empty file" => [],
        "five bytes" => [1, 2, 3, 4, 5],
        "header length over 100 MB" => Compose($"{{{Weight},{Bias}}}", Data, length: 100_000_001),
        "header length past the end" => Compose($"{{{Weight},{Bias}}}", Data, length: 4096),
        "header not an object" => Compose("[1, 2]", []),
        "header not UTF-8" => NotUtf8(),
        "header not JSON" => Compose($"{{{Weight},", Data),
        "two JSON values" => Compose($"{{{Weight},{Bias}}} {{}}", Data),
        "an escaped lone surrogate" => Compose($"{{{Weight},{Bias},\"\\ud800\":{{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[12,12]}}}}", Data),
        "duplicate tensor" => Compose($"{{{Weight},{Bias},{Weight}}}", Data),
        "duplicate metadata key" => Compose($"{{\"__metadata__\":{{\"format\":\"pt\",\"format\":\"np\"}},{Weight},{Bias}}}", Data),
        "duplicate field" => Compose($"{{{Weight},\"output.bias\":{{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}}}", Data),
        "metadata value not a string" => Compose($"{{\"__metadata__\":{{\"format\":1}},{Weight},{Bias}}}", Data),
        "metadata not an object" => Compose($"{{\"__metadata__\":[\"pt\"],{Weight},{Bias}}}", Data),
        "entry not an object" => Compose($"{{{Weight},\"output.bias\":[8,12]}}", Data),
        "entry without dtype" => Compose($"{{{Weight},\"output.bias\":{{\"shape\":[1],\"data_offsets\":[8,12]}}}}", Data),
        "negative dimension" => Compose($"{{{Weight},\"output.bias\":{{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[8,12]}}}}", Data),
        "three offsets" => Compose($"{{{Weight},\"output.bias\":{{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12,16]}}}}", Data),
        "overlapping offsets" => Compose($"{{{Weight},\"output.bias\":{{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}}}", Data),
        "gapped offsets" => Compose($"{{{Weight},\"output.bias\":{{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[12,16]}}}}", F32(1, 2, 0, 3)),
        "data not from 0" => Compose("{\"output.weight\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[4,12]},\"output.bias\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[12,16]}}", F32(0, 1, 2, 3)),
        "offsets backwards" => Compose($"{{{Weight},\"output.bias\":{{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[12,8]}}}}", Data),
        "offsets not the shape's bytes" => Compose("{\"output.weight\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[0,12]},\"output.bias\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[12,16]}}", F32(1, 2, 0, 3)),
        "trailing bytes" => Compose($"{{{Weight},{Bias}}}", [.. Data, 0, 0, 0, 0]),
        "data truncated" => Compose($"{{{Weight},{Bias}}}", Data[..10]),
        "unsupported dtype" => Compose($"{{{Weight},\"output.bias\":{{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[8,16]}}}}", [.. F32(1, 2), .. new byte[8]]),
        "missing tensor" => Compose($"{{{Weight}}}", Data[..8]),
        "unexpected tensor" => Compose($"{{{Weight},{Bias},\"output.scale\":{{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[12,16]}}}}", [.. Data, .. F32(1)]),
        "shape mismatch" => Compose($"{{\"output.weight\":{{\"dtype\":\"F32\",\"shape\":[2,1],\"data_offsets\":[0,8]}},{Bias}}}", Data),
        "NaN weight" => Compose($"{{{Weight},{Bias}}}", F32(1, float.NaN, 3)),
        "infinite bias" => Compose($"{{{Weight},{Bias}}}", F32(1, 2, float.NegativeInfinity)),
        _ => throw new ArgumentException(rule),
    };

    private static byte[] NotUtf8()
    {
        byte[] file = Compose($"{{{Weight},{Bias}}}", Data);
        file[8 + 2] = 0xFF; // the 'o' of "output.weight"
        return file;
    }

    [Theory]
    [MemberData(nameof(Rules))]
    public void Each_broken_rule_is_an_InvalidDataException_naming_the_file_and_the_rule(string rule, string expected)
    {
        string path = Path.Combine(_folder, rule.Replace(' ', '-') + ".safetensors");
        File.WriteAllBytes(path, BrokenFile(rule));
        var net = new Perceptron(seed: 1);
        var before = Bits(net.Parameters);

        var problem = Assert.Throws<InvalidDataException>(() => net.LoadWeights(path));
        Assert.StartsWith($"Cannot load weights from '{path}': {expected}", problem.Message);
        Assert.Equal(before, Bits(net.Parameters));

        // The same from a stream that cannot seek, read a few bytes at a time.
        var fromStream = Assert.Throws<InvalidDataException>(() => net.LoadWeights(new Trickle(BrokenFile(rule))));
        Assert.StartsWith("Cannot load weights from the stream: ", fromStream.Message);
        Assert.Equal(before, Bits(net.Parameters));
    }

    [Fact]
    public void A_shape_mismatch_says_which_tensor_what_the_file_has_and_what_the_network_needs()
    {
        // PassFail's hidden layer is 2 → 3; this file's is 4 → 3.
        byte[] file = Compose(
            """{"hidden.weight":{"dtype":"F32","shape":[3,4],"data_offsets":[0,48]},"hidden.bias":{"dtype":"F32","shape":[3],"data_offsets":[48,60]},"output.weight":{"dtype":"F32","shape":[1,3],"data_offsets":[60,72]},"output.bias":{"dtype":"F32","shape":[1],"data_offsets":[72,76]}}""",
            new byte[76]);
        var problem = Assert.Throws<InvalidDataException>(() => new PassFail(seed: 1).LoadWeights(new MemoryStream(file)));
        Assert.Equal("Cannot load weights from the stream: size mismatch for hidden.weight: the file has [3, 4], this network needs [3, 2] (units × inputs).", problem.Message);
    }

    [Fact]
    public void Every_truncation_of_a_file_is_refused_from_a_path_a_stream_and_a_stream_that_cannot_seek()
    {
        var saved = new PassFail(seed: 5);
        using var memory = new MemoryStream();
        saved.SaveWeights(memory);
        byte[] file = memory.ToArray();
        var net = new PassFail(seed: 6);
        var before = Bits(net.Parameters);
        string path = Path.Combine(_folder, "cut.safetensors");

        for (int length = 0; length < file.Length; length++)
        {
            File.WriteAllBytes(path, file[..length]);
            var fromFile = Assert.Throws<InvalidDataException>(() => net.LoadWeights(path));
            Assert.StartsWith($"Cannot load weights from '{path}': ", fromFile.Message);
            Assert.Throws<InvalidDataException>(() => net.LoadWeights(new MemoryStream(file[..length])));
            Assert.Throws<InvalidDataException>(() => net.LoadWeights(new Trickle(file[..length], perRead: 3)));
            Assert.Equal(before, Bits(net.Parameters));
        }
        net.LoadWeights(new MemoryStream(file));
        Assert.Equal(Bits(saved.Parameters), Bits(net.Parameters));
    }

    [Fact]
    public void Random_corruptions_of_header_and_data_are_refused_or_load_exactly_the_corrupted_values()
    {
        var saved = new PassFail(seed: 5);
        using var memory = new MemoryStream();
        saved.SaveWeights(memory);
        byte[] file = memory.ToArray();
        int dataStart = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        var layout = Header(file);
        int refused = 0, loaded = 0;

        // One to four bytes set to random values, anywhere: the length, the header, the padding or the data.
        Gen.Select(Gen.Int[0, file.Length - 1], Gen.Byte).Array[1, 4].Sample(changes =>
        {
            byte[] corrupt = (byte[])file.Clone();
            foreach (var (position, value) in changes) corrupt[position] = value;
            var net = new PassFail(seed: 6);
            var before = Bits(net.Parameters);
            try
            {
                net.LoadWeights(new MemoryStream(corrupt));
            }
            catch (InvalidDataException)
            {
                Interlocked.Increment(ref refused);
                return Bits(net.Parameters).SequenceEqual(before);
            }
            Interlocked.Increment(ref loaded);
            // Loaded: the weights are the corrupted file's data, read by the original layout, and finite.
            float[] expected = new float[PassFail.ParameterCount];
            foreach (var (name, offset) in new[] { ("hidden.weight", 0), ("hidden.bias", 6), ("output.weight", 9), ("output.bias", 12) })
            {
                var offsets = layout.GetProperty(name).GetProperty("data_offsets");
                int begin = offsets[0].GetInt32(), end = offsets[1].GetInt32();
                for (int i = 0; i < (end - begin) / 4; i++)
                    expected[offset + i] = BinaryPrimitives.ReadSingleLittleEndian(corrupt.AsSpan(dataStart + begin + 4 * i));
            }
            return Bits(net.Parameters).SequenceEqual(Bits(expected)) && net.Parameters.ToArray().All(float.IsFinite);
        }, iter: 4000);
        // Both outcomes happened: the property was tested on loads as well as on refusals.
        Assert.True(refused > 100 && loaded > 100, $"{refused} refused, {loaded} loaded");
    }

    public static TheoryData<string, string> Architectures()
    {
        string[] names = ["Perceptron", "PassFail", "Xor", "SmallClassifier", "DeepMixed", "KernelDropout", "TwoWordNames", "SmallDropout"];
        var data = new TheoryData<string, string>();
        foreach (string from in names)
            foreach (string into in names)
                if (from != into) data.Add(from, into);
        return data;
    }

    private static INetworkModel Create(string name, int seed) => name switch
    {
        "Perceptron" => new Perceptron(seed),
        "PassFail" => new PassFail(seed),
        "Xor" => new Xor(seed),
        "SmallClassifier" => new SmallClassifier(seed),
        "DeepMixed" => new DeepMixed(seed),
        "KernelDropout" => new KernelDropout(seed),
        "TwoWordNames" => new TwoWordNames(seed),
        "SmallDropout" => new SmallDropout(seed),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Architectures))]
    public void A_file_from_another_architecture_is_refused_saying_which_tensors_differ(string from, string into)
    {
        using var memory = new MemoryStream();
        WeightsFile.Save(Create(from, 1), memory);
        var net = Create(into, 2);
        var before = Bits(net.Parameters);
        var problem = Assert.Throws<InvalidDataException>(() => WeightsFile.Load(net, new MemoryStream(memory.ToArray())));
        Assert.Matches("^Cannot load weights from the stream: (size mismatch for |missing tensors?: |unexpected tensors?: )", problem.Message);
        Assert.Equal(before, Bits(net.Parameters));
    }
}
