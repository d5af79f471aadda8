namespace Flint.Serialization;

/// <summary>
/// Replaces a file all at once: the content goes to a temporary file in the same directory, is flushed to disk, and
/// is then renamed over the target. A failure (an exception, a crash, a full disk) before the rename leaves the old
/// file as it was; the temporary file is removed on an exception, and one left by a killed process is removed by the
/// next write to the same path.
/// </summary>
internal static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"Parent directory {dir} does not exist.");
        string prefix = "." + Path.GetFileName(full) + ".";
        RemoveStaleTemporaries(dir, prefix);
        string tmp = Path.Combine(dir, prefix + Guid.NewGuid().ToString("N")[..12] + ".tmp");
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(fs);
                fs.Flush(flushToDisk: true);   // fsync: the rename must never publish a file whose bytes are not on disk
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(tmp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }

    /// <summary>
    /// Deletes the temporary files of earlier writes to the same path whose writer is gone (killed before its rename
    /// or its cleanup). A live writer holds its file open unshared (an exclusive lock), so opening it fails and it is
    /// left alone; a dead process's lock went with it.
    /// </summary>
    private static void RemoveStaleTemporaries(string dir, string prefix)
    {
        foreach (var f in Directory.EnumerateFiles(dir, prefix + "*.tmp"))
        {
            if (Path.GetFileName(f).Length != prefix.Length + 12 + 4) continue; // not one of ours
            try
            {
                using var held = new FileStream(f, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
                File.Delete(f);
            }
            catch (IOException) { }                  // in use by a live writer (or already gone)
            catch (UnauthorizedAccessException) { }  // not ours to delete
        }
    }
}
