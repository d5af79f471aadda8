using Flint.Autograd;
using Flint.Kernels.Cpu;

namespace Flint.Ops;

/// <summary>
/// aten::native_layer_norm(input, normalized_shape, weight?, bias?, eps) → (y, mean, rstd): one fused kernel instead
/// of the mean/var/sub/rsqrt/mul/add composite. mean and rstd keep the leading dims with the normalized dims as size 1
/// (as PyTorch returns them) and carry no gradient. float32/float64; bfloat16 computes in float32 (as PyTorch 1.13's
/// CPU kernel does); float16 and integers are rejected with PyTorch's message.
/// </summary>
public sealed class NativeLayerNormOp(int[] normalizedShape, double eps) : Op
{
    public int[] NormalizedShape { get; } = normalizedShape;
    public double Eps { get; } = eps;

    public override string Name => "native_layer_norm";
    public override Graphs.SchemaCall? Bind(Tensor?[] x) => Graphs.OpRegistry.Call("aten::native_layer_norm", x[0], NormalizedShape, x.Length > 1 ? x[1] : null,
        x.Length > 2 ? x[2] : null, Eps);
    public override OpKind Kind => OpKind.Composite;
    public override string FormatAttributes() => $"normalized_shape={ShapeUtil.Format(NormalizedShape)}, eps={PyFormat.Float(Eps)}";
    public override bool IsOutputDifferentiable(Tensor output, int index) => index == 0 && output.DType.IsFloatingPoint();

    private static Tensor? Opt(Tensor?[] x, int i) => x.Length > i ? x[i] : null;

    /// <summary>PyTorch's checks (_check_layer_norm_inputs, then the kernel's dtype dispatch); returns the stats' sizes.</summary>
    internal int[] Check(Tensor x, Tensor? w, Tensor? b)
    {
        var ns = NormalizedShape;
        int k = ns.Length;
        if (k < 1)
            throw new ArgumentException($"Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one element, but got normalized_shape = {ShapeUtil.Format(ns)}");
        if (w is not null && !w._sizes.AsSpan().SequenceEqual(ns))
            throw new ArgumentException($"Expected weight to be of same shape as normalized_shape, but got weight of shape {ShapeUtil.Format(w._sizes)} and normalized_shape = {ShapeUtil.Format(ns)}");
        if (b is not null && !b._sizes.AsSpan().SequenceEqual(ns))
            throw new ArgumentException($"Expected bias to be of same shape as normalized_shape, but got bias of shape {ShapeUtil.Format(b._sizes)} and normalized_shape = {ShapeUtil.Format(ns)}");
        bool ok = x.Dim >= k;
        for (int i = 0; ok && i < k; i++) ok = x._sizes[x.Dim - k + i] == ns[i];
        if (!ok)
            throw new ArgumentException($"Given normalized_shape={ShapeUtil.Format(ns)}, expected input with shape [*, {string.Join(", ", ns)}], but got input of size{ShapeUtil.Format(x._sizes)}");
        if (x.DType is not (DType.Float32 or DType.Float64 or DType.BFloat16))
            throw new InvalidOperationException($"\"LayerNormKernelImpl\" not implemented for '{Tensor.CastName(x.DType)}'");
        foreach (var p in (ReadOnlySpan<Tensor?>)[w, b])
            if (p is not null && p.DType != x.DType)
                throw new ArgumentException($"expected scalar type {Tensor.CastName(x.DType)} but found {Tensor.CastName(p.DType)}");
        var stat = (int[])x._sizes.Clone();
        for (int i = x.Dim - k; i < x.Dim; i++) stat[i] = 1;
        return stat;
    }

    public override TensorMeta[] Meta(Tensor[] x)
    {
        var stat = Check(x[0], Opt(x, 1), Opt(x, 2));
        return [TensorMeta.Like(x[0]), new(stat, x[0].DType), new(stat, x[0].DType)];
    }

