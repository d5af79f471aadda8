using System.Text;
using Flint.Graphs;
using Flint.Serialization;

namespace Flint.Jit.Archive;

/// <summary>
/// Writes a ScriptModule as torch.jit.save does: <c>data.pkl</c> (the module objects with their parameters,
/// buffers and submodules), <c>data/</c> (one 64-byte-aligned record per storage), <c>code/__torch__/….py</c> (each
/// class with its attribute declarations and methods as TorchScript), <c>constants.pkl</c> and <c>constants/</c>
/// (tensor constants of the code), <c>version</c> and <c>byteorder</c>. Two modules of one class whose code differs
/// get PyTorch's mangled class names (<c>___torch_mangle_N</c>).
/// </summary>
internal sealed class ArchiveWriter
{
    private readonly Dictionary<ScriptModule, string> _classOf = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, string> _sourceOf = new();          // qualified class name -> class source
    private readonly Dictionary<string, List<string>> _files = new();       // code file path -> class names in it
    private readonly List<Tensor> _constants = new();
    private readonly Dictionary<Tensor, int> _constantIndex = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<(string, string), string> _nameBySource = new();
    private int _mangle;
    private int _version = 3;

    public static void Save(ScriptModule module, Stream stream, string archiveName)
    {
        var w = new ArchiveWriter();
        w.ClassOf(module);
        var data = new Pickler { ParametersAsPlainTensors = true };
        byte[] dataPkl = data.Dump(w.State(module));
        var consts = new Pickler();
        byte[] constPkl = consts.Dump(w._constants.Cast<object?>().ToArray());

        var zip = new ZipWriter(stream);
        foreach (var (key, storage) in data.Storages) zip.WriteRecord($"{archiveName}/data/{key}", storage.RawBytes());
        zip.WriteRecord(archiveName + "/data.pkl", dataPkl);
        foreach (var (file, classes) in w._files)
        {
            var text = string.Join("\n", classes.Select(c => w._sourceOf[c]));
            zip.WriteRecord($"{archiveName}/code/{file}", Encoding.UTF8.GetBytes(text));
        }
        foreach (var (key, storage) in consts.Storages) zip.WriteRecord($"{archiveName}/constants/{key}", storage.RawBytes());
        zip.WriteRecord(archiveName + "/constants.pkl", constPkl);
        zip.WriteRecord(archiveName + "/version", Encoding.ASCII.GetBytes(w._version + "\n"));
        zip.WriteRecord(archiveName + "/byteorder", "little"u8);
        zip.Finish();
    }

    // ------------------------------------------------------------------ classes and their code

    /// <summary>The (possibly mangled) class name of a module; children first, since their names appear in its code.</summary>
    private string ClassOf(ScriptModule m)
    {
        if (_classOf.TryGetValue(m, out var done)) return done;
        foreach (var (_, child) in m.LocalModules())
            if (child is ScriptModule sm) ClassOf(sm);
            else throw new ArgumentException($"Torch.Jit.Save: submodule {child.GetName()} is not a ScriptModule");
        string baseName = m.Type.QualifiedName;
        string source = ClassSource(m, baseName);
        if (!_nameBySource.TryGetValue((baseName, source), out var name))
        {
            // Same class name, different code: PyTorch's mangling puts it in a sub-namespace of the module.
            int dot = baseName.LastIndexOf('.');
            name = _sourceOf.ContainsKey(baseName) ? $"{baseName[..dot]}.___torch_mangle_{_mangle++}.{baseName[(dot + 1)..]}" : baseName;
            _nameBySource[(baseName, source)] = name;
            _sourceOf[name] = source;
            var file = name[..name.LastIndexOf('.')].Replace('.', '/') + ".py";
            if (!_files.TryGetValue(file, out var list)) _files[file] = list = new();
            list.Add(name);
        }
        return _classOf[m] = name;
    }

