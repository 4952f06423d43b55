using NetDsl.Examples;

// One console program, one subcommand per example; no argument gives the lecture tour.
string command = args.Length > 0 ? args[0] : "tour";
string? data = Option("--data");
int? epochs = int.TryParse(Option("--epochs"), out int count) ? count : null;
try
{
    return Run();
}
catch (Exception error) when (error is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException)
{
    // Missing or foreign data files, an unknown workload: the message says what was expected.
    Console.Error.WriteLine(error.Message);
    return 1;
}

int Run()
{
    switch (command)
    {
        case "tour": Tour.Run(); return 0;
        case "perceptron": Tour.Perceptron(); return 0;
        case "pass-fail": Tour.PassFailNetwork(); return 0;
        case "fashion": FashionExample.Run(data, epochs); return 0;
        case "bench" when args.Length > 1:
            string[] workloads = args[1] switch
            {
                "tiny" or "tiny-2-3-1" => ["tiny-2-3-1"],
                "fashion" => FashionBenchmark.Workloads,
                "all" => ["tiny-2-3-1", .. FashionBenchmark.Workloads],
                var name => [name],
            };
            foreach (var workload in workloads)
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
}

string? Option(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
