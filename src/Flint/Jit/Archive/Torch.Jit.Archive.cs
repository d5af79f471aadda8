using Flint.Jit;
using Flint.Jit.Archive;
using Flint.Serialization;

namespace Flint;

public static partial class Torch
{
    public static partial class Jit
    {
        /// <summary>
        /// Saves a traced or scripted module as a TorchScript archive (torch.jit.save): the weights, and each
        /// module's methods as TorchScript code, so that <see cref="Load"/> — or PyTorch's torch.jit.load — runs it
        /// without the C# class that defined it. The file is replaced atomically: a failed save leaves any
        /// previous file intact.
        /// </summary>
        public static void Save(ScriptModule module, string path)
        {
            ArgumentNullException.ThrowIfNull(module);
            var name = Path.GetFileNameWithoutExtension(path);
            if (name.Length == 0 || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))) name = "archive";
            AtomicFile.Write(path, s => ArchiveWriter.Save(module, s, name));
        }

        /// <summary>Writes the archive to a stream (the records under "archive/").</summary>
        public static void Save(ScriptModule module, Stream stream) => ArchiveWriter.Save(module, stream, "archive");

        /// <summary>
        /// Loads a TorchScript archive written by torch.jit.save (PyTorch 1.x or 2.x) or by <see cref="Save"/>:
        /// the code is compiled into graphs of registered ops, the pickles go through Torch.Load's allow-list.
        /// A malformed archive, or code Flint cannot run, is an <see cref="InvalidDataException"/> that names what
        /// (and for code, the record and line).
        /// </summary>
        public static ScriptModule Load(string path)
        {
            using var fs = File.OpenRead(path);
            return ArchiveReader.Load(fs, path);
        }

        /// <summary>Loads a TorchScript archive from a seekable stream.</summary>
        public static ScriptModule Load(Stream stream) => ArchiveReader.Load(stream, "the TorchScript archive");
    }
}