    private string ClassSource(ScriptModule m, string qualifiedName)
    {
        var sb = new StringBuilder();
        var shortName = qualifiedName[(qualifiedName.LastIndexOf('.') + 1)..];
        sb.Append("class ").Append(shortName).Append("(Module):\n");
        sb.Append("  __parameters__ = [").Append(string.Concat(m.LocalParameters().Select(p => $"\"{p.Key}\", "))).Append("]\n");
        sb.Append("  __buffers__ = [").Append(string.Concat(m.LocalBuffers().Where(b => b.Persistent).Select(b => $"\"{b.Name}\", "))).Append("]\n");
        foreach (var (name, _) in m.LocalParameters()) Declare(sb, name, "Tensor");
        foreach (var (name, _, _) in m.LocalBuffers()) Declare(sb, name, "Tensor");
        Declare(sb, "training", "bool");
        Declare(sb, "_is_full_backward_hook", "Optional[bool]");
        foreach (var (name, child) in m.LocalModules()) Declare(sb, name, _classOf[(ScriptModule)child]);
        foreach (var (name, value) in m.ConstantAttributes)
            if (name != "_is_full_backward_hook") DeclareConstant(sb, name, value);
        foreach (var method in m.MethodNames.OrderBy(n => n == "forward" ? 0 : 1))
        {
            var g = m.Method(method);
            NoteVersion(g);
            var code = WithDefaults(CodePrinter.Print(g, method, ConstantName), g, m.DefaultsOf(method));
            foreach (var line in code.TrimEnd('\n').Split('\n')) sb.Append("  ").Append(line).Append('\n');
        }
        return sb.ToString();
    }

    // The printed def header has "name: Type" per parameter; a method with defaults (a loaded archive's) gets "=value".
    private static string WithDefaults(string code, Graph g, object?[]? defaults)
    {
        if (defaults is null) return code;
        int end = code.IndexOf(":\n", StringComparison.Ordinal);
        var header = code[..end];
        var parts = header.Split(",\n");
        for (int i = 1; i < parts.Length && i - 1 < defaults.Length; i++)
        {
            if (ReferenceEquals(defaults[i - 1], ScriptModule.NoDefault)) continue;
            int close = parts[i].IndexOf(") ->", StringComparison.Ordinal);
            var literal = Literal(defaults[i - 1]);
            parts[i] = close >= 0 ? parts[i][..close] + "=" + literal + parts[i][close..] : parts[i] + "=" + literal;
        }
        return string.Join(",\n", parts) + code[end..];
    }

    private static void Declare(StringBuilder sb, string name, string type)
    {
        if (IsIdentifier(name)) sb.Append("  ").Append(name).Append(" : ").Append(type).Append('\n');
        else sb.Append("  __annotations__[\"").Append(name).Append("\"] = ").Append(type).Append('\n');
    }

    private static void DeclareConstant(StringBuilder sb, string name, object? value)
    {
        if (value is Tensor) throw new NotSupportedException($"Torch.Jit.Save: tensor constant attribute '{name}' (register it as a buffer)");
        var type = CodePrinter.PyType(Constants.TypeOf(value));
        if (!IsIdentifier(name)) throw new NotSupportedException($"Torch.Jit.Save: constant attribute name '{name}' is not an identifier");
        sb.Append("  ").Append(name).Append(" : Final[").Append(type).Append("] = ").Append(Literal(value)).Append('\n');
    }

    private static string Literal(object? value) => value switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        double d => PyFormat.Float(d),
        string s => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"",
        long[] a => "[" + string.Join(", ", a) + "]",
        double[] a => "[" + string.Join(", ", a.Select(PyFormat.Float)) + "]",
        _ => Constants.Format(value),
    };

    private static bool IsIdentifier(string s)
        => s.Length > 0 && (char.IsAsciiLetter(s[0]) || s[0] == '_') && s.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private string ConstantName(Tensor t)
    {
        if (!_constantIndex.TryGetValue(t, out int i))
        {
            i = _constants.Count;
            _constants.Add(t.Detach());
            _constantIndex[t] = i;
        }
        return "CONSTANTS.c" + i;
    }

    // PyTorch raises the archive's version to that of the newest op whose meaning changed that it uses, so an older
    // reader applies its upgraders: div (4: true division of ints), full (5), linspace/logspace (8), gelu (10).
    private void NoteVersion(Graph g)
    {
        foreach (var n in g.AllNodes())
        {
            int v = n.Kind switch
            {
                "aten::div" or "aten::div_" => 4, "aten::full" => 5, "aten::linspace" or "aten::logspace" => 8,
                "aten::gelu" => 10, _ => 3,
            };
            _version = Math.Max(_version, v);
        }
    }

    // ------------------------------------------------------------------ data.pkl

    private ScriptObjectState State(ScriptModule m)
    {
        var o = new ScriptObjectState(_classOf[m]);
        var d = o.State;
        foreach (var (name, p) in m.LocalParameters()) d[name] = p;
        foreach (var (name, b, _) in m.LocalBuffers()) d[name] = b;
        d["training"] = m.Training;
        d["_is_full_backward_hook"] = null;
        foreach (var (name, child) in m.LocalModules()) d[name] = State((ScriptModule)child);
        return o;
    }
}
