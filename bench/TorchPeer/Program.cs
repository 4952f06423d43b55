// The TorchSharp peer (libtorch 2.10 CPU): the same workloads as `Examples -- bench`, written as a PyTorch user would.
// Prints one JSON object per line: {"workload":..., "metric":..., "value":...}
using System.Diagnostics;
using System.IO.Compression;
using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

var which = args.Length > 0 ? args[0] : "all";
var threads = Environment.GetEnvironmentVariable("PEER_THREADS");
if (threads != null) torch.set_num_threads(int.Parse(threads));
// BENCH_SEED (default 0) seeds the fashion runs' initial weights, shuffles and dropout masks, as it does Examples'.
long seed = long.Parse(Environment.GetEnvironmentVariable("BENCH_SEED") ?? "0");
torch.manual_seed(0);

void Emit(string workload, string metric, double value) =>
    Console.WriteLine($"{{\"workload\":\"{workload}\",\"metric\":\"{metric}\",\"value\":{value.ToString("G6", System.Globalization.CultureInfo.InvariantCulture)}}}");

double TimePerIter(Action step, int warm, double seconds)
{
    for (int i = 0; i < warm; i++) step();
    var sw = Stopwatch.StartNew(); int n = 0;
    while (sw.Elapsed.TotalSeconds < seconds) { step(); n++; }
    return sw.Elapsed.TotalSeconds / n;
}

// One-thread timings on a shared machine: this thread's CPU time (Linux CLOCK_THREAD_CPUTIME_ID), as Examples' gemm-* do,
// so time spent waiting for a core is not counted. libtorch on one thread runs its products on the calling thread.
double CpuTimePerIter(Action step, int warm, double seconds)
{
    for (int i = 0; i < warm; i++) step();
    double start = ThreadSeconds(), elapsed; long n = 0;
    do { step(); n++; elapsed = ThreadSeconds() - start; } while (elapsed < seconds);
    return elapsed / n;
}

static double ThreadSeconds()
{
    if (OperatingSystem.IsLinux() && Native.clock_gettime(3, out var t) == 0) return t.Seconds + t.Nanoseconds * 1e-9;
    return Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
}

(float[] x, byte[] y, int n) LoadIdx(string dir, string prefix)
{
    byte[] Read(string f) { using var gz = new GZipStream(File.OpenRead(Path.Combine(dir, f)), CompressionMode.Decompress); using var ms = new MemoryStream(); gz.CopyTo(ms); return ms.ToArray(); }
    var img = Read($"{prefix}-images-idx3-ubyte.gz"); var lab = Read($"{prefix}-labels-idx1-ubyte.gz");
    int n = (img[4] << 24) | (img[5] << 16) | (img[6] << 8) | img[7];
    var x = new float[n * 784];
    for (int i = 0; i < x.Length; i++) x[i] = img[16 + i] / 255f;
    return (x, lab[8..], n);
}

if (which is "all" or "tiny")
{
    // Lecture network: 2 inputs, 3 sigmoid hidden units, 1 sigmoid output, binary cross-entropy, plain SGD, one sample per step.
    var xs = torch.tensor(new float[] { 4, 5 }).reshape(1, 2); var ys = torch.tensor(new float[] { 1 }).reshape(1, 1);
    var m = nn.Sequential(("h", nn.Linear(2, 3)), ("s", nn.Sigmoid()), ("o", nn.Linear(3, 1)), ("s2", nn.Sigmoid()));
    var opt = torch.optim.SGD(m.parameters(), 0.1); var bce = nn.BCELoss();
    var t = TimePerIter(() => { using var d = torch.NewDisposeScope(); opt.zero_grad(); var l = bce.forward(m.forward(xs), ys); l.backward(); opt.step(); }, 200, 2);
    Emit("tiny-2-3-1", "train_step_us", t * 1e6);
    using (torch.no_grad())
    {
        var ti = TimePerIter(() => { using var d = torch.NewDisposeScope(); m.forward(xs); }, 200, 1);
        Emit("tiny-2-3-1", "infer_us", ti * 1e6);
    }
}

