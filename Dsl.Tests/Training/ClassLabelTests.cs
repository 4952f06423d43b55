using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetDsl.Tests.Infrastructure;

namespace NetDsl.Tests.Training;

/// <summary>Integer class labels, as Keras's sparse categorical cross-entropy: Fit and Evaluate take them and one-hot them.</summary>
public class ClassLabelTests
{
    private static (float[] X, float[] OneHot, int[] Labels) Blobs(int rows, int seed)
    {
        var (x, y) = TrainingTests.Blobs(rows, seed);
        var labels = new int[rows];
        for (int r = 0; r < rows; r++) labels[r] = Accuracy.ArgMax(y.AsSpan(r * 3, 3));
        return (x, y, labels);
    }

    [Fact]
    public void Fit_and_Evaluate_with_labels_are_Fit_and_Evaluate_with_their_one_hot_rows()
    {
        var (x, oneHot, labels) = Blobs(90, seed: 1);
        var options = new TrainOptions { Epochs = 3, BatchSize = 16, Optimizer = new Adam(0.02f), Seed = 2, ValidationSplit = 0.2f };
        var withLabels = new ThreeClasses(seed: 9);
        var withRows = new ThreeClasses(seed: 9);

        var fromLabels = withLabels.Fit(x, labels, options);      // int[]
        var fromRows = withRows.Fit(x, oneHot, options);
        Assert.Equal(withRows.Parameters.ToArray(), withLabels.Parameters.ToArray());
        Assert.Equal(fromRows.Loss, fromLabels.Loss);
        Assert.Equal(fromRows.ValidationLoss, fromLabels.ValidationLoss);
        Assert.Equal(withRows.Evaluate(x, oneHot), withLabels.Evaluate(x, (ReadOnlySpan<int>)labels));
    }

    [Fact]
    public void Labels_need_a_categorical_cross_entropy_network()
    {
        var binary = new PassFail(seed: 1);
        float[] x = [0f, 0f, 1f, 1f];
        int[] labels = [0, 1];
        foreach (var e in new[]
        {
            Assert.Throws<ArgumentException>(() => binary.Fit(x, labels)),
            Assert.Throws<ArgumentException>(() => binary.Evaluate(x, labels)),
        })
        {
            Assert.Equal("labels", e.ParamName);
            Assert.Contains("categorical cross-entropy", e.Message);
            Assert.Contains($"{nameof(PassFail)} is trained with {nameof(Loss.BinaryCrossEntropy)}", e.Message);
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(-1)]
    public void A_label_outside_the_classes_is_refused_naming_its_index_and_value(int bad)
    {
        var net = new ThreeClasses(seed: 1);
        var x = new float[6 * 2];
        int[] labels = [0, 1, 2, 0, bad, 1];
        var before = net.Parameters.ToArray();
        foreach (var e in new[]
        {
            Assert.Throws<ArgumentException>(() => net.Fit(x, labels)),
            Assert.Throws<ArgumentException>(() => net.Evaluate(x, labels)),
        })
        {
            Assert.Equal("labels", e.ParamName);
            Assert.Contains($"class labels in [0, 3), but labels[4] is {bad}", e.Message);
        }
        Assert.Equal(before, net.Parameters.ToArray());
    }

    [Fact]
    public void One_label_per_input_row()
    {
        var net = new ThreeClasses(seed: 1);
        int[] two = [0, 1]; // an int[]: a bare collection expression would become float targets
        var e = Assert.Throws<ArgumentException>(() => net.Fit(new float[3 * 2], two));
        Assert.Equal("labels", e.ParamName);
        Assert.Contains("Expected 3 labels, one per input row, but got 2", e.Message);
        var inputs = Assert.Throws<ArgumentException>(() => net.Evaluate(new float[5], two));
        Assert.Equal("inputs", inputs.ParamName);
    }

    [Fact]
    public void User_code_with_implicit_usings_finds_the_label_overloads()
    {
        // A console app's global usings, then NetDsl: the names must bind, unambiguously, to the label overloads.
        var run = GeneratorHarness.Run(ImplicitUsings.ConsoleApp + """

            using NetDsl;

            namespace App;

            [Network(Inputs = 2, Loss = Loss.CategoricalCrossEntropy)]
            public partial class Classes
            {
                [Dense(4, Activation.Tanh)] public partial Layer Hidden { get; }
                [Dense(3, Activation.Softmax)] public partial Layer Output { get; }
            }

            public static class Program
            {
                public static void Main()
                {
                    var net = new Classes(seed: 1);
                    float[] x = [0f, 0f, 1f, 1f];
                    int[] labels = [0, 2];
                    var options = new TrainOptions { Epochs = 2, EarlyStopping = new EarlyStopping { Monitor = Metric.Loss } };
                    TrainingHistory history = net.Fit(x, labels, options);
                    EvaluationResult result = net.Evaluate(x, labels);
                    ReadOnlySpan<int> span = labels;
                    net.Fit(x, span);
                    net.Evaluate(x, span);
                    float[] targets = [1f, 0f, 0f, 0f, 0f, 1f];
                    net.Fit(x, targets);
                    net.Evaluate(x, targets);
                }
            }
            """).AssertCompilesCleanly();

        var tree = run.OutputCompilation.SyntaxTrees.First(t => t.FilePath == GeneratorHarness.MainFile);
        var model = run.OutputCompilation.GetSemanticModel(tree);
        var calls = tree.GetRoot().DescendantNodes().OfType<InvocationExpressionSyntax>()
            .Select(call => (IMethodSymbol)model.GetSymbolInfo(call).Symbol!)
            .Where(method => method.Name is "Fit" or "Evaluate")
            .Select(method => $"{method.Name}({method.Parameters[1].Type.ToDisplayString()}) in {method.ContainingType.ToDisplayString()}")
            .ToList();
        Assert.Equal(
        [
            "Fit(System.ReadOnlySpan<int>) in NetDsl.NetworkExtensions",
            "Evaluate(System.ReadOnlySpan<int>) in NetDsl.NetworkExtensions",
            "Fit(System.ReadOnlySpan<int>) in NetDsl.NetworkExtensions",
            "Evaluate(System.ReadOnlySpan<int>) in NetDsl.NetworkExtensions",
            "Fit(System.ReadOnlySpan<float>) in App.Classes",
            "Evaluate(System.ReadOnlySpan<float>) in App.Classes",
        ], calls);
    }
}
