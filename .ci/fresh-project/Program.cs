using System.Globalization;
using System.Runtime.Intrinsics;
using NetDsl;
using NetDsl.Datasets;
using NetDsl.Onnx;
using NetDsl.Mpi;
using FreshProject;

// A new user's first program: declare networks, train them, evaluate, predict, ship. It prints every
// prediction with its bits, so the JIT build and the Native AOT build can be compared line by line.
// `--startup` only builds one network and predicts once, to time the start; `--onnx PATH` also
// exports the trained classifier as an ONNX model to PATH.

if (args.Contains("--startup"))
{
    var untrained = new PassFail(seed: 42);
    Print("startup", 0, untrained.Predict([4f, 5f])[0]);
    return;
}

// `--mpi`: the Fashion-MNIST classifier trained on every process of an MPI job (or alone, started
// plainly); rank 0 prints its predictions, which must not depend on the number of processes.
if (args.Contains("--mpi"))
{
    using var world = Mpi.Start();
    var (mpiTrain, mpiTest) = FashionMnist.LoadSubset();
    var shared = new Classifier(seed: 3);
    shared.Fit(mpiTrain.Features, mpiTrain.OneHotTargets(),
        new TrainOptions { Epochs = 1, BatchSize = 128, Optimizer = new Adam(), Seed = 2, Distributed = world });
    if (world.Rank != 0) return;
    var outputs = shared.Predict(mpiTest.FeaturesOf(0));
    for (int c = 0; c < outputs.Length; c++) Print("mpi", c, outputs[c]);
    return;
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"isa Vector512={Vector512.IsHardwareAccelerated} Vector256={Vector256.IsHardwareAccelerated} Vector128={Vector128.IsHardwareAccelerated}"));

// 1. Will I pass this class? Lectures attended and hours on the project → pass probability.
var (x, y) = Students(count: 200, seed: 7);
var passFail = new PassFail(seed: 42);
var history = passFail.Fit(x, y, new TrainOptions { Epochs = 100, BatchSize = 16, Optimizer = new Adam(0.05f), Seed = 1 });
var (testX, testY) = Students(count: 100, seed: 8);
var passFailResult = passFail.Evaluate(testX, testY);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"pass-fail loss {history.Loss[0]:0.000} -> {history.Loss[^1]:0.000}, test accuracy {passFailResult.Accuracy:0.000}"));
float[][] students = [[4f, 5f], [10f, 1f], [2f, 8f], [0f, 0f]];
for (int i = 0; i < students.Length; i++)
    Print("pass-fail", i, passFail.Predict(students[i])[0]);

// 2. Fashion-MNIST from the subset NetDsl.Datasets embeds: 784 pixels → 64 ReLU → 10 classes.
var (train, test) = FashionMnist.LoadSubset();
var classifier = new Classifier(seed: 3);
classifier.Fit(train.Features, train.OneHotTargets(), new TrainOptions { Epochs = 2, BatchSize = 64, Optimizer = new Adam(), Seed = 2 });
var fashionResult = classifier.Evaluate(test.Features, test.OneHotTargets());
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"fashion test loss {fashionResult.Loss:0.000}, accuracy {fashionResult.Accuracy:0.000}"));
float[] probabilities = new float[Classifier.OutputSize];
for (int i = 0; i < 3; i++)
{
    classifier.Predict(test.FeaturesOf(i), probabilities);
    int guess = probabilities.AsSpan().IndexOf(probabilities.Max());
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"fashion image {i}: {FashionMnist.ClassNames[guess]} (truth: {FashionMnist.ClassNames[test.Labels[i]]})"));
    for (int c = 0; c < probabilities.Length; c++)
        Print("fashion", i * Classifier.OutputSize + c, probabilities[c]);
}

// 3. A regression: y = sin(x) on [−3, 3] with tanh units and mean squared error.
float[] xs = [.. Enumerable.Range(0, 64).Select(i => -3f + 6f * i / 63f)];
float[] ys = [.. xs.Select(MathF.Sin)];
var sine = new Sine(seed: 5);
sine.Fit(xs, ys, new TrainOptions { Epochs = 200, BatchSize = 8, Optimizer = new Adam(0.01f), Seed = 3 });
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sine mean squared error {sine.Evaluate(xs, ys).Loss:0.0000}"));
for (int i = 0; i < 4; i++)
    Print("sine", i, sine.Predict([-1.5f + i])[0]);

// 4. Ship the classifier to anything that runs ONNX: probabilities out, as Predict gives them.
int onnxArgument = Array.IndexOf(args, "--onnx");
if (onnxArgument >= 0 && onnxArgument + 1 < args.Length)
{
    string onnxPath = args[onnxArgument + 1];
    classifier.ExportOnnx(onnxPath);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"onnx {Path.GetFileName(onnxPath)} {new FileInfo(onnxPath).Length} bytes"));
}

// 5. The trained pass/fail weights saved as safetensors and loaded into a new network: the same predictions.
string weights = Path.Combine(Path.GetTempPath(), $"fresh-project-{Environment.ProcessId}.safetensors");
passFail.SaveWeights(weights);
var reloaded = new PassFail(seed: 0);
reloaded.LoadWeights(weights);
File.Delete(weights);
for (int i = 0; i < students.Length; i++)
    Print("reloaded", i, reloaded.Predict(students[i])[0]);

static void Print(string network, int index, float value) =>
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"prediction {network} {index} {value:R} 0x{BitConverter.SingleToInt32Bits(value):X8}"));

// Pass if lectures + 2·hours ≥ 12, for a spread of students that the seed shifts.
static (float[] Inputs, float[] Targets) Students(int count, int seed)
{
    var inputs = new float[count * 2];
    var targets = new float[count];
    for (int i = 0; i < count; i++)
    {
        float lectures = (i * 7 + seed) % 11, hours = (i * 3 + seed * 5 + i / 11) % 11;
        inputs[2 * i] = lectures;
        inputs[2 * i + 1] = hours;
        targets[i] = lectures + 2f * hours >= 12f ? 1f : 0f;
    }
    return (inputs, targets);
}
