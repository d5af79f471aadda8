using System.Collections;
using Flint.Autograd;
using Flint.Serialization;

namespace Flint.Optim;

/// <summary>
/// Base of every optimizer (torch.optim.Optimizer): parameter groups with options, per-parameter state, ZeroGrad,
/// Step (optionally with a closure that re-evaluates the loss), AddParamGroup, and StateDict/LoadStateDict in
/// PyTorch's layout — <c>{"state": {0: {...}, …}, "param_groups": [{…options…, "params": [0, 1, …]}]}</c> — so a
/// checkpoint moves between Flint and PyTorch.
/// Updates run under no-grad directly on the parameters' memory (see <see cref="OptimKernels"/>).
/// </summary>
public abstract class Optimizer
{
    /// <summary>The defaults every new group is completed with, in PyTorch's key order.</summary>
    public ParamGroup Defaults { get; }
    public List<ParamGroup> ParamGroups { get; } = new();
    /// <summary>Per-parameter state (PyTorch's <c>optimizer.state[p]</c>), keyed by the parameter object.</summary>
    public Dictionary<Tensor, Dictionary<string, object?>> State { get; } = new(ReferenceEqualityComparer.Instance);

    protected Optimizer(IEnumerable<Tensor> parameters, ParamGroup defaults)
        : this([new ParamGroup(parameters)], defaults) { }

    protected Optimizer(IEnumerable<ParamGroup> groups, ParamGroup defaults)
    {
        Defaults = defaults;
        int n = 0;
        foreach (var g in groups) { AddParamGroup(g); n++; }
        if (n == 0) throw new ArgumentException("optimizer got an empty parameter list");
    }

