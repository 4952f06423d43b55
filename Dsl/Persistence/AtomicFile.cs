namespace NetDsl;

/// <summary>
/// Replaces a file so that it is always either the old file or the new one, whole: the new content goes to a
/// temporary file in the same folder (a rename within one file system is atomic), is flushed to the disk, and
/// is then renamed over the target. If writing fails, the temporary file is deleted and the target is untouched.
/// A process killed during the write leaves the target whole and, at most, its temporary file
/// (<c>.{name}.{random}.tmp</c>) beside it.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, atomically.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string target = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(target) ?? throw new ArgumentException($"'{path}' names no file.", nameof(path));
        if (Directory.Exists(target))
            throw new IOException($"Cannot save to '{target}': it is a folder.");
        string temporary = TemporaryName(target);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                write(stream);
                // The data must be on the disk before the rename makes it the file: otherwise a crash of the
                // machine could leave the new name pointing at blocks never written.
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>The temporary file of a save to <paramref name="target"/>: hidden, in its folder, unique to this save.</summary>
    internal static string TemporaryName(string target) =>
        Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");

    /// <summary>Whether <paramref name="file"/> is a temporary file of a save to <paramref name="target"/>.</summary>
    internal static bool IsTemporaryOf(string file, string target)
    {
        string name = Path.GetFileName(file), prefix = "." + Path.GetFileName(target) + ".";
        return name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(".tmp", StringComparison.Ordinal)
            && name.Length == prefix.Length + 32 + 4;
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (IOException)
        {
            // Nothing more to do: the original exception is the one to report.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
