using System.Diagnostics.CodeAnalysis;

namespace Flint.NN;

/// <summary>
/// The base of every layer and model (torch.nn.Module). A subclass declares its submodules, parameters and buffers
/// as fields; they are registered without any call, in declaration order (base class first), under the field names
/// (state-dict keys like "hidden.weight"). A Module-typed field is a submodule, a field holding a
/// <see cref="Parameter"/> is a parameter, any other Tensor field is a (persistent) buffer unless marked
/// <see cref="NonPersistentAttribute"/>; <see cref="NotRegisteredAttribute"/> leaves a field out. A field holding
/// null is simply absent (PyTorch's register_parameter(name, None)). Fields are read live, so assigning a new layer
/// to a field later replaces it. <see cref="RegisterModule"/>, <see cref="RegisterParameter"/> and
/// <see cref="RegisterBuffer"/> add entries by name for the dynamic cases (containers, generated names).
/// The type-hierarchy [DynamicallyAccessedMembers] annotation keeps every subclass's fields under trimming and
/// NativeAOT, so the field scan needs no source generator.
/// </summary>
[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields | DynamicallyAccessedMemberTypes.NonPublicFields)]
public abstract partial class Module
{
    private bool _training = true;

    // Entries registered by name (containers, RegisterX calls), in registration order, after the fields.
    private List<KeyValuePair<string, Module?>>? _extraModules;
    private List<KeyValuePair<string, Tensor?>>? _extraParams;
    private List<KeyValuePair<string, Tensor?>>? _extraBuffers;
    private HashSet<string>? _nonPersistentExtra;

    private FieldSlot[]? _slots;
    private FieldSlot[] Slots => _slots ??= FieldScan.For(GetType());

    /// <summary>True in training mode (the default), false after Eval().</summary>
    public bool Training => _training;

    // ---------------------------------------------------------------- registration by name

    /// <summary>Adds (or replaces) a child module under a name (PyTorch's add_module / register_module).</summary>
    public virtual void RegisterModule(string name, Module? module)
    {
        CheckName(name, "module");
        if (HasField(name)) throw new ArgumentException($"attribute '{name}' already exists");
        Upsert(_extraModules ??= new(), name, module);
    }

    /// <summary>Adds (or replaces) a parameter under a name; null registers the name with no parameter.</summary>
    public void RegisterParameter(string name, Parameter? param)
    {
        CheckName(name, "parameter");
        if (HasField(name) || Find(_extraBuffers, name) >= 0 || Find(_extraModules, name) >= 0)
            throw new ArgumentException($"attribute '{name}' already exists");
        Upsert(_extraParams ??= new(), name, param);
    }

    /// <summary>Adds (or replaces) a buffer: state that is not a parameter (running statistics …). Non-persistent
    /// buffers move with To() but are left out of StateDict().</summary>
    public void RegisterBuffer(string name, Tensor? tensor, bool persistent = true)
    {
        CheckName(name, "buffer");
        if (HasField(name) || Find(_extraParams, name) >= 0 || Find(_extraModules, name) >= 0)
            throw new ArgumentException($"attribute '{name}' already exists");
        Upsert(_extraBuffers ??= new(), name, tensor);
        if (persistent) _nonPersistentExtra?.Remove(name);
        else (_nonPersistentExtra ??= new()).Add(name);
    }

    private static void CheckName(string name, string what)
    {
        if (name.Contains('.')) throw new ArgumentException($"{what} name can't contain \".\", got: {name}");
        if (name.Length == 0) throw new ArgumentException($"{what} name can't be empty string \"\"");
    }

    private bool HasField(string name)
    {
        foreach (var s in Slots) if (s.Name == name) return true;
        return false;
    }

    private static int Find<T>(List<KeyValuePair<string, T>>? list, string name)
    {
        if (list is null) return -1;
        for (int i = 0; i < list.Count; i++) if (list[i].Key == name) return i;
        return -1;
    }

    private static void Upsert<T>(List<KeyValuePair<string, T>> list, string name, T value)
    {
        int i = Find(list, name);
        if (i >= 0) list[i] = new(name, value);
        else list.Add(new(name, value));
    }

