using System.Text;
using Flint.Graphs;
using Flint.NN;
using Flint.Serialization;

namespace Flint.Jit.Archive;

/// <summary>
/// Reads a TorchScript archive (written by torch.jit.save in PyTorch 1.x/2.x, or by Flint) into a ScriptModule:
/// data.pkl and constants.pkl through the checkpoint unpickler's allow-list (module classes become data records,
/// never constructed objects), the code files parsed and compiled into graphs of registered ops. Everything that
/// is wrong with an archive is an <see cref="InvalidDataException"/> that says what and where.
/// </summary>
internal sealed class ArchiveReader
{
    private readonly ZipReader _zip;
    private readonly string _prefix, _what;
    private readonly Dictionary<string, ScriptClass> _classes = new();
    private readonly Dictionary<string, (FuncDef, string)> _functions = new();
    private List<Tensor> _constants = new();

    private ArchiveReader(ZipReader zip, string prefix, string what) { _zip = zip; _prefix = prefix; _what = what; }

    public static ScriptModule Load(Stream seekable, string what)
    {
        var zip = new ZipReader(seekable, what);
        if (zip.Entries.Count == 0) throw new InvalidDataException($"{what} is not a TorchScript archive: it has no records");
        string first = zip.Entries[0].Name;
        int slash = first.IndexOf('/');
        if (slash < 0) throw new InvalidDataException($"{what} is not a TorchScript archive: its records are not inside a folder");
        var r = new ArchiveReader(zip, first[..(slash + 1)], what);
        try { return r.Read(); }
        catch (Exception e) when (e is ArgumentException or InvalidCastException or KeyNotFoundException or FormatException
                                      or NotSupportedException or InvalidOperationException or IndexOutOfRangeException
                                      or OverflowException)
        {
            // Whatever a malformed archive trips over while being read is reported as a malformed archive.
            throw new InvalidDataException($"{what} is not a valid TorchScript archive: {e.Message}", e);
        }
    }

    private ScriptModule Read()
    {
        var data = _zip.Find(_prefix + "data.pkl")
            ?? throw new InvalidDataException($"PytorchStreamReader failed locating file data.pkl: file not found ({_what})");
        if (_zip.Find(_prefix + "code/__torch__.py") is null && !_zip.Entries.Any(e => e.Name.StartsWith(_prefix + "code/", StringComparison.Ordinal)))
            throw new InvalidDataException($"{_what} has no code/ records: it is a torch.save checkpoint, not a TorchScript archive (use Torch.Load)");
        CheckVersion();
        if (_zip.Find(_prefix + "constants.pkl") is { } ce)
        {
            var consts = Unpickle(ce, "constants/", scriptObjects: false);
            _constants = consts switch
            {
                object?[] items => items.Select(x => x as Tensor
                    ?? throw new InvalidDataException($"{_what}: constants.pkl holds a {Unpickler.TypeName(x)}, not a tensor")).ToList(),
                _ => throw new InvalidDataException($"{_what}: constants.pkl is not a tuple"),
            };
        }
        ReadCode();
        var root = Unpickle(data, "data/", scriptObjects: true) as ScriptObjectState
            ?? throw new InvalidDataException($"{_what}: data.pkl does not hold a module object");
        var made = new Dictionary<ScriptObjectState, ScriptModule>(ReferenceEqualityComparer.Instance);
        return Build(root, made, 0);
    }

    private void CheckVersion()
    {
        var v = _zip.Find(_prefix + "version") ?? _zip.Find(_prefix + ".data/version")
            ?? throw new InvalidDataException($"PytorchStreamReader failed locating file version: file not found ({_what})");
        var text = Encoding.ASCII.GetString(_zip.ReadAll(v)).Trim();
        if (!long.TryParse(text, out long version) || version < 1 || version > 20)
            throw new InvalidDataException($"{_what}: unsupported archive version '{text}'");
    }

    private object? Unpickle(ZipReader.Entry entry, string storageFolder, bool scriptObjects)
    {
        var storages = new Dictionary<string, Storage>();
        Storage LoadStorage(object?[] pidTuple)
        {
            var pid = StoragePid.Parse(pidTuple, _what);
            if (storages.TryGetValue(pid.Key, out var s))
            {
                if (s.DType != pid.DType) throw new InvalidDataException($"{_what} is corrupt: storage {pid.Key} has two dtypes");
                return s;
            }
            string record = _prefix + storageFolder + pid.Key;
            var e = _zip.Find(record) ?? throw new InvalidDataException(
                $"PytorchStreamReader failed locating file {storageFolder}{pid.Key}: file not found ({_what})");
            long nbytes = pid.Numel * pid.DType.ElementSize();
            if (e.Size != nbytes)
                throw new InvalidDataException($"{_what} is corrupt: record '{record}' has {e.Size} bytes, storage {pid.Key} needs {nbytes}");
            s = Storage.Allocate(pid.DType, (int)pid.Numel);
            _zip.Read(e, s.RawBytes());
            StorageTypes.NormalizeBools(s);
            return storages[pid.Key] = s;
        }
        var bytes = _zip.ReadAll(entry);
        var name = entry.Name[_prefix.Length..];
        return new Unpickler(new ByteReader(bytes, $"{name} of {_what}"), LoadStorage, _what, scriptObjects).Load();
    }

    // ------------------------------------------------------------------ code

