using System.Text;
using Flint.Serialization;

namespace Flint.NN;

/// <summary>The result of LoadStateDict: keys the model has but the dict lacked, and keys the dict had in excess.</summary>
public sealed record IncompatibleKeys(List<string> MissingKeys, List<string> UnexpectedKeys)
{
    public override string ToString()
        => MissingKeys.Count == 0 && UnexpectedKeys.Count == 0 ? "<All keys matched successfully>"
            : $"_IncompatibleKeys(missing_keys=[{string.Join(", ", MissingKeys.Select(k => $"'{k}'"))}], unexpected_keys=[{string.Join(", ", UnexpectedKeys.Select(k => $"'{k}'"))}])";
}

public abstract partial class Module
{
    /// <summary>
    /// Every parameter and persistent buffer by dotted name, in PyTorch's order (a module's parameters, then its
    /// buffers, then each child's entries). The values are detached tensors sharing the module's data. The result is
    /// an <see cref="OrderedDict"/> (a collections.OrderedDict when saved), the one dict type that optimizers'
    /// state dicts and Torch.Load return too: <c>sd.Get&lt;Tensor&gt;("fc.weight")</c> reads an entry typed.
    /// </summary>
    public OrderedDict StateDict(string prefix = "", bool keepVars = false)
    {
        var d = new OrderedDict();
        SaveToStateDict(d, prefix, keepVars, new HashSet<Module>(ReferenceEqualityComparer.Instance));
        return d;
    }

    private void SaveToStateDict(OrderedDict d, string prefix, bool keepVars, HashSet<Module> memo)
    {
        foreach (var kv in LocalParameters()) d[prefix + kv.Key] = keepVars ? kv.Value : kv.Value.Detach();
        foreach (var (n, b, persistent) in LocalBuffers())
            if (persistent) d[prefix + n] = keepVars ? b : b.Detach();
        foreach (var kv in LocalModules()) kv.Value.SaveToStateDict(d, prefix + kv.Key + ".", keepVars, memo);
    }

    /// <summary>
    /// Copies parameters and buffers from a state dict (under no-grad, into the existing tensors). With strict, any
    /// missing or unexpected key is an error; a shape mismatch is always one. The error lists every problem, worded
    /// as PyTorch's.
    /// </summary>
    public IncompatibleKeys LoadStateDict(IEnumerable<KeyValuePair<string, Tensor>> stateDict, bool strict = true)
    {
        var sd = new OrderedDictionary<string, Tensor>();
        foreach (var kv in stateDict) sd[kv.Key] = kv.Value;
        return LoadStateDictTyped(sd, strict);
    }

    /// <summary>
    /// Loads a state dict as <see cref="StateDict"/> or Torch.Load returns it. Every key must be a string and every
    /// value a tensor: anything else is an <see cref="InvalidOperationException"/> naming the entry, before any
    /// parameter is changed.
    /// </summary>
    public IncompatibleKeys LoadStateDict(OrderedDict stateDict, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        var sd = new OrderedDictionary<string, Tensor>();
        foreach (var (k, v) in stateDict)
        {
            if (k is not string key)
                throw new InvalidOperationException($"Error(s) in loading state_dict for {GetName()}: key {OrderedDict.Repr(k)} is not a string.");
            if (v is not Tensor t)
                throw new InvalidOperationException($"Error(s) in loading state_dict for {GetName()}: while copying the parameter named \"{key}\", expected torch.Tensor or Tensor-like object from checkpoint but received {Unpickler.TypeName(v)}.");
            sd[key] = t;
        }
        return LoadStateDictTyped(sd, strict);
    }

    private IncompatibleKeys LoadStateDictTyped(OrderedDictionary<string, Tensor> sd, bool strict)
    {
        var missing = new List<string>();
        var unexpected = new List<string>();
        var errors = new List<string>();
        using (Torch.NoGrad()) LoadRecursive(sd, "", missing, unexpected, errors, new HashSet<Module>(ReferenceEqualityComparer.Instance));
        if (strict)
        {
            if (unexpected.Count > 0) errors.Insert(0, $"Unexpected key(s) in state_dict: {string.Join(", ", unexpected.Select(k => $"\"{k}\""))}. ");
            if (missing.Count > 0) errors.Insert(0, $"Missing key(s) in state_dict: {string.Join(", ", missing.Select(k => $"\"{k}\""))}. ");
        }
        if (errors.Count > 0)
            throw new InvalidOperationException($"Error(s) in loading state_dict for {GetName()}:\n\t{string.Join("\n\t", errors)}");
        return new IncompatibleKeys(missing, unexpected);
    }

    private void LoadRecursive(OrderedDictionary<string, Tensor> sd, string prefix, List<string> missing, List<string> unexpected, List<string> errors, HashSet<Module> memo)
    {
        if (!memo.Add(this)) return;
        LoadFromStateDict(sd, prefix, missing, unexpected, errors);
        foreach (var kv in LocalModules()) kv.Value.LoadRecursive(sd, prefix + kv.Key + ".", missing, unexpected, errors, memo);
    }

    /// <summary>Hook for layers whose older checkpoints lack an entry (BatchNorm fills num_batches_tracked).</summary>
    protected virtual void PrepareStateDict(OrderedDictionary<string, Tensor> stateDict, string prefix) { }

    private void LoadFromStateDict(OrderedDictionary<string, Tensor> sd, string prefix, List<string> missing, List<string> unexpected, List<string> errors)
    {
        PrepareStateDict(sd, prefix);
        var local = new List<(string Name, Tensor T)>();
        foreach (var kv in LocalParameters()) local.Add((kv.Key, kv.Value));
        foreach (var (n, b, persistent) in LocalBuffers()) if (persistent) local.Add((n, b));
        foreach (var (name, param) in local)
        {
            var key = prefix + name;
            if (!sd.TryGetValue(key, out var input)) { missing.Add(key); continue; }
            if (!ShapeUtil.SameShape(input._sizes, param._sizes))
            {
                errors.Add($"size mismatch for {key}: copying a param with shape {SizeRepr(input._sizes)} from checkpoint, the shape in current model is {SizeRepr(param._sizes)}.");
                continue;
            }
            try { param.CopyFromRaw(input); }
            catch (Exception e)
            {
                errors.Add($"While copying the parameter named \"{key}\", whose dimensions in the model are {SizeRepr(param._sizes)} and whose dimensions in the checkpoint are {SizeRepr(input._sizes)}, an exception occurred : ({e.Message}).");
            }
        }
        foreach (var key in sd.Keys)
        {
            if (!key.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var rest = key.Substring(prefix.Length);
            int dot = rest.IndexOf('.');
            var first = dot < 0 ? rest : rest.Substring(0, dot);
            bool isChild = false;
            foreach (var kv in LocalModules()) if (kv.Key == first) { isChild = true; break; }
            if (!isChild && !HasLocalTensorName(first)) unexpected.Add(key);
        }
    }

    internal static string SizeRepr(int[] sizes) => "torch.Size([" + string.Join(", ", sizes) + "])";
}
