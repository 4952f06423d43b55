using System.Runtime.CompilerServices;
using NetDsl.Generators.Emit;
using NetDsl.Tests.Infrastructure;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// The generated code of representative networks, compared with the reviewed snapshots in
/// Snapshots/ (see <see cref="SnapshotAssert"/>; accept changes with NETDSL_ACCEPT=1). Each network
/// must also compile, with its generated code, free of errors and warnings. Dense layers with at
/// most 64 weights are unrolled; larger ones call the runtime's kernels.
/// </summary>
public sealed class SnapshotTests
{
    [Fact]
    public void LecturePerceptron() => Verify("""
        using NetDsl;

        namespace Lecture;

        /// <summary>The lecture's perceptron: ŷ = σ(θ₀ + θ·x).</summary>
        [Network(Inputs = 2, Loss = Loss.BinaryCrossEntropy)]
        public partial class Perceptron
        {
            [Dense(1, Activation.Sigmoid)] public partial Layer Output { get; }
        }
        """);

    [Fact]
    public void PassFail() => Verify("""
        using NetDsl;

        namespace Lecture;

        [Network(Inputs = 2, Loss = Loss.BinaryCrossEntropy)]
        public partial class PassFail
        {
            [Dense(3, Activation.Sigmoid)] public partial Layer Hidden { get; }
            [Dense(1, Activation.Sigmoid)] public partial Layer Output { get; }
        }
        """);

    // 9·8 = 72 weights: kernels; 8·8 = 64: unrolled, exactly at the limit; 8·1: unrolled.
    [Fact]
    public void DeepRegression() => Verify("""
        using NetDsl;

        namespace Regression;

        [Network(Inputs = 9, Loss = Loss.MeanSquaredError)]
        public partial class DeepRegression
        {
            [Dense(8, Activation.Tanh)] public partial Layer First { get; }
            [Dense(8, Activation.Relu)] public partial Layer Second { get; }
            [Dense(1, Activation.Identity)] public partial Layer Output { get; }
        }
        """);

    [Fact]
    public void SoftmaxClassifier() => Verify("""
        using NetDsl;

        namespace Fashion;

        [Network(Inputs = 784, Loss = Loss.CategoricalCrossEntropy)]
        public partial class Classifier
        {
            [Dense(128, Activation.Relu, Initializer = Initializer.HeUniform)] public partial Layer Hidden { get; }
            [Dropout(0.2f)] public partial Layer Drop { get; }
            [Dense(10, Activation.Softmax)] public partial Layer Output { get; }
        }
        """);

    // Unrolled fused softmax, and dropout on the inputs: nothing below it needs a gradient.
    [Fact]
    public void SmallClassifierWithInputDropout() => Verify("""
        using NetDsl;

        namespace Iris;

        [Network(Inputs = 4, Loss = Loss.CategoricalCrossEntropy)]
        public partial class Iris
        {
            [Dropout(0.1f)] public partial Layer InputDrop { get; }
            [Dense(3, Activation.Softmax, Initializer = Initializer.Zeros)] public partial Layer Output { get; }
        }
        """);

    // Kernel sigmoid and softmax that are not fused into a loss, and a hidden layer too wide for
    // Predict's stack scratch (more than 256 floats), which is rented instead.
    [Fact]
    public void WideNetworkWithUnfusedKernels() => Verify("""
        using NetDsl;

        namespace Wide;

        [Network(Inputs = 16, Loss = Loss.MeanSquaredError)]
        public partial class Wide
        {
            [Dense(20000, Activation.Sigmoid, Initializer = Initializer.GlorotNormal)] public partial Layer Hidden { get; }
            [Dense(4, Activation.Tanh, Initializer = Initializer.HeNormal)] public partial Layer Output { get; }
        }
        """);

    [Fact]
    public void GlobalNamespace() => Verify("""
        using NetDsl;

        [Network(Inputs = 3)]
        public partial class GlobalNet
        {
            [Dense(2, Activation.Relu)] public partial Layer Hidden { get; }
            [Dense(1)] public partial Layer Output { get; }
        }
        """);