    private void ReadCode()
    {
        var codePrefix = _prefix + "code/";
        foreach (var e in _zip.Entries)
        {
            if (!e.Name.StartsWith(codePrefix, StringComparison.Ordinal) || !e.Name.EndsWith(".py", StringComparison.Ordinal)) continue;
            var rel = e.Name[codePrefix.Length..^3];
            if (rel.Split('/').Any(p => p.Length == 0 || p.Contains('.')))
                throw new InvalidDataException($"{_what}: code record '{e.Name}' has a malformed path");
            var module = rel.Replace('/', '.');
            string source;
            try { source = new UTF8Encoding(false, true).GetString(_zip.ReadAll(e)); }
            catch (DecoderFallbackException) { throw new InvalidDataException($"{_what}: {e.Name} is not valid UTF-8"); }
            var file = e.Name[_prefix.Length..];
            var (classes, functions) = TorchScriptParser.ParseFile(source, file);
            foreach (var f in functions) _functions[module + "." + f.Name] = (f, file);
            foreach (var c in classes)
            {
                if (c.Base != "Module") throw TorchScriptError.At(file, c.Line, $"unsupported construct 'class {c.Name}({c.Base})': only modules are supported");
                _classes[module + "." + c.Name] = new ScriptClass(module + "." + c.Name, c, file);
            }
        }
    }

    private ScriptClass? FindClass(string name) => _classes.GetValueOrDefault(name);

    private void CompileMethods(ScriptClass cls)
    {
        if (cls.Methods.Count > 0 || cls.Def.Methods.Count == 0) return;
        foreach (var def in cls.Def.Methods)
        {
            if (def.Params.Count == 0 || def.Params[0].Name != "self")
                throw TorchScriptError.At(cls.File, def.Line, $"method {def.Name} does not take self first");
            cls.Defaults[def.Name] = def.Params.Skip(1).Select(p => p.Default is null ? ScriptModule.NoDefault : Literal(p.Default, cls.File)).ToArray();
            cls.Methods[def.Name] = TorchScriptCompiler.Compile(def, cls.File, cls, FindClass,
                n => _functions.TryGetValue(n, out var f) ? f : null, _constants);
        }
    }

    // ------------------------------------------------------------------ objects

    private ScriptModule Build(ScriptObjectState o, Dictionary<ScriptObjectState, ScriptModule> made, int depth)
    {
        if (depth > 200) throw new InvalidDataException($"{_what}: modules nested more than 200 levels deep");
        if (made.TryGetValue(o, out var done)) return done;
        var cls = FindClass(o.QualifiedName) ?? throw new InvalidDataException(
            $"{_what}: data.pkl names class {o.QualifiedName}, which no code/ record defines");
        var m = new ScriptModule(TypeNameOf(cls), OriginalName(cls));
        made[o] = m;
        bool training = true;
        foreach (var (key, value) in o.State)
        {
            if (key is not string name) throw new InvalidDataException($"{_what}: an attribute name of {o.QualifiedName} is not a string");
            switch (value)
            {
                case ScriptObjectState child:
                    m.AddSubmodule(name, Build(child, made, depth + 1));
                    break;
                case Tensor t when cls.Def.Parameters.Contains(name):
                    m.AddParameter(name, new Parameter(t, t.RequiresGrad));
                    break;
                case Tensor t when cls.Def.Buffers.Contains(name):
                    m.AddBuffer(name, t);
                    break;
                case bool b when name == "training":
                    training = b;
                    break;
                default:
                    m.AddConstant(name, Attribute(value, cls, name));
                    break;
            }
        }
        foreach (var decl in cls.Def.Attributes)
            if (decl.Value is not null) m.AddConstant(decl.Name, Literal(decl.Value, cls.File));
        m.TrainSelf(training);
        CompileMethods(cls);
        foreach (var (name, g) in cls.Methods) m.DefineMethod(name, g);
        foreach (var (name, d) in cls.Defaults) m.SetDefaults(name, d);
        return m;
    }

    // The class name a ScriptModule reports: PyTorch's qualified name without the mangling namespace.
    private static string TypeNameOf(ScriptClass cls) => cls.QualifiedName;

    private static string OriginalName(ScriptClass cls) => cls.Def.Name;

    /// <summary>A pickled attribute value in the runtime form graphs use (lists typed by their declaration).</summary>
    private object? Attribute(object? value, ScriptClass cls, string name)
    {
        try
        {
            return value switch
            {
                List<object?> list => ListValue(list, cls.Attribute(name) is { } d ? TorchScriptTypes.Parse(d.Type, n => FindClass(n)?.Type, cls.File) : null),
                object?[] tuple => tuple.Select(x => Attribute(x, cls, name)).ToArray(),
                null or bool or long or double or string or Tensor => value,
                _ => throw new InvalidDataException($"{_what}: attribute '{name}' of {cls.QualifiedName} is a {Unpickler.TypeName(value)}, which Flint does not support"),
            };
        }
        catch (InvalidCastException)
        {
            throw new InvalidDataException($"{_what}: attribute '{name}' of {cls.QualifiedName} does not match its declared type");
        }
    }

    private static object ListValue(List<object?> list, JitType? declared)
    {
        var element = declared is ListType l ? l.Element
            : list.All(x => x is Tensor) ? JitType.AnyTensor : list.All(x => x is long) ? JitType.Int
            : list.All(x => x is double) ? JitType.Float : JitType.Any;
        return PrimOps.MakeList(element, list.ToArray());
    }

    private static object? Literal(Expr e, string file) => e switch
    {
        ConstExpr c => c.Value,
        ListExpr l when l.Items.All(x => x is ConstExpr { Value: long }) => l.Items.Select(x => (long)((ConstExpr)x).Value!).ToArray(),
        ListExpr l when l.Items.All(x => x is ConstExpr { Value: double or long }) => l.Items.Select(x => Convert.ToDouble(((ConstExpr)x).Value)).ToArray(),
        TupleExpr t => t.Items.Select(x => Literal(x, file)).ToArray(),
        _ => throw TorchScriptError.At(file, e.Line, "unsupported constant attribute value"),
    };
}