    public override unsafe Tensor[] Forward(Tensor[] inputs)
    {
        var x = inputs[0]; var w = Opt(inputs, 1); var b = Opt(inputs, 2);
        var stat = Check(x, w, b);
        var rt = x.DType;
        var ct = rt == DType.Float64 ? DType.Float64 : DType.Float32;
        int n = ShapeUtil.Numel(NormalizedShape);
        int m = ShapeUtil.Numel(stat); // the number of rows: the leading dims' product
        var xc = x.ContiguousRaw().CastRaw(ct);
        var wc = w?.ContiguousRaw().CastRaw(ct); var bc = b?.ContiguousRaw().CastRaw(ct);
        var y = Tensor.Empty(x._sizes, ct);
        var mean = Tensor.Empty(stat, ct); var rstd = Tensor.Empty(stat, ct);
        if (ct == DType.Float32)
            fixed (float* px = xc.RawSpan<float>(), pw = wc is null ? default : wc.RawSpan<float>(), pb = bc is null ? default : bc.RawSpan<float>(),
                   py = y.RawSpan<float>(), pm = mean.RawSpan<float>(), pr = rstd.RawSpan<float>())
                LayerNormKernels.Forward(px, wc is null ? null : pw, bc is null ? null : pb, py, pm, pr, m, n, (float)Eps);
        else
            fixed (double* px = xc.RawSpan<double>(), pw = wc is null ? default : wc.RawSpan<double>(), pb = bc is null ? default : bc.RawSpan<double>(),
                   py = y.RawSpan<double>(), pm = mean.RawSpan<double>(), pr = rstd.RawSpan<double>())
                LayerNormKernels.Forward(px, wc is null ? null : pw, bc is null ? null : pb, py, pm, pr, m, n, Eps);
        return [y.CastRaw(rt), mean.CastRaw(rt), rstd.CastRaw(rt)];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var g = ctx.Grad(0);
        var x = ctx.Input(0);
        Tensor? w = ctx.InputCount > 1 ? ctx.InputOrNull(1) : null;
        bool needX = ctx.NeedsInputGrad(0);
        bool needW = ctx.InputCount > 1 && ctx.NeedsInputGrad(1), needB = ctx.InputCount > 2 && ctx.NeedsInputGrad(2);
        if (GradMode.IsEnabled) return CompositeBackward(g, x, w, needX, needW, needB);
        // No graph is being built (create_graph=false): one fused kernel for all three gradients.
        var r = Dispatcher.Call(new NativeLayerNormBackwardOp(NormalizedShape, needW || needB),
            [g, x, ctx.Output(1), ctx.Output(2), w]);
        return [needX ? r[0] : null, needW ? r[1] : null, needB ? r[2] : null];
    }

    /// <summary>
    /// The same gradients written with differentiable tensor ops (for create_graph=true / double backward). mean and
    /// rstd are recomputed from the input, not taken from the outputs: the outputs carry no gradient, so using them
    /// would drop their dependence on x from the second derivative.
    /// </summary>
    private Tensor?[] CompositeBackward(Tensor g, Tensor x, Tensor? w, bool needX, bool needW, bool needB)
    {
        int k = NormalizedShape.Length, lead = x.Dim - k;
        var dims = new int[k];
        for (int i = 0; i < k; i++) dims[i] = lead + i;
        var leadDims = new int[lead];
        for (int i = 0; i < lead; i++) leadDims[i] = i;
        var mean = x.Mean(dims, keepdim: true);
        var rstd = (x.Var(dims, correction: 0, keepdim: true) + Eps).Rsqrt();
        var xhat = (x - mean) * rstd;
        Tensor? dx = null, dw = null, db = null;
        if (needX)
        {
            var gw = w is null ? g : g * w;
            dx = rstd * (gw - gw.Mean(dims, keepdim: true) - xhat * (gw * xhat).Mean(dims, keepdim: true));
        }
        if (needW) dw = lead == 0 ? g * xhat : (g * xhat).Sum(leadDims);
        if (needB) db = lead == 0 ? g : g.Sum(leadDims);
        return [dx, dw, db];
    }
}

