using NetDsl.Generators.Model;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// The generator cannot reference the runtime, so it mirrors the runtime's enums: the attribute
/// arguments it reads are the runtime's numeric values, and it writes the names back into
/// generated code. Both must match, name for name and value for value.
/// </summary>
public sealed class EnumMirrorTests
{
    [Fact]
    public void ActivationKindMirrorsActivation() => AssertMirrors<Activation, ActivationKind>();

    [Fact]
    public void LossKindMirrorsLoss() => AssertMirrors<Loss, LossKind>();

    [Fact]
    public void InitializerKindMirrorsInitializer() => AssertMirrors<Initializer, InitializerKind>();

    [Fact]
    public void LayerKindMirrorsLayerKind() => AssertMirrors<LayerKind, NetDsl.Generators.Model.LayerKind>();

    private static void AssertMirrors<TRuntime, TMirror>() where TRuntime : struct, Enum where TMirror : struct, Enum
    {
        static IEnumerable<(string, int)> Members<T>() where T : struct, Enum =>
            Enum.GetValues<T>().Select(v => (v.ToString(), Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(Members<TRuntime>(), Members<TMirror>());
        Assert.Equal(typeof(TRuntime).GetEnumUnderlyingType(), typeof(TMirror).GetEnumUnderlyingType());
    }
}