if (which is "all" or "mlp" or "fashion" || which.StartsWith("fashion-"))
{
    var dir = Environment.GetEnvironmentVariable("FASHION_MNIST_DIR") ?? "/usr/share/datasets/fashion-mnist";
    var (trx, trY, trn) = LoadIdx(dir, "train"); var (tex, teY, ten) = LoadIdx(dir, "t10k");
    var Xtr = torch.tensor(trx).reshape(trn, 784); var Ytr = torch.tensor(trY.Select(b => (long)b).ToArray());
    var Xte = torch.tensor(tex).reshape(ten, 784); var Yte = torch.tensor(teY.Select(b => (long)b).ToArray());

    foreach (var (name, hidden, dropout, batch, optName) in new[] {
        ("fashion-784-128-10", new[] { 128 }, 0.0, 32, "adam"),
        ("fashion-784-128-10-b256", new[] { 128 }, 0.0, 256, "adam"),
        ("fashion-784-512-512-10-dropout", new[] { 512, 512 }, 0.2, 128, "rmsprop") })
    {
        if (which == "mlp" && name != "fashion-784-128-10-b256" || which.StartsWith("fashion-") && name != which) continue;
        torch.manual_seed(seed);
        // The model Examples declares: Dense layers with its default Glorot-uniform weights and zero biases (nn.Linear's own
        // default, Kaiming-uniform(a=√5) weights and uniform biases, is a different and smaller start), inverted dropout after
        // each hidden ReLU, softmax cross-entropy averaged over the batch.
        var layers = new List<(string, torch.nn.Module<Tensor, Tensor>)>(); int prev = 784; int k = 0;
        foreach (var h in hidden) { layers.Add(($"l{k}", GlorotLinear(prev, h))); layers.Add(($"r{k}", nn.ReLU())); if (dropout > 0) layers.Add(($"d{k}", nn.Dropout(dropout))); prev = h; k++; }
        layers.Add(("out", GlorotLinear(prev, 10)));
        var model = nn.Sequential(layers);
        // NetDsl's Adam and RmsProp are Keras's, whose ε sits elsewhere than torch.optim's (see KerasOptimizer).
        var opt = optName == "adam" ? KerasOptimizer.Adam(model.parameters(), 1e-3) : KerasOptimizer.RmsProp(model.parameters(), 1e-3);
        var ce = nn.CrossEntropyLoss();
        int epochs = int.Parse(Environment.GetEnvironmentVariable("PEER_EPOCHS") ?? "5");
        var sw = Stopwatch.StartNew(); long steps = 0;
        for (int e = 0; e < epochs; e++)
        {
            model.train();
            var perm = torch.randperm(trn);
            for (int i = 0; i < trn; i += batch)
            {
                using var d = torch.NewDisposeScope();
                var idx = perm.slice(0, i, Math.Min(i + batch, trn), 1);
                model.zero_grad(); var l = ce.forward(model.forward(Xtr.index_select(0, idx)), Ytr.index_select(0, idx)); l.backward(); opt.step(); steps++;
            }
        }
        var train = sw.Elapsed.TotalSeconds;
        model.eval(); double acc;
        using (torch.no_grad()) { acc = model.forward(Xte).argmax(1).eq(Yte).to_type(ScalarType.Float32).mean().item<float>(); }
        Emit(name, "epoch_s", train / epochs);
        long weights = model.parameters().Where(p => p.dim() == 2).Sum(p => p.numel());
        Emit(name, "gflops", 6.0 * weights * trn / (train / epochs) / 1e9);   // 6 FLOPs per weight per example, as Examples counts
        Emit(name, "train_step_ms", train / steps * 1e3);
        Emit(name, $"test_acc_after_{epochs}_epochs", acc);
    }
}

if (which is "all" or "gemm")
{
    // The matrix products of the fashion workloads and a square 1024, one thread, as libtorch runs them (its sgemm).
    // Forms: abt C[m×n] = A[m×k]·B[n×k]ᵀ (a dense layer forward), atb C[m×n] = A[k×m]ᵀ·B[k×n] (its weight
    // gradient), ab C[m×n] = A[m×k]·B[k×n] (its input gradient). C is preallocated: addmm_ with beta 0 overwrites it.
    int saved = torch.get_num_threads();
    torch.set_num_threads(1);
    foreach (var (form, m, n, k) in GemmShapes())
    {
        var a = form == "atb" ? torch.randn(k, m).t() : torch.randn(m, k);
        var b = form == "abt" ? torch.randn(n, k).t() : torch.randn(k, n);
        var c = torch.empty(m, n);
        double seconds = Math.Max(0.2, Math.Min(1.0, 2e-10 * m * n * k));
        var t = CpuTimePerIter(() => { using var d = torch.NewDisposeScope(); c.addmm_(a, b, beta: 0, alpha: 1); }, 3, seconds);
        Emit($"gemm-{form}-{m}x{n}x{k}", "gflops", 2.0 * m * n * k / t / 1e9);
    }
    torch.set_num_threads(saved);
}

// A dense layer as Examples' [Dense] makes it: weights uniform in ±√(6 / (fanIn + fanOut)) (Glorot), biases zero.
static nn.Module<Tensor, Tensor> GlorotLinear(int inputs, int outputs)
{
    var linear = nn.Linear(inputs, outputs);
    using (torch.no_grad()) { nn.init.xavier_uniform_(linear.weight!); nn.init.zeros_(linear.bias!); }
    return linear;
}

