using System.Globalization;
using System.Numerics;
using System.Text;

namespace Flint.Serialization;

/// <summary>
/// A pickle virtual machine that builds only data: numbers, strings, bytes, None, tuples (object?[]), lists
/// (List&lt;object?&gt;), dicts (<see cref="OrderedDict"/>), sets, tensors and storages. It is safe by construction: a
/// global is looked up in a fixed allow-list (<see cref="PickleGlobals"/>) and rejected by name otherwise, REDUCE can
/// only call the C# rebuild functions behind those entries, and the opcodes that construct arbitrary objects
/// (INST, OBJ, NEWOBJ, EXT*, …) are refused. Nothing from the file is ever executed.
/// </summary>
internal sealed class Unpickler
{
    /// <summary>Turns a persistent id (a tuple beginning with 'storage') into a storage.</summary>
    public delegate Storage PersistentLoad(object?[] pid);

    private readonly ByteReader _r;
    private readonly PersistentLoad? _persistentLoad;
    private readonly string _what;
    private readonly List<object?> _stack = new();
    private readonly List<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = new();

    public Unpickler(ByteReader reader, PersistentLoad? persistentLoad, string what, bool scriptObjects = false)
    {
        _r = reader; _persistentLoad = persistentLoad; _what = what; _scriptObjects = scriptObjects;
    }

    // A TorchScript archive's data.pkl names its module classes (__torch__.*): allowed only there, and only as data.
    private readonly bool _scriptObjects;

    private InvalidDataException Error(string message) => new($"Weights only load failed: {message} (in {_what}). Nothing in the file was run.");
    private InvalidDataException Corrupt(string message) => new($"{_what} is corrupt: {message}");

    private object? Pop()
    {
        int floor = _marks.Count > 0 ? _marks[^1] : 0;
        if (_stack.Count <= floor) throw Corrupt("unpickling stack underflow");
        var v = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return v;
    }

    private object? Top()
    {
        int floor = _marks.Count > 0 ? _marks[^1] : 0;
        if (_stack.Count <= floor) throw Corrupt("unpickling stack underflow");
        return _stack[^1];
    }

    private List<object?> PopMark()
    {
        if (_marks.Count == 0) throw Corrupt("could not find MARK");
        int m = _marks[^1];
        _marks.RemoveAt(_marks.Count - 1);
        var items = _stack.GetRange(m, _stack.Count - m);
        _stack.RemoveRange(m, _stack.Count - m);
        return items;
    }

    private void Push(object? v) => _stack.Add(v);

