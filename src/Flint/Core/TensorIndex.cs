namespace Flint;

/// <summary>
/// One entry of an indexing expression, as in Python's x[...]: an integer (x[0], x[^1]), a slice (x[1..3],
/// x[..], <see cref="Slice"/> with a step), <see cref="None"/> (a new axis), <see cref="Ellipsis"/>, or an integer /
/// boolean tensor (advanced indexing). C# ints, Indexes, Ranges and Tensors convert implicitly.
/// </summary>
public readonly struct TensorIndex
{
    public enum Kind : byte { Integer, Slice, None, Ellipsis, Tensor, Boolean }

    public Kind Type { get; }
    public long Value { get; }
    public long? Start { get; }
    public long? Stop { get; }
    public long Step { get; }
    public Tensor? Tensor { get; }

    private TensorIndex(Kind kind, long value = 0, long? start = null, long? stop = null, long step = 1, Tensor? tensor = null)
    { Type = kind; Value = value; Start = start; Stop = stop; Step = step; Tensor = tensor; }

    /// <summary>A new axis of size 1 (Python's None).</summary>
    public static readonly TensorIndex None = new(Kind.None);
    /// <summary>As many full slices as needed (Python's ...).</summary>
    public static readonly TensorIndex Ellipsis = new(Kind.Ellipsis);
    /// <summary>The whole dim (Python's :).</summary>
    public static readonly TensorIndex Colon = new(Kind.Slice);

    /// <summary>Python's start:stop:step (null bounds are open; negative bounds count from the end).</summary>
    public static TensorIndex Slice(long? start = null, long? stop = null, long step = 1)
    {
        if (step == 0) throw new ArgumentException("slice step cannot be zero");
        if (step < 0) throw new ArgumentException("step must be greater than zero");
        return new(Kind.Slice, 0, start, stop, step);
    }

    public static TensorIndex Single(long i) => new(Kind.Integer, i);
    public static TensorIndex Bool(bool b) => new(Kind.Boolean, b ? 1 : 0);

    public static implicit operator TensorIndex(int i) => new(Kind.Integer, i);
    public static implicit operator TensorIndex(long i) => new(Kind.Integer, i);
    public static implicit operator TensorIndex(bool b) => Bool(b);
    public static implicit operator TensorIndex(Index i) => new(Kind.Integer, i.IsFromEnd ? -(long)i.Value : i.Value);
    public static implicit operator TensorIndex(Range r)
    {
        long? Bound(Index i, bool isStart) => i.IsFromEnd ? (i.Value == 0 ? (isStart ? long.MaxValue / 2 : null) : -(long)i.Value) : i.Value;
        return new(Kind.Slice, 0, Bound(r.Start, true), Bound(r.End, false), 1);
    }
    public static implicit operator TensorIndex(Tensor t) => new(Kind.Tensor, tensor: t);
    /// <summary>A list of indices (Python's x[[0, 2, 2]]): an int64 index tensor.</summary>
    public static implicit operator TensorIndex(long[] list) => new(Kind.Tensor, tensor: Torch.Tensor((long[])list.Clone()));
    public static implicit operator TensorIndex(int[] list) => new(Kind.Tensor, tensor: Torch.Tensor(Array.ConvertAll(list, v => (long)v)));

    /// <summary>How many dims of the indexed tensor this entry consumes.</summary>
    internal int Consumes => Type switch
    {
        Kind.Integer or Kind.Slice => 1,
        Kind.Tensor => Tensor!.DType == DType.Bool || Tensor.DType == DType.UInt8 ? Math.Max(Tensor.Dim, 0) : 1,
        _ => 0,
    };

    public override string ToString() => Type switch
    {
        Kind.Integer => Value.ToString(),
        Kind.Slice => $"{Start}:{Stop}" + (Step != 1 ? $":{Step}" : ""),
        Kind.None => "None",
        Kind.Ellipsis => "...",
        Kind.Boolean => Value != 0 ? "True" : "False",
        _ => "Tensor",
    };
}

public static partial class Torch
{
    /// <summary>Python's start:stop:step inside an index: x[Torch.Slice(0, 10, 2), ..].</summary>
    public static TensorIndex Slice(long? start = null, long? stop = null, long step = 1) => TensorIndex.Slice(start, stop, step);
    /// <summary>A new axis inside an index (Python's None).</summary>
    public static TensorIndex NewAxis => TensorIndex.None;
    /// <summary>Python's ... inside an index.</summary>
    public static TensorIndex Ellipsis => TensorIndex.Ellipsis;
}