// The same list as Examples' GemmBenchmark: 1024³, then each fashion weight shape (units × fan-in) at batches 32, 128, 256.
static IEnumerable<(string Form, int M, int N, int K)> GemmShapes()
{
    foreach (var form in new[] { "abt", "atb", "ab" }) yield return (form, 1024, 1024, 1024);
    foreach (var (units, fanIn) in new[] { (128, 784), (512, 784), (512, 512) })
        foreach (var batch in new[] { 32, 128, 256 })
        {
            yield return ("abt", batch, units, fanIn);
            yield return ("atb", units, fanIn, batch);
            yield return ("ab", batch, fanIn, units);
        }
}

if (which is "all" or "peak")
{
    // The practical limit of this machine: a large single-precision matrix product in libtorch.
    foreach (var nThreads in new[] { 1, torch.get_num_threads() })
    {
        torch.set_num_threads(nThreads);
        var a = torch.randn(2048, 2048); var b = torch.randn(2048, 2048);
        var t = TimePerIter(() => { using var d = torch.NewDisposeScope(); torch.mm(a, b); }, 3, 3);
        Emit($"sgemm-2048-threads{nThreads}", "gflops", 2.0 * 2048 * 2048 * 2048 / t / 1e9);
    }
}

/// <summary>
/// Keras's Adam and RMSprop, the update rules of NetDsl's <c>Adam</c> and <c>RmsProp</c> (Keras's defaults but the
/// learning rate), as tensor operations per parameter, the way TorchSharp writes its torch.optim steps. torch.optim cannot
/// express either: its RMSprop adds ε after the root, √s + ε, where Keras takes √(s + ε) (with ε = 1e-7 the two differ
/// for every weight whose mean square gradient is below about 1e-6), and its Adam adds ε to the bias-corrected √v̂,
/// where Keras adds it to √v (Keras's ε is the paper's ε̂).
/// </summary>
sealed class KerasOptimizer
{
    private readonly Parameter[] parameters;
    private readonly Tensor[] first, second;
    private readonly Action<Parameter, Tensor, Tensor, Tensor, long> update;
    private long iteration;

    private KerasOptimizer(IEnumerable<Parameter> parameters, bool firstMoment, Action<Parameter, Tensor, Tensor, Tensor, long> update)
    {
        this.parameters = parameters.ToArray();
        second = this.parameters.Select(p => torch.zeros_like(p)).ToArray();
        first = firstMoment ? this.parameters.Select(p => torch.zeros_like(p)).ToArray() : second.Select(_ => (Tensor)null!).ToArray();
        this.update = update;
    }

    /// <summary>m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², θ ← θ − η·√(1 − β₂ᵗ)/(1 − β₁ᵗ) · m / (√v + ε); β₁ 0.9, β₂ 0.999, ε 1e-7.</summary>
    public static KerasOptimizer Adam(IEnumerable<Parameter> parameters, double learningRate, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7) =>
        new(parameters, firstMoment: true, (p, g, m, v, t) =>
        {
            m.mul_(beta1).add_(g, alpha: 1 - beta1);
            v.mul_(beta2).addcmul_(g, g, value: 1 - beta2);
            double stepSize = learningRate * Math.Sqrt(1 - Math.Pow(beta2, t)) / (1 - Math.Pow(beta1, t));
            p.addcdiv_(m, v.sqrt().add_(epsilon), value: -stepSize);
        });

    /// <summary>s ← ρs + (1 − ρ)g², θ ← θ − η·g / √(s + ε); ρ 0.9, ε 1e-7, no momentum, not centered.</summary>
    public static KerasOptimizer RmsProp(IEnumerable<Parameter> parameters, double learningRate, double rho = 0.9, double epsilon = 1e-7) =>
        new(parameters, firstMoment: false, (p, g, _, s, _) =>
        {
            s.mul_(rho).addcmul_(g, g, value: 1 - rho);
            p.addcdiv_(g, s.add(epsilon).sqrt_(), value: -learningRate);
        });

    public void step()
    {
        using var noGrad = torch.no_grad();
        iteration++;
        for (int i = 0; i < parameters.Length; i++)
            if (parameters[i].grad is { } g) update(parameters[i], g, first[i], second[i], iteration);
    }
}

static class Native
{
    public struct TimeSpec { public long Seconds, Nanoseconds; }
    [System.Runtime.InteropServices.DllImport("libc")] public static extern int clock_gettime(int clock, out TimeSpec time);
}
