using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Xunit;

namespace NetDsl.Tests.Build;

/// <summary>
/// The NDSL diagnostics as a user sees them: each case of <see cref="RealBuildCases"/> is a console
/// project that references the NetDsl runtime and generator this test was built with, and all of
/// them are built by one real <c>dotnet build</c> (see <see cref="RealBuildFixture"/>). Unlike the
/// in-memory harness, this is csc as the SDK runs it: it runs no analyzer once a declaration has a
/// compiler error, and prints what MSBuild prints.
/// </summary>
public sealed class RealBuildTests(RealBuildFixture build, ITestOutputHelper output) : IClassFixture<RealBuildFixture>
{
    public static TheoryData<string> Cases => new(RealBuildCases.All.Select(c => c.Name));

    // Each project prints exactly its NDSL diagnostics (id, file, line, column, message) and the
    // compiler errors the case documents, nothing else: no CS9248 for a missing implementation, no
    // CS1729/CS1061 where Program.cs uses the network, nothing in a generated file.
    [Theory]
    [MemberData(nameof(Cases))]
    public void A_project_shows_its_NDSL_diagnostics_and_nothing_else(string name)
    {
        var (project, result) = (RealBuildCases.All.Single(c => c.Name == name), build.Results[name]);
        output.WriteLine(string.Join("\n", result.Lines));

        Assert.Equal(project.Expected.Select(d => d.ToString()).Order(StringComparer.Ordinal),
            result.Diagnostics.Where(d => d.Id.StartsWith("NDSL", StringComparison.Ordinal)).Select(d => d.ToString()).Order(StringComparer.Ordinal));
        Assert.Equal(project.CompilerErrors.Order(StringComparer.Ordinal),
            result.Diagnostics.Where(d => !d.Id.StartsWith("NDSL", StringComparison.Ordinal)).Select(d => d.Id).Distinct().Order(StringComparer.Ordinal));
        Assert.DoesNotContain(result.Lines, line => line.Contains(".g.cs", StringComparison.Ordinal));
        // Each NDSL diagnostic links to its page.
        Assert.All(result.Diagnostics.Where(d => d.Id.StartsWith("NDSL", StringComparison.Ordinal)),
            d => Assert.Equal($"https://github.com/netdsl/netdsl/blob/main/docs/diagnostics/{d.Id}.md", d.HelpLink));
        // A project that fails produces no assembly.
        Assert.Equal(project.Fails, !result.Built);
    }

    [Fact]
    public void One_build_covers_every_case_and_fails()
    {
        output.WriteLine($"dotnet build of {RealBuildCases.All.Length} projects: {build.Elapsed.TotalSeconds:0.0} s, exit code {build.ExitCode}");
        Assert.NotEqual(0, build.ExitCode);
        Assert.Equal(RealBuildCases.All.Select(c => c.Name).Order(), build.Results.Keys.Order());
        // Every diagnostic line was read as one: none is left unparsed.
        Assert.Empty(build.Unparsed);
    }
}

/// <summary>What one project of the build printed.</summary>
public sealed class ProjectResult
{
    public List<string> Lines { get; } = [];
    internal List<BuildDiagnostic> Diagnostics { get; } = [];
    public bool Built { get; set; }
}

