using NetDsl.Examples;

// One console program, one subcommand per example; no argument gives the lecture tour.
string command = args.Length > 0 ? args[0] : "tour";
string? data = Option("--data");
int? epochs = int.TryParse(Option("--epochs"), out int e) ? e : null;
switch (command)
{
    case "tour": Tour.Run(); return 0;
    case "perceptron": Tour.Perceptron(); return 0;
    case "pass-fail": Tour.PassFailNetwork(); return 0;
    case "fashion": FashionExample.Run(data, epochs); return 0;
    case "bench" when args.Length > 1:
        foreach (var workload in args[1] switch
        {
            "tiny" or "tiny-2-3-1" => ["tiny-2-3-1"],
            "fashion" => FashionBenchmark.Workloads,
            "all" => ["tiny-2-3-1", .. FashionBenchmark.Workloads],
            var name => new[] { name },
        })
        {
            if (workload == "tiny-2-3-1") TinyBenchmark.Run();
            else FashionBenchmark.Run(workload, data);
        }
        return 0;
    default:
        Console.Error.WriteLine($"Unknown command '{string.Join(' ', args)}'.");
        Console.Error.WriteLine("Usage: Examples [tour | perceptron | pass-fail | fashion [--data DIR] [--epochs N] | bench tiny|fashion|all|<workload> [--data DIR]]");
        return 2;
}

string? Option(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
