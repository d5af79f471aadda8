using System.Buffers.Binary;
using System.Collections;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;

namespace Flint.Serialization;

/// <summary>
/// Writes .NET objects as a protocol-2 pickle the way torch.save does: tensors as
/// <c>torch._utils._rebuild_tensor_v2(persistent_load(('storage', torch.FloatStorage, key, 'cpu', numel)), …)</c>,
/// one storage record per distinct <see cref="Storage"/> (so shared storages stay shared), dicts as dict or
/// collections.OrderedDict (with their _metadata), lists, tuples, numbers, strings, bytes, None.
/// </summary>
internal sealed class Pickler
{
    private readonly MemoryStream _out = new();
    private readonly Dictionary<object, int> _memo = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, int> _globalMemo = new();
    private readonly Dictionary<Storage, string> _storageKeys = new(ReferenceEqualityComparer.Instance);
    private int _depth;

    /// <summary>Writes parameters as plain tensors with requires_grad (what a TorchScript archive's data.pkl holds).</summary>
    public bool ParametersAsPlainTensors { get; init; }

    /// <summary>The distinct storages referenced, in key order ("0", "1", …).</summary>
    public List<(string Key, Storage Storage)> Storages { get; } = new();

    public byte[] Dump(object? obj)
    {
        _out.WriteByte(0x80); _out.WriteByte(2);   // PROTO 2
        Save(obj);
        _out.WriteByte((byte)'.');
        return _out.ToArray();
    }

    private void Op(char c) => _out.WriteByte((byte)c);
    private void Op(byte b) => _out.WriteByte(b);

    private void Memoize(object o)
    {
        int i = _memo.Count;
        _memo[o] = i;
        Put(i);
    }

    private void Put(int i)
    {
        if (i < 256) { Op('q'); Op((byte)i); }
        else { Op('r'); WriteUInt32((uint)i); }
    }

    private bool TryGet(object o)
    {
        if (!_memo.TryGetValue(o, out int i)) return false;
        if (i < 256) { Op('h'); Op((byte)i); }
        else { Op('j'); WriteUInt32((uint)i); }
        return true;
    }

    private void WriteUInt32(uint v) { Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(b, v); _out.Write(b); }

    private void Global(string module, string name)
    {
        string key = module + "\n" + name;
        if (_globalMemo.TryGetValue(key, out int i))
        {
            if (i < 256) { Op('h'); Op((byte)i); } else { Op('j'); WriteUInt32((uint)i); }
            return;
        }
        Op('c');
        _out.Write(Encoding.UTF8.GetBytes(module + "\n" + name + "\n"));
        // Globals share the memo index space with objects; reserve an index with a placeholder key.
        int idx = _memo.Count;
        _memo[new object()] = idx;
        _globalMemo[key] = idx;
        Put(idx);
    }

    private void Save(object? obj)
    {
        if (++_depth > 1000) throw new InvalidOperationException("Torch.Save: objects nested more than 1000 levels deep (a cycle through a tuple?)");
        try { SaveInner(obj); }
        finally { _depth--; }
    }

