using Flint.Ops;

namespace Flint.Compiler.Capture;

/// <summary>Where an op's input came from in its segment: nothing, an earlier op's output, or a segment input.
/// </summary>
internal readonly record struct ArgRef(ArgKind Kind, int Index, int Output)
{
    public static readonly ArgRef None = new(ArgKind.None, 0, 0);
    public static ArgRef Produced(int op, int output) => new(ArgKind.Produced, op, output);
    public static ArgRef Input(int slot) => new(ArgKind.Input, slot, 0);
}

internal enum ArgKind { None, Produced, Input }

/// <summary>
/// One op call as capture saw it: the op (its attributes included), where each input came from, and the metadata
/// of each output. Replays match later calls against it; a call that differs is a different program.
/// </summary>
internal sealed class CapturedOp(Op op, ArgRef[] inputs, Tensor[] outputs, string? location)
{
    public readonly Op Op = op;
    public readonly string Attributes = op.FormatAttributes();
    public readonly ArgRef[] Inputs = inputs;
    public readonly DType[] OutputDTypes = outputs.Select(o => o.DType).ToArray();
    public readonly int[][] OutputSizes = outputs.Select(o => o._sizes).ToArray();
    public readonly int[][] OutputStrides = outputs.Select(o => o._strides).ToArray();
    public readonly bool[] OutputRequiresGrad = outputs.Select(o => o.RequiresGrad).ToArray();
    public readonly string? Location = location;

    /// <summary>Whether <paramref name="other"/> is the same op with the same attributes.</summary>
    public bool SameOp(Op other)
    {
        if (ReferenceEquals(other, Op)) return true;
        return other.GetType() == Op.GetType() && other.Name == Op.Name && other.FormatAttributes() == Attributes;
    }

    public override string ToString() => Attributes.Length == 0 ? "aten::" + Op.Name : $"aten::{Op.Name}({Attributes})";
}
