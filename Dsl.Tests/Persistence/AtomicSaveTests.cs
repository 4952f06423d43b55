using System.Diagnostics;
using NetDsl.Tests.SaveLoop;

namespace NetDsl.Tests.Persistence;

/// <summary>
/// Saving to a path is atomic: the file is always the old one or the new one, whole. A save that fails leaves
/// the old file and no temporary file; a process killed at a random moment of a save leaves the old or the new.
/// </summary>
public sealed class AtomicSaveTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("netdsl-atomic-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static uint[] Bits(ReadOnlySpan<float> values) => [.. values.ToArray().Select(BitConverter.SingleToUInt32Bits)];

    [Fact]
    public void A_save_replaces_the_old_file_and_leaves_nothing_else()
    {
        string path = Path.Combine(_folder, "net.safetensors");
        new PassFail(seed: 1).SaveWeights(path);
        var second = new PassFail(seed: 2);
        second.SaveWeights(path);

        var loaded = new PassFail(seed: 3);
        loaded.LoadWeights(path);
        Assert.Equal(Bits(second.Parameters), Bits(loaded.Parameters));
        Assert.Equal(["net.safetensors"], Directory.GetFileSystemEntries(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public void A_save_that_fails_while_writing_leaves_the_old_file_whole_and_no_temporary_file()
    {
        string path = Path.Combine(_folder, "net.safetensors");
        new PassFail(seed: 1).SaveWeights(path);
        byte[] old = File.ReadAllBytes(path);

        var problem = Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[1000]);
            throw new IOException("the disk is full");
        }));
        Assert.Equal("the disk is full", problem.Message);
        Assert.Equal(old, File.ReadAllBytes(path));
        Assert.Equal(["net.safetensors"], Directory.GetFileSystemEntries(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public void A_save_that_cannot_replace_its_target_leaves_no_temporary_file()
    {
        string folderInTheWay = Path.Combine(_folder, "net.safetensors");
        Directory.CreateDirectory(folderInTheWay);
        Assert.Throws<IOException>(() => new PassFail(seed: 1).SaveWeights(folderInTheWay));
        Assert.Equal(["net.safetensors"], Directory.GetFileSystemEntries(_folder).Select(Path.GetFileName));

        Assert.Throws<DirectoryNotFoundException>(() => new PassFail(seed: 1).SaveWeights(Path.Combine(_folder, "missing", "net.safetensors")));
        Assert.Equal(["net.safetensors"], Directory.GetFileSystemEntries(_folder).Select(Path.GetFileName));
    }

    /// <summary>
    /// A child process saves a network over and over, each save a new generation (every weight equal to the
    /// generation number); it is killed at a random moment, and the file must then hold one whole generation
    /// of that process. Temporary files a kill leaves behind are counted: they show the kills landed in saves.
    /// </summary>
    [Fact]
    public void A_process_killed_at_random_moments_while_saving_leaves_the_old_file_or_the_new_one()
    {
        const int Kills = 10;
        string path = Path.Combine(_folder, "loop.safetensors");
        string child = Path.Combine(AppContext.BaseDirectory, "NetDsl.Tests.SaveLoop.dll");
        Assert.True(File.Exists(child), $"The child program is built beside the tests: {child}");
        var random = new Random(8);
        var net = new SaveLoopNet(seed: 1);
        int interrupted = 0;

        for (int kill = 0; kill < Kills; kill++)
        {
            int first = 1_000_000 * (kill + 1);
            using var process = Process.Start(new ProcessStartInfo("dotnet", [child, path, first.ToString(System.Globalization.CultureInfo.InvariantCulture)])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            })!;
            try
            {
                // After its first save the file is this process's: from then on every moment is a fair target.
                string? line = process.StandardOutput.ReadLine();
                if (line != "saved")
                {
                    process.WaitForExit(10_000);
                    Assert.Fail($"The child said '{line}' instead of 'saved': {process.StandardError.ReadToEnd()}");
                }
                Thread.Sleep(random.Next(0, 60));
            }
            finally
            {
                process.Kill();
                process.WaitForExit();
            }

            net.LoadWeights(path); // whole, valid safetensors, or this throws
            float generation = net.Parameters[0];
            Assert.True(generation >= first && generation < first + 1_000_000, $"Kill {kill}: generation {generation} is not this process's ({first}…)");
            Assert.True(net.Parameters.ToArray().All(p => p == generation), $"Kill {kill}: the file mixes generations");

            foreach (string file in Directory.GetFiles(_folder).Where(f => f != path))
            {
                Assert.True(AtomicFile.IsTemporaryOf(file, path), $"Only the temporary file of a killed save may be left: {file}");
                File.Delete(file);
                interrupted++;
            }
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"{interrupted} of {Kills} kills landed inside a save (they left its temporary file).");
        Assert.True(interrupted > 0, "No kill landed inside a save, so this run tested nothing: the child's saves should take most of its time.");
    }
}