    /// <summary>Runs the pickle up to its STOP and returns the object it built.</summary>
    public object? Load()
    {
        while (true)
        {
            byte op = _r.ReadByte();
            switch (op)
            {
                case 0x80: // PROTO
                    { int p = _r.ReadByte(); if (p > 5) throw Corrupt($"unsupported pickle protocol: {p}"); break; }
                case 0x95: _r.ReadInt64(); break;                       // FRAME: a length hint only
                case (byte)'.':                                          // STOP
                    {
                        var result = Pop();
                        if (_stack.Count != 0 || _marks.Count != 0) throw Corrupt("data left on the stack at STOP");
                        return result;
                    }
                case (byte)'(': _marks.Add(_stack.Count); break;        // MARK
                case (byte)'0': Pop(); break;                            // POP
                case (byte)'1': PopMark(); break;                        // POP_MARK
                case (byte)'2': Push(Top()); break;                      // DUP

                // ---- scalars ----
                case (byte)'N': Push(null); break;
                case 0x88: Push(true); break;
                case 0x89: Push(false); break;
                case (byte)'I': Push(ParseIntLine(_r.ReadLine())); break;
                case (byte)'J': Push((long)_r.ReadInt32()); break;
                case (byte)'K': Push((long)_r.ReadByte()); break;
                case (byte)'M': Push((long)_r.ReadUInt16()); break;
                case (byte)'L': Push(ParseLongLine(_r.ReadLine())); break;
                case 0x8a: Push(DecodeLong(_r.ReadBytes(_r.ReadByte()))); break;   // LONG1
                case 0x8b:                                                         // LONG4
                    {
                        int n = _r.ReadInt32();
                        if (n < 0 || n > 1 << 20) throw Corrupt($"LONG4 length {n} is out of range");
                        Push(DecodeLong(_r.ReadBytes(n)));
                        break;
                    }
                case (byte)'F': Push(ParseFloatLine(_r.ReadLine())); break;
                case (byte)'G': Push(_r.ReadDoubleBigEndian()); break;

                // ---- strings and bytes ----
                case (byte)'X': Push(Utf8(_r.ReadBytes(_r.ReadUInt32()))); break;          // BINUNICODE
                case 0x8c: Push(Utf8(_r.ReadBytes(_r.ReadByte()))); break;                 // SHORT_BINUNICODE
                case 0x8d: Push(Utf8(_r.ReadBytes(_r.ReadInt64()))); break;                // BINUNICODE8
                case (byte)'V': Push(_r.ReadLine()); break;                                // UNICODE (raw-unicode-escape; ASCII in practice)
                case (byte)'T': Push(Py2String(_r.ReadBytes(_r.ReadUInt32()))); break;     // BINSTRING (Python 2 str)
                case (byte)'U': Push(Py2String(_r.ReadBytes(_r.ReadByte()))); break;       // SHORT_BINSTRING
                case (byte)'B': Push(_r.ReadBytes(_r.ReadUInt32())); break;                // BINBYTES
                case (byte)'C': Push(_r.ReadBytes(_r.ReadByte())); break;                  // SHORT_BINBYTES
                case 0x8e: Push(_r.ReadBytes(_r.ReadInt64())); break;                      // BINBYTES8
                case 0x96: Push(_r.ReadBytes(_r.ReadInt64())); break;                      // BYTEARRAY8

                // ---- containers ----
                case (byte)')': Push(Array.Empty<object?>()); break;
                case (byte)'t': Push(PopMark().ToArray()); break;
                case 0x85: { var a = Pop(); Push(new[] { a }); break; }
                case 0x86: { var b = Pop(); var a = Pop(); Push(new[] { a, b }); break; }
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); Push(new[] { a, b, c }); break; }
                case (byte)']': Push(new List<object?>()); break;
                case (byte)'l': Push(PopMark()); break;
                case (byte)'a': { var item = Pop(); AsList(Top(), "APPEND").Add(item); break; }
                case (byte)'e': { var items = PopMark(); AsList(Top(), "APPENDS").AddRange(items); break; }
                case (byte)'}': Push(new OrderedDict(isOrderedDict: false)); break;
                case (byte)'d': { var items = PopMark(); var d = new OrderedDict(isOrderedDict: false); SetItems(d, items); Push(d); break; }
                case (byte)'s': { var v = Pop(); var k = Pop(); SetItem(AsDict(Top(), "SETITEM"), k, v); break; }
                case (byte)'u': { var items = PopMark(); SetItems(AsDict(Top(), "SETITEMS"), items); break; }
                case 0x8f: Push(new HashSet<object?>()); break;                            // EMPTY_SET
                case 0x90:                                                                 // ADDITEMS
                    {
                        var items = PopMark();
                        if (Top() is not HashSet<object?> set) throw Error($"Can only add items to sets, but got {TypeName(Top())}");
                        foreach (var it in items) set.Add(it);
                        break;
                    }
                case 0x91: Push(new HashSet<object?>(PopMark())); break;                   // FROZENSET

                // ---- memo ----
                case (byte)'g': Push(MemoGet(ParseMemoIndex(_r.ReadLine(), "GET"))); break;
                case (byte)'h': Push(MemoGet(_r.ReadByte())); break;
                case (byte)'j': Push(MemoGet(_r.ReadUInt32())); break;
                case (byte)'p': _memo[ParseMemoIndex(_r.ReadLine(), "PUT")] = Top(); break;
                case (byte)'q': _memo[_r.ReadByte()] = Top(); break;
                case (byte)'r': _memo[_r.ReadUInt32()] = Top(); break;
                case 0x94: _memo[_memo.Count] = Top(); break;                              // MEMOIZE