    private void SaveInner(object? obj)
    {
        switch (obj)
        {
            case null: Op('N'); return;
            case bool b: Op(b ? (byte)0x88 : (byte)0x89); return;
            case long l: SaveInt(l); return;
            case int i: SaveInt(i); return;
            case short s: SaveInt(s); return;
            case sbyte sb: SaveInt(sb); return;
            case byte by: SaveInt(by); return;
            case ushort us: SaveInt(us); return;
            case uint ui: SaveInt(ui); return;
            case ulong ul: if (ul <= long.MaxValue) SaveInt((long)ul); else SaveBigInt(ul); return;
            case BigInteger bi: if (bi >= long.MinValue && bi <= long.MaxValue) SaveInt((long)bi); else SaveBigInt(bi); return;
            case double d: SaveFloat(d); return;
            case float f: SaveFloat(f); return;
            case Half h: SaveFloat((double)h); return;
            case decimal m: SaveFloat((double)m); return;
            case string str: SaveString(str); return;
            case char ch: SaveString(ch.ToString()); return;
            case DType dt: Global("torch", dt.Name()); return;
            case Scalar sc: Save(sc.IsFloatingPoint ? sc.ToDouble() : sc.IsBool ? sc.ToBool() : (object)sc.ToInt64()); return;
        }
        if (TryGet(obj)) return;
        switch (obj)
        {
            case byte[] bytes: SaveBytes(bytes); return;
            case Tensor t: SaveTensor(t); return;
            case ScriptObjectState so: SaveScriptObject(so); return;
            case OrderedDict od: SaveDict(od, od.IsOrderedDict, od.Attributes); return;
            case System.Collections.Specialized.IOrderedDictionary ood: SaveDict(ood, true, null); return;
            // A generic OrderedDictionary (a state dict built by hand) is saved as collections.OrderedDict.
            case IDictionary gd when IsGenericOrderedDictionary(obj): SaveDict(gd, true, null); return;
            case IDictionary d: SaveDict(d, false, null); return;
            case IDictionary<string, Tensor> sd: SaveDict(ToNonGeneric(sd), false, null); return;
            case IReadOnlyDictionary<string, Tensor> rsd: SaveDict(ToNonGeneric(rsd), false, null); return;
            case IDictionary<string, object?> sod: SaveDict(ToNonGeneric(sod), false, null); return;
            case IReadOnlyDictionary<string, object?> rsod: SaveDict(ToNonGeneric(rsod), false, null); return;
            case object?[] tuple: SaveTuple(tuple, tuple); return;
            case ITuple vt:
                {
                    var items = new object?[vt.Length];
                    for (int i = 0; i < items.Length; i++) items[i] = vt[i];
                    SaveTuple(items, obj);
                    return;
                }
            case ISet<object?> set: SaveSet(set); return;
            case IList list: SaveList(list); return;
        }
        throw new ArgumentException($"Torch.Save cannot serialize an object of type {obj.GetType().FullName}: "
            + "only tensors, dictionaries, lists, tuples (object?[] or ValueTuple), numbers, strings, bytes, bools and null are supported");
    }

    private static bool IsGenericOrderedDictionary(object o)
    {
        var t = o.GetType();
        return t.IsGenericType && t.GetGenericTypeDefinition() == typeof(OrderedDictionary<,>);
    }

    private static IDictionary ToNonGeneric<TValue>(IEnumerable<KeyValuePair<string, TValue>> d)
    {
        var od = new OrderedDict(isOrderedDict: false);
        foreach (var (k, v) in d) od.Add(k, v);
        return od;
    }

    private void SaveInt(long v)
    {
        if (v >= 0 && v < 256) { Op('K'); Op((byte)v); }
        else if (v >= 0 && v < 65536) { Op('M'); Op((byte)v); Op((byte)(v >> 8)); }
        else if (v >= int.MinValue && v <= int.MaxValue) { Op('J'); WriteUInt32((uint)(int)v); }
        else SaveBigInt(v);
    }

    private void SaveBigInt(BigInteger v)
    {
        var bytes = v.ToByteArray(isUnsigned: false, isBigEndian: false);   // minimal two's complement, as Python's encode_long
        if (bytes.Length < 256) { Op(0x8a); Op((byte)bytes.Length); }
        else { Op(0x8b); WriteUInt32((uint)bytes.Length); }
        _out.Write(bytes);
    }

    private void SaveFloat(double d)
    {
        Op('G');
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleBigEndian(b, d);
        _out.Write(b);
    }

    private void SaveString(string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        Op('X');
        WriteUInt32((uint)bytes.Length);
        _out.Write(bytes);
    }

    // Protocol 2 has no bytes opcode for Python 3; Python writes _codecs.encode(latin1 text, 'latin1').
    private void SaveBytes(byte[] bytes)
    {
        if (bytes.Length == 0) { Global("builtins", "bytes"); Op(')'); Op('R'); Memoize(bytes); return; }
        Global("_codecs", "encode");
        SaveString(Encoding.Latin1.GetString(bytes));
        SaveString("latin1");
        Op(0x86);   // TUPLE2
        Op('R');
        Memoize(bytes);
    }

    private void SaveTuple(object?[] items, object identity)
    {
        if (items.Length == 0) { Op(')'); return; }
        if (items.Length <= 3)
        {
            foreach (var x in items) Save(x);
            Op((byte)(0x84 + items.Length));   // TUPLE1..3
        }
        else
        {
            Op('(');
            foreach (var x in items) Save(x);
            Op('t');
        }
        Memoize(identity);
    }

