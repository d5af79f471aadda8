using Flint.Ops;

namespace Flint;

// torch.matmul & co. as functions; the tensor methods (Tensor.Linalg.cs) hold the logic.
public static partial class Torch
{
    public static Tensor Matmul(Tensor input, Tensor other) => input.Matmul(other);
    public static Tensor Mm(Tensor input, Tensor mat2) => input.Mm(mat2);
    public static Tensor Bmm(Tensor input, Tensor mat2) => input.Bmm(mat2);
    public static Tensor Mv(Tensor input, Tensor vec) => input.Mv(vec);
    public static Tensor Dot(Tensor input, Tensor other) => input.Dot(other);
    public static Tensor Vdot(Tensor input, Tensor other) => input.Vdot(other);
    public static Tensor Outer(Tensor input, Tensor vec2) => input.Outer(vec2);
    public static Tensor Ger(Tensor input, Tensor vec2) => input.Outer(vec2);
    public static Tensor Trace(Tensor input) => input.Trace();

    public static Tensor Addmm(Tensor input, Tensor mat1, Tensor mat2, Scalar? beta = null, Scalar? alpha = null)
        => input.Addmm(mat1, mat2, beta, alpha);
    public static Tensor Baddbmm(Tensor input, Tensor batch1, Tensor batch2, Scalar? beta = null, Scalar? alpha = null)
        => input.Baddbmm(batch1, batch2, beta, alpha);
    public static Tensor Addmv(Tensor input, Tensor mat, Tensor vec, Scalar? beta = null, Scalar? alpha = null)
        => input.Addmv(mat, vec, beta, alpha);

    /// <summary>
    /// F.linear: input @ weight.T + bias, as PyTorch computes it: one addmm for 2-D input with a bias (and for
    /// contiguous 3-D input, viewed as 2-D), matmul (+ bias) otherwise. weight.T is a view: no copy.
    /// </summary>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null)
    {
        // A mode (tracing) sees aten::linear as one call; eager code goes straight to the decomposition.
        if (Dispatcher.ModeActive) return Dispatcher.CallComposite(LinearOp.Instance, bias is null ? [input, weight] : [input, weight, bias])[0];
        return LinearDecomposed(input, weight, bias);
    }

    /// <summary>linear computed from addmm / matmul (what aten::linear runs).</summary>
    internal static Tensor LinearDecomposed(Tensor input, Tensor weight, Tensor? bias)
    {
        if (input.Dim == 2 && bias is not null) return bias.Addmm(input, weight.t());
        if (bias is not null && input.Dim == 3 && input.IsContiguous())
        {
            var s = input.Shape;
            var r = bias.Addmm(input.View(s[0] * s[1], s[2]), weight.t());
            return r.View(s[0], s[1], r.Size(1));
        }
        var output = input.Matmul(weight.t());
        return bias is null ? output : output + bias;
    }

    /// <summary>torch.einsum: Einstein summation over the operands (see Ops/Linalg/Einsum.cs).</summary>
    public static Tensor Einsum(string equation, params Tensor[] operands) => Ops.Einsum.Run(equation, operands);

    /// <summary>torch.tensordot with dims = n: contracts the last n dims of a with the first n of b.</summary>
    public static Tensor Tensordot(Tensor a, Tensor b, int dims = 2)
    {
        if (dims < 0) throw new ArgumentException($"tensordot expects dims >= 0, but got dims={dims}");
        var da = new long[dims]; var db = new long[dims];
        for (int i = 0; i < dims; i++) { da[i] = i - dims; db[i] = i; }
        return Tensordot(a, b, da, db);
    }

    /// <summary>torch.tensordot with explicit dim lists: contracts a's dimsA[i] with b's dimsB[i] (one mm).</summary>
    public static Tensor Tensordot(Tensor a, Tensor b, long[] dimsA, long[] dimsB)
    {
        if (dimsA.Length != dimsB.Length) throw new ArgumentException("both dimension lists should have same length");
        long csize = 1;
        Tensor t1 = a, t2 = b;
        var c1 = new bool[a.Dim]; var c2 = new bool[b.Dim];
        var w1 = new long[dimsA.Length]; var w2 = new long[dimsB.Length];
        for (int i = 0; i < dimsA.Length; i++)
        {
            int d1 = ShapeUtil.WrapDim(dimsA[i], a.Dim), d2 = ShapeUtil.WrapDim(dimsB[i], b.Dim);
            if (c1[d1]) throw new ArgumentException($"dim {d1} appears multiple times in the list of dims");
            if (c2[d2]) throw new ArgumentException($"dim {d2} appears multiple times in the list of dims");
            c1[d1] = true; c2[d2] = true; w1[i] = d1; w2[i] = d2;
            long s1 = a.Size(d1), s2 = b.Size(d2);
            if (s2 == 1) t1 = t1.Sum([d1], keepdim: true);      // broadcast dims sum right away
            else if (s1 == 1) t2 = t2.Sum([d2], keepdim: true);
            else if (s1 != s2)
                throw new ArgumentException($"contracted dimensions need to match, but first has size {s1} in dim {dimsA[i]} and second has size {s2} in dim {dimsB[i]}");
            else csize *= s1;
        }
        var p1 = new List<long>(); var p2 = new List<long>(); var rsizes = new List<long>();
        long size1 = 1, size2 = 1;
        for (int i = 0; i < a.Dim; i++) if (!c1[i]) { p1.Add(i); size1 *= t1.Size(i); rsizes.Add(t1.Size(i)); }
        p1.AddRange(w1);
        p2.AddRange(w2);
        for (int i = 0; i < b.Dim; i++) if (!c2[i]) { p2.Add(i); size2 *= t2.Size(i); rsizes.Add(t2.Size(i)); }
        var m1 = t1.Permute([.. p1]).Reshape(size1, csize);
        var m2 = t2.Permute([.. p2]).Reshape(csize, size2);
        return m1.Mm(m2).Reshape([.. rsizes]);
    }

    /// <summary>torch.kron: the Kronecker product (dims aligned from the right), as one broadcast multiply.</summary>
    public static Tensor Kron(Tensor a, Tensor b)
    {
        int nd = Math.Max(a.Dim, b.Dim), pa = nd - a.Dim, pb = nd - b.Dim;
        var ra = new long[2 * nd]; var rb = new long[2 * nd]; var rr = new int[nd];
        for (int i = 0; i < nd; i++)
        {
            ra[2 * i] = i >= pa ? a.Size(i - pa) : 1; ra[2 * i + 1] = 1;
            rb[2 * i] = 1; rb[2 * i + 1] = i >= pb ? b.Size(i - pb) : 1;
            rr[i] = (int)(ra[2 * i] * rb[2 * i + 1]);
        }
        var prod = a.Reshape(ra) * b.Reshape(rb);
        return Dispatcher.Call1(new Ops.UnsafeViewOp(rr), [prod]);
    }
}