    /// <summary>Removes a name registered with RegisterX (containers use it).</summary>
    internal void Unregister(string name)
    {
        int i;
        if ((i = Find(_extraModules, name)) >= 0) _extraModules!.RemoveAt(i);
        if ((i = Find(_extraParams, name)) >= 0) _extraParams!.RemoveAt(i);
        if ((i = Find(_extraBuffers, name)) >= 0) _extraBuffers!.RemoveAt(i);
    }

    /// <summary>Drops every name registered with RegisterModule (containers rebuild their numbering with it).</summary>
    internal void ClearRegisteredModules() => _extraModules?.Clear();
    internal void ClearRegisteredParameters() => _extraParams?.Clear();

    // ---------------------------------------------------------------- local views (this module only)

    /// <summary>This module's own child modules, in registration order (fields first), skipping nulls.</summary>
    protected internal IEnumerable<KeyValuePair<string, Module>> LocalModules()
    {
        foreach (var s in Slots)
            if (s.Kind == SlotKind.Module && s.Field.GetValue(this) is Module m) yield return new(s.Name, m);
        if (_extraModules is not null)
            foreach (var kv in _extraModules.ToArray())
                if (kv.Value is not null) yield return new(kv.Key, kv.Value);
    }

    /// <summary>This module's own parameters (fields holding a Parameter, then registered ones).</summary>
    protected internal IEnumerable<KeyValuePair<string, Parameter>> LocalParameters()
    {
        foreach (var s in Slots)
            if (s.Kind == SlotKind.Tensor && s.Field.GetValue(this) is Parameter p) yield return new(s.Name, p);
        if (_extraParams is not null)
            foreach (var kv in _extraParams.ToArray())
                if (kv.Value is Parameter p) yield return new(kv.Key, p);
    }

    /// <summary>This module's own buffers: (name, tensor, persistent).</summary>
    protected internal IEnumerable<(string Name, Tensor Buffer, bool Persistent)> LocalBuffers()
    {
        foreach (var s in Slots)
            if (s.Kind == SlotKind.Tensor && s.Field.GetValue(this) is Tensor t && t is not Parameter) yield return (s.Name, t, !s.NonPersistent);
        if (_extraBuffers is not null)
            foreach (var kv in _extraBuffers.ToArray())
                if (kv.Value is not null) yield return (kv.Key, kv.Value, !(_nonPersistentExtra?.Contains(kv.Key) ?? false));
    }

    /// <summary>Every name this module uses for a parameter or buffer slot, including ones holding null.</summary>
    private bool HasLocalTensorName(string name)
    {
        foreach (var s in Slots) if (s.Kind == SlotKind.Tensor && s.Name == name) return true;
        return Find(_extraParams, name) >= 0 || Find(_extraBuffers, name) >= 0;
    }

    // ---------------------------------------------------------------- traversal

    public IEnumerable<Parameter> Parameters(bool recurse = true)
    {
        foreach (var (_, p) in NamedParameters(recurse: recurse)) yield return p;
    }