    [Fact]
    public void NestedInPartialClass() => Verify("""
        using NetDsl;

        namespace Outer.Space;

        public static partial class Models
        {
            internal partial class Inner
            {
                [Network(Inputs = 2, Loss = Loss.BinaryCrossEntropy)]
                public partial class Xor
                {
                    [Dense(2, Activation.Tanh)] public partial Layer Hidden { get; }
                    [Dense(1, Activation.Sigmoid)] public partial Layer Output { get; }
                }
            }
        }
        """);

    // A hint name cannot hold '<': the file is Generic.Outer{T}+Net.g.cs.
    [Fact]
    public void NestedInGenericClass() => Verify("""
        using NetDsl;

        namespace Generic;

        public partial class Outer<T> where T : struct
        {
            [Network(Inputs = 2)]
            public partial class Net
            {
                [Dense(1)] public partial Layer Output { get; }
            }
        }
        """);

    // Method names capitalise the layer's name, as C# names methods: ForwardHidden for 'hidden'.
    [Fact]
    public void LowerCaseLayerNames() => Verify("""
        using NetDsl;

        namespace Names;

        [Network(Inputs = 2, Loss = Loss.BinaryCrossEntropy)]
        public partial class Lower
        {
            [Dense(3, Activation.Tanh)] public partial Layer hidden { get; }
            [Dropout(0.5)] public partial Layer _drop { get; }
            [Dense(1, Activation.Sigmoid)] public partial Layer output { get; }
        }
        """);

    [Theory]
    [InlineData("hidden,output", "Hidden,Output")]
    [InlineData("Hidden,Output", "Hidden,Output")]
    [InlineData("_drop,int", "_drop,Int")]
    // Capitalising 'output' would give it Output's methods: it keeps its name as declared.
    [InlineData("output,Output,final", "output,Output,Final")]
    [InlineData("Output,output", "Output,output")]
    // 'ſ' (long s) and 's' both capitalise to 'S': neither may take the other's methods.
    [InlineData("ſx,sx", "ſx,sx")]
    public void LayerMethodNamesCapitaliseTheLayerNameWithoutCollisions(string layers, string stems) =>
        Assert.Equal(stems.Split(','), NetDsl.Generators.Parse.KnownNames.MethodStems(layers.Split(',')));

    // '@int' must stay escaped; 'output' and 'Output' must not share a local in Predict, nor methods.
    [Fact]
    public void LayerNamesThatAreKeywordsOrDifferOnlyInCase() => Verify("""
        using NetDsl;

        namespace Names;

        [Network(Inputs = 2)]
        public partial class @class
        {
            [Dense(2)] public partial Layer @int { get; }
            [Dense(2)] public partial Layer output { get; }
            [Dense(2)] public partial Layer Output { get; }
            [Dense(1)] public partial Layer Final { get; }
        }
        """);

    [Fact]
    public void InternalLayers() => Verify("""
        using NetDsl;

        namespace Hidden;

        [Network(Inputs = 2, Loss = Loss.BinaryCrossEntropy)]
        internal sealed partial class Secretive
        {
            [Dense(3, Activation.Relu)] internal partial Layer Hidden { get; }
            [Dense(1, Activation.Sigmoid)] private partial Layer Output { get; }
        }
        """);

    // The generator's one warning (NDSL009) goes to a .verified.txt beside the code.
    [Fact]
    public void SoftmaxTrainedWithMeanSquaredError() => Verify("""
        using NetDsl;

        namespace Warned;

        [Network(Inputs = 2)]
        public partial class SoftRegression
        {
            [Dense(3, Activation.Softmax)] public partial Layer Output { get; }
        }
        """);

    // ---- placeholders: what a declaration with an error gets instead of its code --------------
    // The NDSL errors are in the .verified.txt beside each; the compiler reports nothing, even where
    // the network is used.