    private void SaveList(IList list)
    {
        Op(']');
        Memoize(list);
        int n = 0;
        foreach (var x in list)
        {
            if (n % 1000 == 0) { if (n > 0) Op('e'); Op('('); }
            Save(x);
            n++;
        }
        if (n > 0) Op('e');
    }

    private void SaveSet(ISet<object?> set)
    {
        Global("builtins", "set");
        var items = new List<object?>(set);
        Op(']');
        Op('(');
        foreach (var x in items) Save(x);
        Op('e');
        Op(0x85);   // TUPLE1
        Op('R');
        Memoize(set);
    }

    private void SaveDict(IDictionary d, bool ordered, OrderedDict? attributes)
    {
        if (ordered)
        {
            Global("collections", "OrderedDict");
            Op(')');
            Op('R');
        }
        else Op('}');
        Memoize(d);
        int n = 0;
        foreach (DictionaryEntry e in d)
        {
            if (n % 1000 == 0) { if (n > 0) Op('u'); Op('('); }
            if (e.Key is not (string or long or int or short or sbyte or byte or ushort or uint or bool or double or float or object?[] or ITuple))
                throw new ArgumentException($"Torch.Save: dictionary keys must be strings, integers, floats, bools or tuples; got {e.Key.GetType().FullName}");
            Save(e.Key);
            Save(e.Value);
            n++;
        }
        if (n > 0) Op('u');
        if (ordered && attributes is { Count: > 0 })
        {
            // OrderedDict.__reduce__ puts the instance __dict__ (PyTorch's _metadata) in BUILD state.
            Save(attributes);
            Op('b');
        }
    }

    // torch.jit.save's form: GLOBAL module Class, EMPTY_TUPLE, NEWOBJ, then BUILD with the attribute dict.
    private void SaveScriptObject(ScriptObjectState o)
    {
        int dot = o.QualifiedName.LastIndexOf('.');
        Global(o.QualifiedName[..dot], o.QualifiedName[(dot + 1)..]);
        Op(')');
        Op(0x81);
        Memoize(o);
        SaveDict(o.State, false, null);
        Op('b');
    }

    private void SaveTensor(Tensor t)
    {
        if (t.Device.Type != DeviceType.CPU) throw new ArgumentException("Torch.Save: only CPU tensors can be saved; call .Cpu() first");
        if (t is Flint.NN.Parameter && !ParametersAsPlainTensors)
        {
            // nn.Parameter.__reduce_ex__: _rebuild_parameter(data, requires_grad, OrderedDict()), data a plain tensor.
            Global("torch._utils", "_rebuild_parameter");
            Op('(');
            SaveRebuildTensor(t, requiresGrad: false);
            Op(t.RequiresGrad ? (byte)0x88 : (byte)0x89);
            Global("collections", "OrderedDict");
            Op(')');
            Op('R');
            Op('t');
            Op('R');
        }
        else SaveRebuildTensor(t, t.RequiresGrad);
        Memoize(t);
    }

    private void SaveRebuildTensor(Tensor t, bool requiresGrad)
    {
        Global("torch._utils", "_rebuild_tensor_v2");
        Op('(');
        SavePersistentStorage(t._storage);
        SaveInt(t._offset);
        SaveIntTuple(t._sizes);
        SaveIntTuple(t._strides);
        Op(requiresGrad ? (byte)0x88 : (byte)0x89);
        Global("collections", "OrderedDict");   // backward_hooks: always an empty OrderedDict
        Op(')');
        Op('R');
        Op('t');
        Op('R');
    }

    private void SaveIntTuple(int[] v)
    {
        if (v.Length == 0) { Op(')'); return; }
        if (v.Length <= 3) { foreach (var x in v) SaveInt(x); Op((byte)(0x84 + v.Length)); return; }
        Op('(');
        foreach (var x in v) SaveInt(x);
        Op('t');
    }

    private void SavePersistentStorage(Storage s)
    {
        if (!_storageKeys.TryGetValue(s, out var key))
        {
            StorageTypes.CheckByteSize(s.Length, s.DType, "Torch.Save");
            key = Storages.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            _storageKeys[s] = key;
            Storages.Add((key, s));
        }
        Op('(');
        SaveString("storage");
        Global("torch", StorageTypes.StorageName(s.DType));
        SaveString(key);
        SaveString("cpu");
        SaveInt(s.Length);
        Op('t');
        Op('Q');   // BINPERSID
    }
}