                // ---- the risky ones: globals, calls, object construction ----
                case (byte)'c':                                                            // GLOBAL
                    {
                        string module = _r.ReadLine(1024), name = _r.ReadLine(1024);
                        Push(ResolveGlobal(module, name, "GLOBAL"));
                        break;
                    }
                case 0x93:                                                                 // STACK_GLOBAL
                    {
                        var name = Pop(); var module = Pop();
                        if (module is not string m || name is not string n) throw Corrupt("STACK_GLOBAL requires str module and name");
                        Push(ResolveGlobal(m, n, "STACK_GLOBAL"));
                        break;
                    }
                case (byte)'R':                                                            // REDUCE
                    {
                        var args = Pop();
                        var func = Pop();
                        if (func is not PyGlobal g) throw Error($"Trying to call reduce for unrecognized function {TypeName(func)}");
                        if (args is not object?[] a) throw Corrupt($"REDUCE arguments for {g.FullName} are a {TypeName(args)}, not a tuple");
                        Push(Call(g, a));
                        break;
                    }
                case (byte)'b': Build(Pop(), Top()); break;                                // BUILD
                case (byte)'Q':                                                            // BINPERSID
                    {
                        var pid = Pop();
                        if (pid is not object?[] t || t.Length == 0 || t[0] is not (string or byte[]))
                            throw Error($"persistent_load id must be a tuple beginning with 'storage', but got {TypeName(pid)}");
                        string tag = t[0] is byte[] b ? Encoding.ASCII.GetString(b) : (string)t[0]!;
                        if (tag != "storage") throw Error($"Only persistent_load of storage is allowed, but got {tag}");
                        if (_persistentLoad is null) throw Error("a persistent id was encountered where none is allowed");
                        Push(_persistentLoad(t));
                        break;
                    }
                case (byte)'P': throw Error("Unsupported operand P (PERSID, text persistent id)");
                case 0x81:                                                                 // NEWOBJ
                    {
                        var args = Pop();
                        var cls = Pop();
                        if (cls is not PyGlobal { Kind: GlobalKind.ScriptClass } sc || args is not object?[] { Length: 0 })
                            throw Error($"Trying to instantiate unsupported class {TypeName(cls)} (NEWOBJ)");
                        Push(new ScriptObjectState(sc.FullName));
                        break;
                    }
                case 0x92: throw Error("Trying to instantiate an unsupported class (NEWOBJ_EX)");
                case (byte)'i': throw Error($"Unsupported global: INST {SafeLine()} (INST constructs arbitrary objects)");
                case (byte)'o': throw Error("Unsupported operand o (OBJ constructs arbitrary objects)");
                case 0x82 or 0x83 or 0x84: throw Error($"Unsupported operand 0x{op:x2} (EXT globals from the copyreg extension registry)");
                case 0x97 or 0x98: throw Error($"Unsupported operand 0x{op:x2} (out-of-band buffers)");
                default:
                    throw Corrupt($"invalid load key, '{(op >= 32 && op < 127 ? ((char)op).ToString() : "\\x" + op.ToString("x2"))}' at byte {_r.Position - 1}");
            }
        }
    }

    private string SafeLine()
    {
        try { return _r.ReadLine(1024) + "." + _r.ReadLine(1024); } catch (InvalidDataException) { return "?"; }
    }

    private object ResolveGlobal(string module, string name, string opcode)
    {
        // Protocol 2 spells Python 3 modules by their Python 2 names (pickle's fix_imports); name them as Python 3 does.
        module = module switch { "__builtin__" => "builtins", "copy_reg" => "copyreg", _ => module };
        var g = _scriptObjects && (module == "__torch__" || module.StartsWith("__torch__.", StringComparison.Ordinal))
            ? new PyGlobal(module, name, GlobalKind.ScriptClass)
            : PickleGlobals.Resolve(module, name);
        if (g is null)
            throw Error($"Unsupported global: GLOBAL {module}.{name} was not an allowed global"
                        + (opcode == "GLOBAL" ? "" : $" (named by {opcode})")
                        + "; Flint loads only tensors, storages, dtypes and containers");
        // A dtype global is a value (torch.float32 pickles as the global itself).
        return g.Kind == GlobalKind.DTypeValue ? g.DType : g;
    }

    private object? MemoGet(long i) => _memo.TryGetValue(i, out var v) ? v : throw Corrupt($"memo key {i} was never stored");

    // The text (protocol 0) opcodes carry decimal lines; a malformed one is a corrupt file, named with its opcode.
    private InvalidDataException BadNumber(string opcode, string line)
        => Corrupt($"the {opcode} opcode's argument '{(line.Length > 40 ? line[..40] + "…" : line)}' is not a valid number");

    private long ParseMemoIndex(string s, string opcode)
        => long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i) ? i : throw BadNumber(opcode, s);

    private object ParseIntLine(string s) => s switch
    {
        "00" => false,
        "01" => true,
        _ => DecodeLongText(s, "INT"),
    };

    private object ParseLongLine(string s) => DecodeLongText(s.EndsWith('L') ? s[..^1] : s, "LONG");

    private object DecodeLongText(string s, string opcode)
    {
        if (!BigInteger.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var b)) throw BadNumber(opcode, s);
        return b >= long.MinValue && b <= long.MaxValue ? (object)(long)b : b;
    }

    /// <summary>FLOAT's line as Python's float() reads it: a decimal, or inf / -inf / nan as repr writes them.</summary>
    private double ParseFloatLine(string s)
    {
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
        return s.Trim().ToLowerInvariant() switch
        {
            "inf" or "+inf" or "infinity" => double.PositiveInfinity,
            "-inf" or "-infinity" => double.NegativeInfinity,
            "nan" or "+nan" or "-nan" => double.NaN,
            _ => throw BadNumber("FLOAT", s),
        };
    }

    internal static object DecodeLong(byte[] bytes)
    {
        if (bytes.Length == 0) return 0L;
        var b = new BigInteger(bytes, isUnsigned: false, isBigEndian: false);
        return b >= long.MinValue && b <= long.MaxValue ? (object)(long)b : b;
    }

    private string Utf8(byte[] b)
    {
        try { return new UTF8Encoding(false, true).GetString(b); }
        catch (DecoderFallbackException) { throw Corrupt("a string is not valid UTF-8"); }
    }

    // Python 2 str: torch.load decodes with 'utf-8' by default; fall back to latin-1 for binary junk.
    private static string Py2String(byte[] b)
    {
        try { return new UTF8Encoding(false, true).GetString(b); }
        catch (DecoderFallbackException) { return Encoding.Latin1.GetString(b); }
    }

    private List<object?> AsList(object? o, string op)
        => o as List<object?> ?? throw Error($"Can only append to lists, but got {TypeName(o)} ({op})");

    private OrderedDict AsDict(object? o, string op)
        => o as OrderedDict ?? throw Error($"Can only set items of dicts, but got {TypeName(o)} ({op})");

    private void SetItem(OrderedDict d, object? k, object? v)
    {
        if (k is null || k is List<object?> || k is OrderedDict || k is HashSet<object?>) throw Corrupt($"unhashable dict key of type {TypeName(k)}");
        d[k] = v;
    }

    private void SetItems(OrderedDict d, List<object?> items)
    {
        if (items.Count % 2 != 0) throw Corrupt("SETITEMS needs an even number of items");
        for (int i = 0; i < items.Count; i += 2) SetItem(d, items[i], items[i + 1]);
    }

    private void Build(object? state, object? inst)
    {
        if (inst is OrderedDict d)
        {
            // An OrderedDict's state is its __dict__ (PyTorch puts _metadata there); (dict, slots) tuples too.
            if (state is object?[] { Length: 2 } pair) state = pair[0];
            if (state is null) return;
            if (state is not OrderedDict attrs) throw Error($"BUILD state for a dict must be a dict, got {TypeName(state)}");
            d.Attributes ??= new OrderedDict(isOrderedDict: false);
            foreach (var (k, v) in attrs) d.Attributes[k] = v;
            return;
        }
        if (inst is ScriptObjectState so && so.State.Count == 0)
        {
            so.State = state as OrderedDict ?? throw Error($"BUILD state for {so.QualifiedName} must be a dict, got {TypeName(state)}");
            return;
        }
        throw Error($"Can only build Tensor, parameter or dict objects, but got {TypeName(inst)}");
    }

    internal static string TypeName(object? o) => o switch
    {
        null => "NoneType",
        PyGlobal g => "<" + g.FullName + ">",
        Tensor => "Tensor",
        Storage => "Storage",
        OrderedDict od => od.IsOrderedDict ? "collections.OrderedDict" : "dict",
        List<object?> => "list",
        object?[] => "tuple",
        string => "str",
        long or BigInteger => "int",
        double => "float",
        bool => "bool",
        byte[] => "bytes",
        _ => o.GetType().Name,
    };

    // ---- the C# functions behind the allowed globals ----

    private object? Call(PyGlobal g, object?[] a)
    {
        switch (g.Kind)
        {
            case GlobalKind.RebuildTensorV2:
                ArgCount(g, a, 6, 7);
                return RebuildTensor(g, a[0], a[1], a[2], a[3], a[4]);
            case GlobalKind.RebuildTensor:
                ArgCount(g, a, 4, 4);
                return RebuildTensor(g, a[0], a[1], a[2], a[3], false);
            case GlobalKind.RebuildParameter:
                ArgCount(g, a, 3, 3);
                return RebuildParameter(g, a[0], a[1]);
            case GlobalKind.RebuildParameterWithState:
                ArgCount(g, a, 4, 4);
                return RebuildParameter(g, a[0], a[1]);
            case GlobalKind.RebuildFromTypeV2:
                {
                    // (func, new_type, args, state): a tensor subclass; Flint rebuilds the plain tensor/parameter.
                    ArgCount(g, a, 4, 4);
                    if (a[0] is not PyGlobal f || f.Kind is not (GlobalKind.RebuildTensorV2 or GlobalKind.RebuildTensor or GlobalKind.RebuildParameter or GlobalKind.RebuildParameterWithState))
                        throw Error($"Trying to call reduce for unrecognized function {TypeName(a[0])} inside {g.FullName}");
                    if (a[1] is not PyGlobal { Kind: GlobalKind.TensorType or GlobalKind.ParameterType })
                        throw Error($"Unsupported tensor subclass {TypeName(a[1])} in {g.FullName}");
                    if (a[2] is not object?[] inner) throw Corrupt($"{g.FullName}: args must be a tuple");
                    return Call(f, inner);
                }
            case GlobalKind.OrderedDict:
                {
                    var d = new OrderedDict();
                    if (a.Length == 1 && a[0] is List<object?> pairs)
                        foreach (var p in pairs)
                        {
                            if (p is not (object?[] or List<object?>)) throw Corrupt("OrderedDict items must be pairs");
                            var kv = p is object?[] t ? t : ((List<object?>)p).ToArray();
                            if (kv.Length != 2) throw Corrupt("OrderedDict items must be pairs");
                            SetItem(d, kv[0], kv[1]);
                        }
                    else if (a.Length != 0) throw Corrupt($"{g.FullName} takes no arguments or one list of pairs here");
                    return d;
                }
            case GlobalKind.TorchSize:
                ArgCount(g, a, 0, 1);
                if (a.Length == 0) return Array.Empty<object?>();
                return a[0] switch
                {
                    object?[] t => t,
                    List<object?> l => l.ToArray(),
                    _ => throw Corrupt($"torch.Size takes a tuple, got {TypeName(a[0])}"),
                };
            case GlobalKind.Device:
                ArgCount(g, a, 1, 2);
                if (a[0] is not string type) throw Corrupt("torch.device takes a string");
                return a.Length == 2 && a[1] is long idx ? $"{type}:{idx}" : type;
            case GlobalKind.CodecsEncode:
                {
                    ArgCount(g, a, 2, 2);
                    if (a[0] is not string s || a[1] is not ("latin1" or "latin-1")) throw Error($"{g.FullName} is allowed only as encode(str, 'latin1') (protocol 2 bytes)");
                    var bytes = new byte[s.Length];
                    for (int i = 0; i < s.Length; i++)
                    {
                        if (s[i] > 0xff) throw Corrupt("latin1 bytes contain a character above U+00FF");
                        bytes[i] = (byte)s[i];
                    }
                    return bytes;
                }
            case GlobalKind.Set or GlobalKind.FrozenSet:
                ArgCount(g, a, 0, 1);
                if (a.Length == 0) return new HashSet<object?>();
                return a[0] switch
                {
                    List<object?> l => new HashSet<object?>(l),
                    object?[] t => new HashSet<object?>(t),
                    _ => throw Corrupt($"{g.FullName} takes a list, got {TypeName(a[0])}"),
                };
            case GlobalKind.JitTypedList:
                ArgCount(g, a, 1, 1);
                return a[0] as List<object?> ?? throw Error($"{g.FullName} expects a list, got {TypeName(a[0])}");
            case GlobalKind.JitRestoreTypeTag:
                ArgCount(g, a, 2, 2);
                return a[0];
            case GlobalKind.Bytes:
                ArgCount(g, a, 0, 0);
                return Array.Empty<byte>();
            default:
                throw Error($"Trying to call reduce for unrecognized function {g.FullName}");
        }
    }

    private void ArgCount(PyGlobal g, object?[] a, int min, int max)
    {
        if (a.Length < min || a.Length > max)
            throw Corrupt($"{g.FullName} takes {(min == max ? min.ToString() : $"{min} to {max}")} arguments, got {a.Length}");
    }

    private Flint.NN.Parameter RebuildParameter(PyGlobal g, object? data, object? requiresGrad)
    {
        if (data is not Tensor t) throw Corrupt($"{g.FullName}: data must be a tensor, got {TypeName(data)}");
        if (requiresGrad is not bool rg) throw Corrupt($"{g.FullName}: requires_grad must be a bool");
        // A Parameter is a new tensor object over the same storage (the data tensor may be referenced elsewhere too).
        var p = new Flint.NN.Parameter(new Tensor(t._storage, t._offset, t._sizes, t._strides), rg && t.DType.IsFloatingPoint());
        return p;
    }

    private Tensor RebuildTensor(PyGlobal g, object? storage, object? offset, object? size, object? stride, object? requiresGrad)
    {
        if (storage is not Storage s) throw Corrupt($"{g.FullName}: expected a storage, got {TypeName(storage)}");
        if (offset is not long off || off < 0) throw Corrupt($"{g.FullName}: storage_offset must be a non-negative int");
        var sizes = IntTuple(g, size, "size");
        var strides = IntTuple(g, stride, "stride");
        if (sizes.Length != strides.Length) throw Corrupt($"{g.FullName}: size has {sizes.Length} dims but stride has {strides.Length}");
        if (requiresGrad is not bool rg) throw Corrupt($"{g.FullName}: requires_grad must be a bool");
        // Every element the view can reach must lie inside the storage: a crafted file must not read out of bounds.
        long numel = 1, last = off;
        foreach (var x in sizes) numel *= x;
        if (numel > int.MaxValue) throw Corrupt($"{g.FullName}: a tensor of {numel} elements is larger than Flint supports");
        if (numel > 0)
        {
            for (int d = 0; d < sizes.Length; d++) last += (long)(sizes[d] - 1) * strides[d];
            if (last >= s.Length)
                throw Corrupt($"a tensor of size [{string.Join(", ", sizes)}], stride [{string.Join(", ", strides)}] and offset {off} needs {last + 1} elements, but its storage has {s.Length}");
        }
        if (off > int.MaxValue) throw Corrupt($"{g.FullName}: storage_offset {off} is too large");
        var t = new Tensor(s, (int)off, sizes, strides);
        if (rg)
        {
            if (!t.DType.IsFloatingPoint()) throw Corrupt($"a tensor of dtype {t.DType.Name()} cannot require gradients");
            t.RequiresGrad_(true);
        }
        return t;
    }

    private int[] IntTuple(PyGlobal g, object? o, string what)
    {
        var items = o switch
        {
            object?[] t => t,
            List<object?> l => l.ToArray(),
            _ => throw Corrupt($"{g.FullName}: {what} must be a tuple, got {TypeName(o)}"),
        };
        var r = new int[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            if (items[i] is not long v || v < 0 || v > int.MaxValue) throw Corrupt($"{g.FullName}: {what}[{i}] = {items[i] ?? "None"} is not a valid dimension");
            r[i] = (int)v;
        }
        return r;
    }
}