    [Fact]
    public void PlaceholderForANetworkWithAnError() => Verify("""
        using NetDsl;

        namespace Lecture;

        [Network(Inputs = 2, Loss = Loss.BinaryCrossEntropy)]
        public partial class PassFail
        {
            [Dense(0, Activation.Sigmoid)] public partial Layer Hidden { get; }
            [Dropout(0.25)] public partial Layer Drop { get; }
            [Dense(1, Activation.Sigmoid)] public partial Layer Output { get; }
        }

        public static class Use
        {
            public static void Everything(float[] x, float[] y, float[] gradient)
            {
                var net = new PassFail(seed: 42);
                net.Hidden.Weights[0, 0] = 1f;
                float pass = net.Predict([4f, 5f])[0];
                net.Predict(x, y);
                float loss = net.LossAndGradient(x, y, gradient) + net.LossAndGradient(x, y, gradient, 7UL);
                net.Fit(x, y, new TrainOptions { Epochs = 1 });
                var (mean, accuracy) = net.Evaluate(x, y);
                new Trainer(net, new Adam(), maxBatchSize: 8).Step(x, y);
                System.Console.WriteLine($"{pass} {loss} {mean} {accuracy} {PassFail.InputSize + PassFail.OutputSize + PassFail.ParameterCount} {net.Parameters.Length}");
            }
        }
        """);

    // Each partial layer implemented as declared (modifiers, type, accessors, an indexer's
    // parameters); members the user declares are left out; the constructor calls the one the
    // base type has.
    [Fact]
    public void PlaceholderMirrorsEachDeclaration() => Verify("""
        using NetDsl;

        namespace Shapes;

        public abstract class Model
        {
            protected Model(string name) { }
        }

        public partial class Outer<T>
        {
            [Network(Inputs = 2)]
            internal sealed partial class Net : Model
            {
                [Dense(3)] internal partial Layer Hidden { get; }
                [Dense(3)] public partial Layer? Maybe { get; }
                [Dense(3)] public partial Layer Settable { get; private set; }
                [Dense(3)] public static partial Layer Shared { get; }
                [Dense(3)] public partial Layer this[int index, params string[] names] { get; }
                [Dense(1)] private partial Layer Output { get; }

                public void Fit() { }
            }
        }
        """);

    // A record with a primary constructor: the (int seed) constructor calls it.
    [Fact]
    public void PlaceholderForARecord() => Verify("""
        using NetDsl;

        namespace Records;

        [Network(Inputs = 2)]
        public partial record Net(string Name)
        {
            [Dense(1)] public partial Layer Output { get; }
        }

        public static class Use
        {
            public static float[] Run() => new Net(1).Predict([1f, 2f]);
        }
        """);

    [Fact]
    public void PlaceholderForLayersOutsideANetwork() => Verify("""
        using NetDsl;

        namespace Stray;

        public partial class Plain
        {
            [Dense(3)] public partial Layer Hidden { get; }
            [Dropout(0.5)] public partial Layer Drop { get; }
            [Dense(1)] public Layer NotPartial { get; }
        }
        """);

    [Fact]
    public void GeneratedCodeAttributeCarriesTheGeneratorVersion()
    {
        var run = GeneratorHarness.Run(PassFailSource).AssertCompilesCleanly();
        string version = typeof(NetDsl.Generators.NetworkGenerator).Assembly.GetName().Version!.ToString(3);
        Assert.Contains($"[global::System.CodeDom.Compiler.GeneratedCode(\"NetDsl\", \"{version}\")]", run.Source("PassFail.g.cs"));
    }

    private const string PassFailSource = """
        using NetDsl;

        [Network(Inputs = 2, Loss = Loss.BinaryCrossEntropy)]
        public partial class PassFail
        {
            [Dense(3, Activation.Sigmoid)] public partial Layer Hidden { get; }
            [Dense(1, Activation.Sigmoid)] public partial Layer Output { get; }
        }
        """;

    private static void Verify(string source, [CallerFilePath] string testFile = "", [CallerMemberName] string testMethod = "")
    {
        var run = GeneratorHarness.Run(source).AssertCompilesCleanly();
        Assert.NotEmpty(run.GeneratedSources);
        SnapshotAssert.Verify(run, ScrubVersion, testFile: testFile, testMethod: testMethod);
    }

    // The snapshots show {version}, so a version bump does not rewrite them all.
    private static string ScrubVersion(string text) =>
        text.Replace($"GeneratedCode(\"NetDsl\", \"{Emitter.Version}\")", "GeneratedCode(\"NetDsl\", \"{version}\")", StringComparison.Ordinal);
}
