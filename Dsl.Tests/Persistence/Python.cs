using System.Diagnostics;
using System.Text.Json;

namespace NetDsl.Tests.Persistence;

/// <summary>
/// Runs <c>interop.py</c> (beside the tests) with the first Python that has what a test needs: <c>python3</c>
/// on the PATH, then the system's <c>/usr/bin/python3</c> (where Debian's <c>python3-torch</c> installs).
/// A test whose packages no interpreter has is skipped, saying which are missing and how to install them.
/// </summary>
internal static class Python
{
    private static readonly string[] Interpreters = ["python3", "/usr/bin/python3"];

    private static readonly Lazy<IReadOnlyList<(string Interpreter, HashSet<string> Modules)>> Found = new(Probe);

    private static string Script => Path.Combine(AppContext.BaseDirectory, "Persistence", "interop.py");

    /// <summary>An interpreter that imports every one of <paramref name="modules"/>; skips the test when none does.</summary>
    public static string Require(string why, params string[] modules)
    {
        foreach (var (interpreter, found) in Found.Value)
            if (modules.All(found.Contains)) return interpreter;
        string tried = Found.Value.Count == 0 ? "no python3 was found" : string.Join("; ", Found.Value.Select(f =>
            $"{f.Interpreter} lacks {string.Join(" and ", modules.Where(m => !f.Modules.Contains(m)))}"));
        Assert.Skip($"{why} needs Python with {string.Join(" and ", modules)}: {tried} (.ci/python-for-tests installs them where it can)");
        return null!;
    }

    /// <summary>Runs a command of interop.py and returns the JSON it prints.</summary>
    public static JsonElement Run(string interpreter, params string[] arguments)
    {
        var start = new ProcessStartInfo(interpreter, [Script, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill();
            Assert.Fail($"interop.py {arguments[0]} did not finish in 3 minutes.");
        }
        if (process.ExitCode != 0)
            Assert.Fail($"interop.py {string.Join(" ", arguments.Take(3))} failed ({process.ExitCode}):\n{error.Result}");
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    /// <summary>
    /// Runs <paramref name="code"/> in <paramref name="folder"/> and returns what it prints. Where the interpreter
    /// lacks the safetensors package, <c>safetensors.torch</c> is interop.py's reader and writer from the format's
    /// specification (<paramref name="shimmed"/> says so), so that code written for the package runs with PyTorch alone.
    /// </summary>
    public static string RunCode(string interpreter, string code, string folder, out bool shimmed)
    {
        shimmed = !Found.Value.Any(f => f.Interpreter == interpreter && f.Modules.Contains("safetensors"));
        var start = new ProcessStartInfo(interpreter, ["-c", code])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        if (shimmed)
        {
            string package = Path.Combine(folder, "shim", "safetensors");
            Directory.CreateDirectory(package);
            File.WriteAllText(Path.Combine(package, "__init__.py"), "");
            File.WriteAllText(Path.Combine(package, "torch.py"), $$"""
                import sys
                sys.path.insert(0, {{JsonSerializer.Serialize(Path.GetDirectoryName(Script))}})
                from interop import spec_load as load_file, spec_save

                def save_file(tensors, filename, metadata=None):
                    spec_save(tensors, filename, metadata or {})
                """);
            start.Environment["PYTHONPATH"] = Path.Combine(folder, "shim");
        }
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill();
            Assert.Fail("The Python code did not finish in 3 minutes.");
        }
        if (process.ExitCode != 0) Assert.Fail($"The Python code failed ({process.ExitCode}):\n{error.Result}");
        return output;
    }

    private static List<(string, HashSet<string>)> Probe()
    {
        var found = new List<(string, HashSet<string>)>();
        foreach (string interpreter in Interpreters)
        {
            try
            {
                var result = Run(interpreter, "probe");
                found.Add((interpreter, result.EnumerateObject().Where(p => p.Value.GetBoolean()).Select(p => p.Name).ToHashSet()));
            }
            catch (Exception problem) when (problem is System.ComponentModel.Win32Exception or Xunit.Sdk.XunitException or JsonException)
            {
                // No such interpreter, or not one that runs the script.
            }
        }
        return found;
    }
}