    /// <summary>(dotted name, parameter) pairs; a parameter shared by two modules is listed once.</summary>
    public IEnumerable<(string Name, Parameter Parameter)> NamedParameters(string prefix = "", bool recurse = true)
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (mp, m) in recurse ? NamedModules(prefix: prefix) : [(prefix, this)])
            foreach (var kv in m.LocalParameters())
                if (seen.Add(kv.Value)) yield return (Join(mp, kv.Key), kv.Value);
    }

    public IEnumerable<Tensor> Buffers(bool recurse = true)
    {
        foreach (var (_, b) in NamedBuffers(recurse: recurse)) yield return b;
    }

    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers(string prefix = "", bool recurse = true)
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (mp, m) in recurse ? NamedModules(prefix: prefix) : [(prefix, this)])
            foreach (var (n, b, _) in m.LocalBuffers())
                if (seen.Add(b)) yield return (Join(mp, n), b);
    }

    public IEnumerable<Module> Children()
    {
        foreach (var (_, m) in NamedChildren()) yield return m;
    }

    public IEnumerable<(string Name, Module Module)> NamedChildren()
    {
        var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        foreach (var kv in LocalModules())
            if (seen.Add(kv.Value)) yield return (kv.Key, kv.Value);
    }

    public IEnumerable<Module> Modules()
    {
        foreach (var (_, m) in NamedModules()) yield return m;
    }

    /// <summary>This module and all below it, depth first, each once: ("", self), ("hidden", …), ("seq.0", …).</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules(HashSet<Module>? memo = null, string prefix = "")
    {
        memo ??= new HashSet<Module>(ReferenceEqualityComparer.Instance);
        if (!memo.Add(this)) yield break;
        yield return (prefix, this);
        foreach (var kv in LocalModules())
            foreach (var x in kv.Value.NamedModules(memo, Join(prefix, kv.Key)))
                yield return x;
    }

    internal static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    // ---------------------------------------------------------------- modes and bulk changes

    /// <summary>Sets training mode on this module and every module below it.</summary>
    public virtual Module Train(bool mode = true)
    {
        _training = mode;
        foreach (var c in Children()) c.Train(mode);
        return this;
    }

    public Module Eval() => Train(false);

    /// <summary>Sets this module's own training flag only (not its children's).</summary>
    internal void TrainSelf(bool mode) => _training = mode;

    /// <summary>Calls fn on every submodule (children first) and then on this one, like PyTorch's apply.</summary>
    public Module Apply(Action<Module> fn)
    {
        foreach (var c in Children()) c.Apply(fn);
        fn(this);
        return this;
    }

    /// <summary>Clears every parameter's gradient: to null (the default, as in PyTorch 2) or to zeros.</summary>
    public void ZeroGrad(bool setToNone = true)
    {
        foreach (var p in Parameters())
        {
            if (p.Grad is null) continue;
            if (setToNone) p.Grad = null;
            else
            {
                var g = p.Grad.GradFn is null ? p.Grad : p.Grad.Detach();
                g.FillRaw(0);
                g._storage.Version++;
                p.Grad = g;
            }
        }
    }

    /// <summary>Turns gradient tracking of every parameter on or off (freezing a layer).</summary>
    public Module RequiresGrad_(bool requiresGrad = true)
    {
        foreach (var p in Parameters()) p.RequiresGrad_(requiresGrad);
        return this;
    }

    /// <summary>Casts floating-point parameters and buffers to dtype, in place: the Parameter objects stay the same,
    /// so an optimizer built before still holds them.</summary>
    public Module To(DType dtype)
    {
        if (!dtype.IsFloatingPoint())
            throw new ArgumentException($"nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=torch.{dtype.Name()}");
        foreach (var m in Modules())
        {
            foreach (var kv in m.LocalParameters())
            {
                var p = kv.Value;
                if (!p.IsFloatingPoint() || p.DType == dtype) continue;
                TensorData.Set(p, p.Detach().CastRaw(dtype));
                if (p.Grad is { } g) p.Grad = g.Detach().CastRaw(dtype);
            }
            foreach (var (_, b, _) in m.LocalBuffers())
                if (b.IsFloatingPoint() && b.DType != dtype) TensorData.Set(b, b.Detach().CastRaw(dtype));
        }
        return this;
    }

    /// <summary>Moves parameters and buffers to a device (the CPU is the only one in this build).</summary>
    public Module To(Device device)
    {
        foreach (var p in Parameters()) p.To(device);
        return this;
    }

    public Module Float() => To(DType.Float32);
    public Module Double() => To(DType.Float64);
    public Module Half() => To(DType.Float16);
    public Module BFloat16() => To(DType.BFloat16);
    public Module Cpu() => this;
}

/// <summary>Keeps a Tensor field out of StateDict() while still registering it as a buffer (moved by To()).</summary>
[AttributeUsage(AttributeTargets.Field)]
public sealed class NonPersistentAttribute : Attribute { }

/// <summary>Leaves a Module or Tensor field out of registration altogether (a cache, a shared reference).</summary>
[AttributeUsage(AttributeTargets.Field)]
public sealed class NotRegisteredAttribute : Attribute { }
