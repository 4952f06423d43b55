using System.Globalization;

namespace NetDsl.Examples;

/// <summary>Benchmark results as one JSON object a line: {"workload":…,"metric":…,"value":…}.</summary>
internal static class Json
{
    public static void Emit(string workload, string metric, double value) =>
        Console.WriteLine($"{{\"workload\":\"{workload}\",\"metric\":\"{metric}\",\"value\":{value.ToString("G6", CultureInfo.InvariantCulture)}}}");
}
