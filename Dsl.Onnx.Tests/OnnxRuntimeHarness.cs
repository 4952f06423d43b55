using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;

namespace NetDsl.Onnx.Tests;

/// <summary>
/// Runs ONNX models in ONNX Runtime's CPU provider and reports what it logged at warning level or
/// above. The environment is one per process: it is created here, before any session, with a
/// logger that records every message, and the runs are serialized so each one's messages are its own.
/// </summary>
internal static class OnnxRuntimeHarness
{
    private static readonly ConcurrentQueue<string> Messages = new();
    private static readonly Lock Gate = new();

    static OnnxRuntimeHarness()
    {
        var options = new EnvironmentCreationOptions
        {
            logId = "netdsl-onnx-tests",
            logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING,
            loggingFunction = (_, severity, category, logId, location, message) =>
                Messages.Enqueue($"{severity} [{logId}] {category} {location}: {message}"),
        };
        OrtEnv.CreateInstanceWithOptions(ref options);
    }

    /// <summary>ONNX Runtime's version, for messages.</summary>
    public static string Version => OrtEnv.Instance().GetVersionString();

    /// <summary>
    /// Loads <paramref name="model"/>, runs it on <paramref name="rows"/> rows of <paramref name="inputs"/>
    /// (input "input", output "output") and returns the outputs and the messages logged meanwhile.
    /// </summary>
    public static (float[] Outputs, IReadOnlyList<string> Log) Run(byte[] model, float[] inputs, int rows, int inputSize, int threads = 1)
    {
        lock (Gate)
        {
            Messages.Clear();
            using (var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING, LogId = "export-test", IntraOpNumThreads = threads, InterOpNumThreads = 1 })
            using (var session = new InferenceSession(model, options))
            using (var input = OrtValue.CreateTensorValueFromMemory(inputs, [rows, inputSize]))
            using (var run = new RunOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING })
            using (var results = session.Run(run, ["input"], [input], ["output"]))
            {
                float[] outputs = results[0].GetTensorDataAsSpan<float>().ToArray();
                long[] shape = results[0].GetTensorTypeAndShape().Shape;
                Assert.Equal(2, shape.Length);
                Assert.Equal(rows, shape[0]);
                return (outputs, [.. Messages]);
            }
        }
    }

    /// <summary>Only loads <paramref name="model"/>, and returns what was logged.</summary>
    public static IReadOnlyList<string> Load(byte[] model)
    {
        lock (Gate)
        {
            Messages.Clear();
            using (var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING, LogId = "load-test" })
            using (var session = new InferenceSession(model, options))
                return [.. Messages];
        }
    }
}
