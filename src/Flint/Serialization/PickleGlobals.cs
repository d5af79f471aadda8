namespace Flint.Serialization;

/// <summary>What an allowed pickle global stands for. Anything not listed here is rejected when it is named.</summary>
internal enum GlobalKind
{
    RebuildTensorV2, RebuildTensor, RebuildParameter, RebuildParameterWithState, RebuildFromTypeV2,
    OrderedDict, StorageType, DTypeValue, TorchSize, TensorType, ParameterType, Device, CodecsEncode, Set, FrozenSet, Bytes,
    /// <summary>A TorchScript class (__torch__.…) named in an archive's data.pkl: NEWOBJ makes a data record of it.</summary>
    ScriptClass,
    /// <summary>torch.jit._pickle.build_intlist and friends (typed lists in an archive): the list itself.</summary>
    JitTypedList,
    /// <summary>torch.jit._pickle.restore_type_tag(value, type): the value.</summary>
    JitRestoreTypeTag,
}

/// <summary>A resolved, allowed global: a token on the VM's stack. It names a C# function Flint chose, never a Python one.</summary>
internal sealed class PyGlobal(string module, string name, GlobalKind kind, DType dtype = default)
{
    public string Module { get; } = module;
    public string Name { get; } = name;
    public GlobalKind Kind { get; } = kind;
    /// <summary>For storage classes and dtype values.</summary>
    public DType DType { get; } = dtype;
    public string FullName => Module + "." + Name;
    public override string ToString() => FullName;
}

/// <summary>
/// The allow-list, mirroring what torch.load(weights_only=True) accepts: tensor and parameter rebuild functions,
/// typed storage classes, dtypes, torch.Size, torch.device, collections.OrderedDict, sets, and _codecs.encode (how
/// protocol 2 spells a bytes object).
/// </summary>
internal static class PickleGlobals
{
    public static PyGlobal? Resolve(string module, string name)
    {
        switch (module)
        {
            case "torch._utils":
                return name switch
                {
                    "_rebuild_tensor_v2" => new(module, name, GlobalKind.RebuildTensorV2),
                    "_rebuild_tensor" => new(module, name, GlobalKind.RebuildTensor),
                    "_rebuild_parameter" => new(module, name, GlobalKind.RebuildParameter),
                    "_rebuild_parameter_with_state" => new(module, name, GlobalKind.RebuildParameterWithState),
                    _ => null,
                };
            case "torch._tensor":
                return name == "_rebuild_from_type_v2" ? new(module, name, GlobalKind.RebuildFromTypeV2)
                    : name == "Tensor" ? new(module, name, GlobalKind.TensorType) : null;
            case "torch.nn.parameter":
                return name == "Parameter" ? new(module, name, GlobalKind.ParameterType) : null;
            case "torch.jit._pickle":
                return name switch
                {
                    "build_intlist" or "build_doublelist" or "build_boollist" or "build_tensorlist"
                        => new(module, name, GlobalKind.JitTypedList),
                    "restore_type_tag" => new(module, name, GlobalKind.JitRestoreTypeTag),
                    _ => null,
                };
            case "collections":
                return name == "OrderedDict" ? new(module, name, GlobalKind.OrderedDict) : null;
            case "_codecs":
                return name == "encode" ? new(module, name, GlobalKind.CodecsEncode) : null;
            case "builtins" or "__builtin__":
                return name switch
                {
                    "set" => new(module, name, GlobalKind.Set),
                    "frozenset" => new(module, name, GlobalKind.FrozenSet),
                    "bytes" => new(module, name, GlobalKind.Bytes),
                    _ => null,
                };
            case "torch":
                if (StorageTypes.FromStorageName(name) is DType st) return new(module, name, GlobalKind.StorageType, st);
                if (StorageTypes.FromDTypeName(name) is DType dt) return new(module, name, GlobalKind.DTypeValue, dt);
                return name switch
                {
                    "Size" => new(module, name, GlobalKind.TorchSize),
                    "Tensor" => new(module, name, GlobalKind.TensorType),
                    "device" => new(module, name, GlobalKind.Device),
                    _ => null,
                };
            default:
                return null;
        }
    }
}
