using System.Reflection;
using NetDsl.Generators.Catalog;
using NetDsl.Generators.Emit;
using NetDsl.Generators.Emit.Layers;
using NetDsl.Generators.Model;
using Xunit;

namespace NetDsl.Tests;

using LayerKind = NetDsl.Generators.Model.LayerKind;

/// <summary>
/// Activations, losses and layer kinds are data in the generator: one entry each (see
/// docs/extending.md). Every kind has exactly one, naming runtime functions that exist, and a value
/// no entry knows is an internal error, never a silent fallback to another kind's code.
/// </summary>
public sealed class KindTests
{
    [Fact]
    public void Every_activation_has_one_definition_in_enum_order() =>
        Assert.Equal(Enum.GetValues<ActivationKind>(), ActivationDefinitions.All.Select(a => a.Kind));

    [Fact]
    public void Every_loss_has_one_definition_in_enum_order() =>
        Assert.Equal(Enum.GetValues<LossKind>(), LossDefinitions.All.Select(l => l.Kind));

    [Fact]
    public void Every_layer_kind_has_an_emitter() =>
        Assert.All(Enum.GetValues<LayerKind>(), kind => Assert.Equal(kind, LayerEmitters.For(kind).Kind));

    [Fact]
    public void Every_initializer_has_a_name() =>
        Assert.All(Enum.GetValues<InitializerKind>(), kind => Assert.NotEmpty(InitializerDefinitions.Name(kind)));

    // What each shape needs to be written: an elementwise activation unrolls as scalar code, a
    // row-wise one always calls its span functions, the identity needs nothing.
    [Fact]
    public void Every_activation_has_what_its_shape_needs()
    {
        foreach (var a in ActivationDefinitions.All)
        {
            Assert.False(string.IsNullOrEmpty(a.Name));
            Assert.StartsWith("a = ", a.Formula, StringComparison.Ordinal);
            Assert.StartsWith("ŷ = ", a.OutputFormula, StringComparison.Ordinal);
            Assert.StartsWith("δ = ", a.DerivativeFormula, StringComparison.Ordinal);
            bool identity = a.Shape == ActivationShape.Identity, elementwise = a.Shape == ActivationShape.Elementwise;
            Assert.Equal(elementwise, a.Scalar is not null);
            Assert.Equal(elementwise, a.ScalarDerivative is not null);
            Assert.Equal(!identity, a.SpanFunction is not null);
            Assert.Equal(!identity, a.SpanDerivative is not null);
        }
    }

    // The generated code calls NetDsl.Activations.X(z, a[, width]) and XBackward(a, delta[, width]).
    [Fact]
    public void Every_span_function_an_activation_names_exists_in_the_runtime()
    {
        foreach (var a in ActivationDefinitions.All.Where(a => a.Shape != ActivationShape.Identity))
        {
            Type[] width = a.Shape == ActivationShape.RowWise ? [typeof(int)] : [];
            AssertRuntimeMethod(a.SpanFunction!, typeof(void), [typeof(ReadOnlySpan<float>), typeof(Span<float>), .. width]);
            AssertRuntimeMethod(a.SpanDerivative!, typeof(void), [typeof(ReadOnlySpan<float>), typeof(Span<float>), .. width]);
        }
    }

    [Fact]
    public void Every_loss_function_a_loss_names_exists_in_the_runtime()
    {
        foreach (var l in LossDefinitions.All)
        {
            Type[] width = l.TakesWidth ? [typeof(int)] : [];
            AssertRuntimeMethod(l.Function, typeof(float), [typeof(ReadOnlySpan<float>), typeof(ReadOnlySpan<float>), .. width, typeof(float), typeof(Span<float>)]);
            Assert.True(l.FusedActivation is null || l.MinimumUnits >= 1);
        }
    }

    // Before kinds were data, an unknown activation was emitted as softmax, an unknown loss as mean
    // squared error and an unknown layer kind as dropout: wrong gradients, silently. The parser
    // rejects undefined values (NDSL006), so reaching the emitter with one is a bug, and says so.
    [Theory]
    [InlineData("activation", "Unknown activation 42")]
    [InlineData("loss", "Unknown loss 9")]
    [InlineData("layer", "Unknown layer kind 7")]
    [InlineData("initializer", "Unknown initializer 11")]
    public void An_unknown_kind_is_an_internal_error_not_another_kinds_code(string what, string message)
    {
        var hidden = new LayerModel("Hidden", "public", LayerKind.Dense, 3, ActivationKind.Tanh, InitializerKind.GlorotUniform, 0f);
        var output = new LayerModel("Output", "public", LayerKind.Dense, 2, ActivationKind.Sigmoid, InitializerKind.GlorotUniform, 0f);
        var loss = LossKind.MeanSquaredError;
        switch (what)
        {
            case "activation": hidden = hidden with { Activation = (ActivationKind)42 }; break;
            case "loss": loss = (LossKind)9; break;
            case "layer": hidden = hidden with { Kind = (LayerKind)7 }; break;
            case "initializer": hidden = hidden with { Initializer = (InitializerKind)11 }; break;
        }
        var network = new NetworkModel("Lab", "Net", EquatableArray<ContainingTypeModel>.Empty, 2, loss, new EquatableArray<LayerModel>([hidden, output]));

        var exception = Assert.Throws<InvalidOperationException>(() => Emitter.Emit(network));
        Assert.Equal(message, exception.Message);
    }

    private static void AssertRuntimeMethod(string qualifiedName, Type returns, Type[] parameters)
    {
        const string prefix = "global::";
        Assert.StartsWith(prefix, qualifiedName, StringComparison.Ordinal);
        int dot = qualifiedName.LastIndexOf('.');
        var type = typeof(Layer).Assembly.GetType(qualifiedName[prefix.Length..dot]);
        Assert.True(type is not null, $"{qualifiedName}: no type {qualifiedName[prefix.Length..dot]} in the runtime");
        var method = type.GetMethod(qualifiedName[(dot + 1)..], BindingFlags.Public | BindingFlags.Static, parameters);
        Assert.True(method is not null, $"{qualifiedName}({string.Join(", ", parameters.Select(p => p.Name))}) is not a public static method of the runtime");
        Assert.Equal(returns, method.ReturnType);
    }
}