    /// <summary>Adds a group; options it lacks are taken from the defaults. A parameter may be in one group only.</summary>
    public virtual void AddParamGroup(ParamGroup group)
    {
        if (group.Params.Count == 0 && ParamGroups.Count == 0) throw new ArgumentException("optimizer got an empty parameter list");
        foreach (var p in group.Params)
        {
            if (!p.IsLeaf) throw new ArgumentException("can't optimize a non-leaf Tensor");
        }
        var ordered = new ParamGroup(group.Params);
        foreach (var kv in Defaults)
        {
            if (group.ContainsKey(kv.Key)) ordered[kv.Key] = group[kv.Key];
            else if (kv.Value is RequiredOption) throw new ArgumentException($"parameter group didn't specify a value of required optimization parameter {kv.Key}");
            else ordered[kv.Key] = kv.Value;
        }
        foreach (var kv in group) if (!ordered.ContainsKey(kv.Key)) ordered[kv.Key] = kv.Value;
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var g in ParamGroups) foreach (var p in g.Params) seen.Add(p);
        foreach (var p in ordered.Params)
            if (!seen.Add(p)) throw new ArgumentException("some parameters appear in more than one parameter group");
        ParamGroups.Add(ordered);
    }

    /// <summary>Clears the gradients of all optimized parameters: to null (default, as PyTorch 2) or to zeros.</summary>
    public void ZeroGrad(bool setToNone = true)
    {
        foreach (var g in ParamGroups)
            foreach (var p in g.Params)
            {
                var grad = p.Grad;
                if (grad is null) continue;
                if (setToNone) { p.Grad = null; continue; }
                if (grad.GradFn != null) grad = p.Grad = grad.Detach();
                grad.FillRaw(0);
            }
    }

    /// <summary>One optimization step. The closure, if given, re-evaluates the model (with grad enabled) and returns the loss.</summary>
    public virtual Tensor? Step(Func<Tensor>? closure = null)
    {
        Tensor? loss = null;
        if (closure != null)
            using (Torch.EnableGrad()) loss = closure();
        // grad mode off for the update, without allocating a scope object (this runs every training step)
        bool prev = GradMode.IsEnabled;
        GradMode.IsEnabled = false;
        try
        {
            var groups = ParamGroups;
            for (int i = 0; i < groups.Count; i++) StepGroup(groups[i]);
        }
        finally { GradMode.IsEnabled = prev; }
        return loss;
    }

    /// <summary>Updates one group's parameters (grad mode is off).</summary>
    protected abstract void StepGroup(ParamGroup group);

    /// <summary>The state of one parameter, created empty on first use.</summary>
    protected Dictionary<string, object?> StateFor(Tensor p)
    {
        if (!State.TryGetValue(p, out var s)) State[p] = s = new Dictionary<string, object?>();
        return s;
    }

    // ---- state dict ----

    /// <summary>
    /// PyTorch's layout: "state" maps each parameter's index (counted across groups in order) to its state;
    /// "param_groups" lists each group's options with "params" = those indices. Tensors are shared, not copied.
    /// </summary>
    public OrderedDict StateDict()
    {
        var state = new OrderedDict(isOrderedDict: false);
        var groups = new List<object?>();
        long index = 0;
        foreach (var g in ParamGroups)
        {
            var packed = new OrderedDict(isOrderedDict: false);
            foreach (var kv in g) packed[kv.Key] = kv.Value;
            var ids = new List<long>();
            foreach (var p in g.Params)
            {
                if (State.TryGetValue(p, out var s))
                {
                    var copy = new OrderedDict(isOrderedDict: false);
                    foreach (var kv in s) copy[kv.Key] = kv.Value;
                    state[index] = copy;
                }
                ids.Add(index++);
            }
            packed["params"] = ids;
            groups.Add(packed);
        }
        return new OrderedDict(isOrderedDict: false) { ["state"] = state, ["param_groups"] = groups };
    }

    /// <summary>
    /// Options PyTorch added to optimizers over the versions; a state dict saved before them lacks them, and
    /// loading it keeps the current values (PyTorch's __setstate__ fills them with defaults the same way).
    /// </summary>
    private static readonly HashSet<string> LateOptions =
        ["foreach", "maximize", "capturable", "differentiable", "fused", "decoupled_weight_decay", "initial_lr"];

    /// <summary>
    /// Loads a state dict (from <see cref="StateDict"/> or PyTorch's, as Torch.Load returns it): group options
    /// replace the current ones, state tensors are copied and cast to their parameter's dtype ("step" kept as is).
    /// </summary>
    public void LoadStateDict(IDictionary stateDict)
    {
        if (!stateDict.Contains("param_groups") || stateDict["param_groups"] is not IList savedGroups)
            throw new ArgumentException("optimizer state dict has no 'param_groups' list");
        if (savedGroups.Count != ParamGroups.Count)
            throw new ArgumentException("loaded state dict has a different number of parameter groups");
        var idToParam = new Dictionary<long, Tensor>();
        for (int gi = 0; gi < savedGroups.Count; gi++)
        {
            var sg = savedGroups[gi] as IDictionary ?? throw new ArgumentException("optimizer state dict: a parameter group is not a dictionary");
            var ids = sg["params"] as IList ?? throw new ArgumentException("optimizer state dict: a parameter group has no 'params' list");
            foreach (var kv in Defaults)
                if (!sg.Contains(kv.Key) && !LateOptions.Contains(kv.Key))
                    throw new ArgumentException($"loaded state dict's parameter group {gi} has no '{kv.Key}' option, "
                        + $"so it is not {(GetType().Name[0] is 'A' or 'E' or 'I' or 'O' or 'U' ? "an" : "a")} {GetType().Name} state dict (its options: {string.Join(", ", sg.Keys.Cast<object>())})");
            if (ids.Count != ParamGroups[gi].Params.Count)
                throw new ArgumentException("loaded state dict contains a parameter group that doesn't match the size of optimizer's group");
            for (int i = 0; i < ids.Count; i++) idToParam[Convert.ToInt64(ids[i])] = ParamGroups[gi].Params[i];
        }
        State.Clear();
        if (stateDict.Contains("state") && stateDict["state"] is IDictionary savedState)
            foreach (DictionaryEntry e in savedState)
            {
                long id = Convert.ToInt64(e.Key);
                if (!idToParam.TryGetValue(id, out var p)) continue;
                var s = new Dictionary<string, object?>();
                foreach (DictionaryEntry kv in (IDictionary)e.Value!)
                {
                    var key = (string)kv.Key;
                    s[key] = CopyStateValue(p, key, kv.Value);
                }
                State[p] = s;
            }
        for (int gi = 0; gi < savedGroups.Count; gi++)
        {
            var sg = (IDictionary)savedGroups[gi]!;
            var g = ParamGroups[gi];
            foreach (DictionaryEntry kv in sg)
            {
                var key = (string)kv.Key;
                if (key != "params") g[key] = kv.Value;
            }
        }
        OnStateLoaded();
    }

    /// <summary>Hook for optimizers that upgrade old state layouts (PyTorch's __setstate__).</summary>
    protected virtual void OnStateLoaded() { }

    private static object? CopyStateValue(Tensor p, string key, object? v)
    {
        switch (v)
        {
            case Tensor t:
                // PyTorch casts floating state to the parameter's dtype, except 'step' (kept float32 as saved).
                var c = key != "step" && t.IsFloatingPoint() && p.IsFloatingPoint() ? t.Detach().CastRaw(p.DType) : t.Detach();
                return ReferenceEquals(c._storage, t._storage) ? c.CloneRaw() : c.ContiguousRaw();
            case IList l when v is not string:
                var copy = new List<object?>(l.Count);
                foreach (var x in l) copy.Add(CopyStateValue(p, key, x));
                return copy;
            default:
                return v;
        }
    }

    // ---- helpers for the optimizers ----

    /// <summary>
    /// Prepares one parameter's update: returns the tensor to write (the parameter itself when contiguous, else a
    /// contiguous copy that <see cref="EndUpdate"/> writes back) and the gradient as a contiguous tensor of its dtype.
    /// </summary>
    protected static Tensor BeginUpdate(Tensor p, Tensor grad, out Tensor g)
    {
        if (p.DType != DType.Float32 && p.DType != DType.Float64)
            throw new NotSupportedException($"{p.DType.Name()} parameters are not supported by Flint's optimizers (use float32 or float64)");
        if (!ShapeUtil.SameShape(grad._sizes, p._sizes))
            throw new ArgumentException($"gradient has shape {ShapeUtil.Format(grad._sizes)} but its parameter has shape {ShapeUtil.Format(p._sizes)}");
        g = grad.DType == p.DType ? grad.ContiguousRaw() : grad.CastRaw(p.DType);
        return p.IsContiguous() ? p : p.ContiguousRaw();
    }

    /// <summary>Finishes an update: writes a working copy back, and bumps the parameter's version as an in-place op does.</summary>
    protected static void EndUpdate(Tensor p, Tensor work)
    {
        if (ReferenceEquals(p, work)) p._storage.Version++;
        else p.CopyFromRaw(work);
    }

    /// <summary>A contiguous tensor's elements.</summary>
    protected static Span<T> Data<T>(Tensor t) where T : unmanaged => t.StorageSpan<T>().Slice(t._offset, t._numel);

    /// <summary>A state buffer as a contiguous span (state loaded from a file is made contiguous on load).</summary>
    protected static Span<T> Data<T>(Dictionary<string, object?> state, string key) where T : unmanaged => Data<T>(StateTensor(state, key));

    /// <summary>PyTorch stores option defaults such as weight_decay=0 as Python ints; keep that type in state dicts.</summary>
    protected static object Num(double v, bool intDefault) => intDefault && v == Math.Floor(v) && Math.Abs(v) < 1e15 ? (object)(long)v : v;

    /// <summary>A placeholder default for an option the user must give (SGD's lr).</summary>
    public sealed class RequiredOption { public static readonly RequiredOption Instance = new(); public override string ToString() => "<required parameter>"; }

    /// <summary>PyTorch's float32 0-dim step counter: state["step"] = tensor(0.).</summary>
    protected static Tensor NewStepTensor() => Torch.ScalarTensor(0.0, DType.Float32);

    /// <summary>Increments a step counter held as a tensor (0-dim float) or a number, and returns the new value.</summary>
    protected static double IncrementStep(Dictionary<string, object?> state)
    {
        switch (state["step"])
        {
            case Tensor t:
                var c = t.DType == DType.Float32 && t.IsContiguous() ? t : null;
                if (c != null) { ref float f = ref c.StorageSpan<float>()[c._offset]; f += 1; c._storage.Version++; return f; }
                double next = t.Item() + 1;
                t.FillRaw(next); t._storage.Version++;
                return next;
            case long l: state["step"] = l + 1; return l + 1;
            case int i: state["step"] = (long)i + 1; return i + 1;
            case var o: double d = ParamGroup.ToDouble(o, "step") + 1; state["step"] = d; return d;
        }
    }

    /// <summary>A zero-filled state buffer shaped and typed like the parameter (contiguous).</summary>
    protected static Tensor ZerosLike(Tensor p) => Tensor.Empty(p._sizes, p.DType, zeroed: true);

    protected static Tensor StateTensor(Dictionary<string, object?> state, string key)
        => state[key] as Tensor ?? throw new InvalidOperationException($"optimizer state '{key}' is not a tensor");
}
