using NetDsl.Examples;

// One console program, one subcommand per example; no argument gives the lecture tour.
string command = args.Length > 0 ? args[0] : "tour";
switch (command)
{
    case "tour": Tour.Run(); return 0;
    case "perceptron": Tour.Perceptron(); return 0;
    case "pass-fail": Tour.PassFailNetwork(); return 0;
    case "bench" when args.Length > 1 && args[1] == "tiny": TinyBenchmark.Run(); return 0;
    default:
        Console.Error.WriteLine($"Unknown command '{string.Join(' ', args)}'.");
        Console.Error.WriteLine("Usage: Examples [tour | perceptron | pass-fail | bench tiny]");
        return 2;
}
