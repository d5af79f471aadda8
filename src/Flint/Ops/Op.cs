using System.Text;
using Flint.Autograd;

namespace Flint.Ops;

/// <summary>
/// One op, declared in one place (PyTorch's native_functions.yaml + derivatives.yaml entry): its aten name, its
/// attributes (the non-tensor arguments, as fields of the instance), its output metadata (<see cref="Meta"/>), its
/// eager computation (<see cref="Forward"/>, which calls the kernels), and its derivative (<see cref="Backward"/>,
/// written with other tensor ops so that backward graphs can themselves be differentiated and traced).
/// Every call goes through <see cref="Dispatcher.Call"/>; ops without attributes use one shared instance.
/// </summary>
public abstract class Op
{
    /// <summary>The aten name: "add", "addmm", "log_softmax" …</summary>
    public abstract string Name { get; }

    /// <summary>What the op is to the compiler: a primitive of some kind, or a composite with a decomposition.</summary>
    public abstract OpKind Kind { get; }

    /// <summary>Whether a code generator lowers this op directly (every kind but <see cref="OpKind.Composite"/>).</summary>
    public bool IsPrimitive => Kind != OpKind.Composite;

    /// <summary>False for ops with no derivative (comparisons, argmax …): their outputs never require grad.</summary>
    public virtual bool Differentiable => true;

    /// <summary>True for ops that write into inputs[0] and return it (add_, copy_ …).</summary>
    public virtual bool InPlace => false;

    /// <summary>True for ops whose output is a view of inputs[0] (view, transpose, select …).</summary>
    public virtual bool IsView => false;

    /// <summary>Whether an output gets a grad_fn: floating outputs do; integer ones (indices) never.</summary>
    public virtual bool IsOutputDifferentiable(Tensor output, int index) => output.DType.IsFloatingPoint();

    /// <summary>The outputs' shapes and dtypes, from the inputs' metadata alone (no compute).</summary>
    public abstract TensorMeta[] Meta(Tensor[] inputs);

    /// <summary>Computes the outputs eagerly. Runs with autograd recording off: the dispatcher records the op.</summary>
    public abstract Tensor[] Forward(Tensor[] inputs);

    /// <summary>The gradients of the inputs (null where none is needed), from ctx.Grad(i) and the saved values.</summary>
    public abstract Tensor?[] Backward(BackwardContext ctx);

    /// <summary>PyTorch's grad_fn name: the aten name in CamelCase + "Backward0".</summary>
    public virtual string BackwardName => CamelCase(Name) + "Backward0";

    /// <summary>The non-tensor arguments, as the graph printer shows them (e.g. "dim=1, keepdim=False").</summary>
    public virtual string FormatAttributes() => "";

    /// <summary>
    /// This call as a schema invocation (<c>aten::add.Tensor(self, other, alpha)</c>): the schema's qualified name
    /// and every argument in schema order, tensors from <paramref name="inputs"/> and the rest from this op's
    /// attributes, via <see cref="Graphs.OpRegistry.Call"/>. Null (the default) suits ops without attributes whose
    /// tensor inputs are the leading arguments of aten::&lt;Name&gt;. Tracing records nodes through it.
    /// </summary>
    public virtual Graphs.SchemaCall? Bind(Tensor?[] inputs) => null;

    public override string ToString()
    {
        var a = FormatAttributes();
        return a.Length == 0 ? "aten::" + Name : $"aten::{Name}({a})";
    }

    internal static string CamelCase(string name)
    {
        var sb = new StringBuilder(name.Length);
        bool up = true;
        foreach (var c in name)
        {
            if (c == '_') { up = true; continue; }
            sb.Append(up ? char.ToUpperInvariant(c) : c);
            up = false;
        }
        return sb.ToString();
    }
}

/// <summary>Output metadata of an op: what tracing and compilation need without running it.</summary>
public readonly record struct TensorMeta(int[] Sizes, DType DType)
{
    public static TensorMeta Like(Tensor t) => new(t._sizes, t.DType);
}
