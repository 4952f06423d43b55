using NetDsl.Tests.Infrastructure;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// A generated network says what its layers are (kind, activation, units, inputs, dropout rate,
/// initializer, where their parameters sit): in its static <c>Layers</c>, and through each layer
/// view, so that a model summary or an exporter can read the architecture.
/// </summary>
public sealed class LayerDescriptionTests
{
    [Fact]
    public void A_network_lists_its_layers_as_declared()
    {
        var layers = DescribedNet.Layers;
        Assert.Equal(["Hidden", "Drop", "Output"], layers.Select(l => l.Name));
        Assert.Equal([LayerKind.Dense, LayerKind.Dropout, LayerKind.Dense], layers.Select(l => l.Kind));
        Assert.Equal([3, 5, 5], layers.Select(l => l.Inputs));
        Assert.Equal([5, 5, 2], layers.Select(l => l.Units));
        Assert.Equal([Activation.Tanh, null, Activation.Softmax], layers.Select(l => l.Activation));
        Assert.Equal([Initializer.HeNormal, null, Initializer.GlorotUniform], layers.Select(l => l.Initializer));
        Assert.Equal([null, 0.25f, null], layers.Select(l => l.DropoutRate));
        Assert.Equal([0, 20, 20], layers.Select(l => l.Offset));
        Assert.Equal([20, 0, 12], layers.Select(l => l.ParameterCount));
        Assert.Equal(DescribedNet.ParameterCount, layers.Sum(l => l.ParameterCount));
        Assert.Equal("Hidden: dense 3 → 5, Tanh, HeNormal; parameters [0, 20)", layers[0].ToString());
        Assert.Equal("Drop: dropout at rate 0.25 over 5 units", layers[1].ToString());
    }

    [Fact]
    public void A_layer_view_carries_its_description()
    {
        var net = new DescribedNet(seed: 3);
        Assert.Same(DescribedNet.Layers[0], net.Hidden.Description);
        Assert.Same(DescribedNet.Layers[1], net.Drop.Description);
        Assert.Equal(Activation.Softmax, net.Output.Activation);
        Assert.Equal(Initializer.HeNormal, net.Hidden.Initializer);
        Assert.Equal(LayerKind.Dropout, net.Drop.Kind);
        Assert.Equal(0.25f, net.Drop.DropoutRate);
        Assert.Null(net.Drop.Activation);
        Assert.Equal(0, net.Drop.Parameters.Length);
        // The view still reads and writes the network's weights where the description says they are.
        net.Output.Weights[1, 4] = 7f;
        Assert.Equal(7f, net.Parameters[DescribedNet.Layers[2].Offset + 1 * 5 + 4]);
    }

    [Fact]
    public void The_list_cannot_be_changed()
    {
        var layers = DescribedNet.Layers;
        Assert.False(layers is LayerDescription[]);
        Assert.Throws<NotSupportedException>(() => ((IList<LayerDescription>)layers)[0] = layers[1]);
    }

    [Fact]
    public void Descriptions_check_what_they_are_given()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LayerDescription.Dense("Output", 0, 1, Activation.Sigmoid, Initializer.Zeros, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => LayerDescription.Dense("Output", 2, 1, (Activation)42, Initializer.Zeros, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => LayerDescription.Dropout("Drop", 3, 1f, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Layer(LayerDescription.Dense("Output", 2, 1, Activation.Sigmoid, Initializer.Zeros, 1), new float[3]));
        Assert.Equal("", default(Layer).Name);
        Assert.Equal(0, default(Layer).Parameters.Length);
    }

    // What it costs a network: one static list, and a view that is two references.
    [Fact]
    public void The_generated_code_describes_each_layer_once()
    {
        var run = GeneratorHarness.Run("""
            using NetDsl;

            [Network(Inputs = 3, Loss = Loss.CategoricalCrossEntropy)]
            public partial class Net
            {
                [Dense(5, Activation.Tanh, Initializer = Initializer.HeNormal)] public partial Layer Hidden { get; }
                [Dropout(0.25)] public partial Layer Drop { get; }
                [Dense(2, Activation.Softmax)] public partial Layer Output { get; }
            }
            """).AssertCompilesCleanly();
        string code = run.Source("Net.g.cs");
        Assert.Contains("global::NetDsl.LayerDescription.Dense(\"Hidden\", 3, 5, global::NetDsl.Activation.Tanh, global::NetDsl.Initializer.HeNormal, 0),", code);
        Assert.Contains("global::NetDsl.LayerDescription.Dropout(\"Drop\", 5, 0.25f, 20),", code);
        Assert.Contains("public partial global::NetDsl.Layer Drop => new(_layers[1], _parameters);", code);
        Assert.Equal(System.Runtime.CompilerServices.Unsafe.SizeOf<Layer>(), 2 * IntPtr.Size);
    }
}

[Network(Inputs = 3, Loss = Loss.CategoricalCrossEntropy)]
public partial class DescribedNet
{
    [Dense(5, Activation.Tanh, Initializer = Initializer.HeNormal)] public partial Layer Hidden { get; }
    [Dropout(0.25)] public partial Layer Drop { get; }
    [Dense(2, Activation.Softmax)] public partial Layer Output { get; }
}