/// <summary>
/// Writes every case to a folder under the temp path, builds them all with one <c>dotnet build -m</c>
/// of a generated solution, and splits the output by project. The projects reference NetDsl.dll and,
/// as an analyzer, NetDsl.Generators.dll from this test's own output folder (and System.Numerics.Tensors,
/// which a package reference to NetDsl would bring). They need no package, so the restore is offline.
/// </summary>
public sealed class RealBuildFixture : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    // file(line,col): error ID: message (help link) [project], the canonical form MSBuild prints (the help
    // link when the diagnostic has one); or "origin : error ID: …" without a position.
    private static readonly Regex Located = new(@"^(?<file>.+?)\((?<line>\d+),(?<col>\d+)(?:,\d+,\d+)?\): (?<severity>error|warning) (?<id>[A-Z]+\d+): (?<message>.*?)(?: \((?<help>https?://[^\s()]+)\))? \[(?<project>[^\[\]]+\.csproj)\]$");
    private static readonly Regex Unlocated = new(@"^.+? : (?<severity>error|warning) (?<id>[A-Z]+\d+): (?<message>.*?)(?: \((?<help>https?://[^\s()]+)\))? \[(?<project>[^\[\]]+\.csproj)\]$");

    private readonly string _root = Path.Combine(Path.GetTempPath(), "netdsl-build-" + Guid.NewGuid().ToString("N")[..12]);

    public RealBuildFixture()
    {
        string bin = Path.GetDirectoryName(typeof(Layer).Assembly.Location)!;
        foreach (string file in new[] { "NetDsl.dll", "NetDsl.Generators.dll", "System.Numerics.Tensors.dll" })
            if (!File.Exists(Path.Combine(bin, file)))
                throw new InvalidOperationException($"{file} is not in {bin}, where the test's build copies it.");

        Directory.CreateDirectory(_root);
        // Nothing from folders above, and no package source: these projects restore nothing.
        File.WriteAllText(Path.Combine(_root, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(_root, "Directory.Build.targets"), "<Project />");
        File.WriteAllText(Path.Combine(_root, "NuGet.config"), "<configuration><packageSources><clear /></packageSources></configuration>");
        var solution = new StringBuilder("<Solution>\n");
        foreach (var project in RealBuildCases.All)
        {
            string folder = Path.Combine(_root, project.Name);
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, project.Name + ".csproj"), ProjectFile(bin, project.TreatWarningsAsErrors));
            foreach (var (file, text) in project.Sources)
                File.WriteAllText(Path.Combine(folder, file), text);
            if (!project.Sources.Any(s => s.File == "Program.cs"))
                File.WriteAllText(Path.Combine(folder, "Program.cs"), RealBuildCases.UsesTheNetwork);
            solution.Append($"  <Project Path=\"{project.Name}/{project.Name}.csproj\" />\n");
        }
        File.WriteAllText(Path.Combine(_root, "all.slnx"), solution.Append("</Solution>\n").ToString());

        var stopwatch = Stopwatch.StartNew();
        (ExitCode, var lines) = Run(Path.Combine(_root, "all.slnx"));
        Elapsed = stopwatch.Elapsed;

        Results = RealBuildCases.All.ToDictionary(c => c.Name, _ => new ProjectResult());
        foreach (string line in lines.Distinct()) // MSBuild may repeat a diagnostic in its summary
        {
            var match = Located.Match(line);
            var unlocated = match.Success ? match : Unlocated.Match(line);
            if (!unlocated.Success)
            {
                if (line.Contains(": error ", StringComparison.Ordinal) || line.Contains(": warning ", StringComparison.Ordinal)) Unparsed.Add(line);
                continue;
            }
            string name = Path.GetFileNameWithoutExtension(unlocated.Groups["project"].Value);
            if (!Results.TryGetValue(name, out var result)) { Unparsed.Add(line); continue; }
            result.Lines.Add(line);
            result.Diagnostics.Add(new BuildDiagnostic(
                match.Success ? Path.GetFileName(match.Groups["file"].Value) : "",
                match.Success ? int.Parse(match.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture) : 0,
                match.Success ? int.Parse(match.Groups["col"].Value, System.Globalization.CultureInfo.InvariantCulture) : 0,
                unlocated.Groups["severity"].Value, unlocated.Groups["id"].Value, unlocated.Groups["message"].Value)
                { HelpLink = unlocated.Groups["help"].Success ? unlocated.Groups["help"].Value : null });
        }
        foreach (var (name, result) in Results)
            result.Built = File.Exists(Path.Combine(_root, name, "bin", "Debug", "net10.0", name + ".dll"));
    }

    public int ExitCode { get; }
    public TimeSpan Elapsed { get; }
    public IReadOnlyDictionary<string, ProjectResult> Results { get; }

    /// <summary>Lines that look like diagnostics but were not read as one of a known project's.</summary>
    public List<string> Unparsed { get; } = [];

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); }
        catch (IOException) { } // a leftover folder in temp is no test failure
    }

    // As a user writes it, with warnings as errors (a warning in generated code would fail the
    // build) and documentation on (a public generated member without <summary> warns, CS1591).
    private static string ProjectFile(string bin, bool treatWarningsAsErrors) => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>enable</ImplicitUsings>
            <TreatWarningsAsErrors>{(treatWarningsAsErrors ? "true" : "false")}</TreatWarningsAsErrors>
            <GenerateDocumentationFile>true</GenerateDocumentationFile>
            <UseAppHost>false</UseAppHost>
          </PropertyGroup>
          <ItemGroup>
            <Reference Include="{bin}/NetDsl.dll" />
            <Reference Include="{bin}/System.Numerics.Tensors.dll" />
            <Analyzer Include="{bin}/NetDsl.Generators.dll" />
          </ItemGroup>
        </Project>
        """;

    private static (int ExitCode, List<string> Lines) Run(string solution)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(solution)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // -m: the projects build in parallel. No build server, node or compiler server outlives the
        // build (and a compiler server could hold an older NetDsl.Generators.dll loaded from this path).
        foreach (string argument in new[] { "build", solution, "-m", "-nologo", "-clp:NoSummary", "-tl:off", "-v:m",
                     "-nodeReuse:false", "-p:UseSharedCompilation=false", "--disable-build-servers" })
            start.ArgumentList.Add(argument);
        // The test host's MSBuild variables (set by 'dotnet test') would point the child build at this one's.
        foreach (string key in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";

        using var process = Process.Start(start)!;
        var lines = new List<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (lines) lines.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (lines) lines.Add(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet build did not finish in {Timeout}:\n" + string.Join("\n", lines));
        }
        process.WaitForExit(); // the output handlers have run
        return (process.ExitCode, lines);
    }
}