/// <summary>
/// aten::native_layer_norm_backward(grad_out, input, mean, rstd, weight?) → (grad_input[, grad_weight, grad_bias]):
/// the fused kernel, used when backward builds no graph. Not differentiable itself: double backward goes through
/// <see cref="NativeLayerNormOp"/>'s composite formula instead.
/// </summary>
public sealed class NativeLayerNormBackwardOp(int[] normalizedShape, bool paramGrads) : Op
{
    public override string Name => "native_layer_norm_backward";
    public override Graphs.SchemaCall? Bind(Tensor?[] x) => Graphs.OpRegistry.Call("flint::native_layer_norm_backward", x[0], x[1], x[2], x[3], x.Length > 4 ? x[4] : null,
        normalizedShape, paramGrads);
    /// <summary>The trailing dims that were normalized.</summary>
    public int[] NormalizedShape => normalizedShape;
    /// <summary>Whether the weight and bias gradients are outputs too (output_mask's last two entries).</summary>
    public bool ParamGrads => paramGrads;
    public override OpKind Kind => OpKind.Composite;
    public override bool Differentiable => false;
    public override string FormatAttributes() => $"normalized_shape={ShapeUtil.Format(normalizedShape)}, output_mask=[True, {(paramGrads ? "True, True" : "False, False")}]";

    public override TensorMeta[] Meta(Tensor[] x)
        => paramGrads ? [TensorMeta.Like(x[1]), new(normalizedShape, x[1].DType), new(normalizedShape, x[1].DType)] : [TensorMeta.Like(x[1])];

    public override unsafe Tensor[] Forward(Tensor[] inputs)
    {
        var x = inputs[1]; Tensor? w = inputs.Length > 4 ? inputs[4] : null;
        var rt = x.DType;
        var ct = rt == DType.Float64 ? DType.Float64 : DType.Float32;
        int n = ShapeUtil.Numel(normalizedShape);
        int m = ShapeUtil.Numel(inputs[2]._sizes);
        var gc = inputs[0].ContiguousRaw().CastRaw(ct); var xc = x.ContiguousRaw().CastRaw(ct);
        var mc = inputs[2].ContiguousRaw().CastRaw(ct); var rc = inputs[3].ContiguousRaw().CastRaw(ct);
        var wc = w?.ContiguousRaw().CastRaw(ct);
        var dx = Tensor.Empty(x._sizes, ct);
        var dw = paramGrads ? Tensor.Empty(normalizedShape, ct) : null;
        var db = paramGrads ? Tensor.Empty(normalizedShape, ct) : null;
        if (ct == DType.Float32)
            fixed (float* pg = gc.RawSpan<float>(), px = xc.RawSpan<float>(), pm = mc.RawSpan<float>(), pr = rc.RawSpan<float>(),
                   pw = wc is null ? default : wc.RawSpan<float>(), pdx = dx.RawSpan<float>(),
                   pdw = dw is null ? default : dw.RawSpan<float>(), pdb = db is null ? default : db.RawSpan<float>())
                LayerNormKernels.Backward(pg, px, pm, pr, wc is null ? null : pw, pdx, dw is null ? null : pdw, db is null ? null : pdb, m, n);
        else
            fixed (double* pg = gc.RawSpan<double>(), px = xc.RawSpan<double>(), pm = mc.RawSpan<double>(), pr = rc.RawSpan<double>(),
                   pw = wc is null ? default : wc.RawSpan<double>(), pdx = dx.RawSpan<double>(),
                   pdw = dw is null ? default : dw.RawSpan<double>(), pdb = db is null ? default : db.RawSpan<double>())
                LayerNormKernels.Backward(pg, px, pm, pr, wc is null ? null : pw, pdx, dw is null ? null : pdw, db is null ? null : pdb, m, n);
        return paramGrads ? [dx.CastRaw(rt), dw!.CastRaw(rt), db!.CastRaw(rt)] : [dx.CastRaw(rt)];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
        => throw new InvalidOperationException("native_layer_norm_backward is not differentiable; run backward with create_graph=True to differentiate layer norm twice");
}
