namespace Flint.Ops;

/// <summary>
/// aten::convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding, groups) for 1, 2
/// and 3 spatial dims: im2col + GEMM forward; backward is a transposed convolution for the input, a weight-gradient
/// GEMM for the weight, and a sum for the bias.
/// </summary>
public sealed class ConvolutionOp : Op
{
    public int[] Stride { get; }
    public int[] Padding { get; }
    public int[] Dilation { get; }
    public bool Transposed { get; }
    public int[] OutputPadding { get; }
    public int Groups { get; }

    public ConvolutionOp(int[] stride, int[] padding, int[] dilation, bool transposed, int[] outputPadding, int groups)
    {
        Stride = stride; Padding = padding; Dilation = dilation; Transposed = transposed; OutputPadding = outputPadding; Groups = groups;
    }

    public override string Name => "convolution";
    public override Graphs.SchemaCall? Bind(Tensor?[] x) => Graphs.OpRegistry.Call("aten::convolution", x[0], x[1], x.Length > 2 ? x[2] : null, Stride, Padding, Dilation,
        Transposed, OutputPadding, Groups);
    public override OpKind Kind => OpKind.Extern;
    public override string FormatAttributes()
        => $"stride={ShapeUtil.Format(Stride)}, padding={ShapeUtil.Format(Padding)}, dilation={ShapeUtil.Format(Dilation)}, transposed={(Transposed ? "True" : "False")}, output_padding={ShapeUtil.Format(OutputPadding)}, groups={Groups}";

    private int Spatial => Stride.Length;

    /// <summary>Output sizes, after checking the shapes with PyTorch's messages.</summary>
    public int[] OutputSizes(Tensor x, Tensor w)
    {
        int sd = Spatial;
        var name = $"conv{(Transposed ? "_transpose" : "")}{sd}d";
        if (x.Dim != sd + 2)
            throw new ArgumentException($"Expected {sd + 1}D (unbatched) or {sd + 2}D (batched) input to {name}, but got input of size: {ShapeUtil.Format(x._sizes)}");
        if (w.Dim != sd + 2)
            throw new ArgumentException($"weight should have at least three dimensions");
        int cin = x._sizes[1];
        var outSizes = new int[sd + 2];
        outSizes[0] = x._sizes[0];
        if (!Transposed)
        {
            if (w._sizes[1] * Groups != cin)
                throw new ArgumentException($"Given groups={Groups}, weight of size {ShapeUtil.Format(w._sizes)}, expected input{ShapeUtil.Format(x._sizes)} to have {w._sizes[1] * Groups} channels, but got {cin} channels instead");
            if (w._sizes[0] % Groups != 0)
                throw new ArgumentException($"Given groups={Groups}, expected weight to be divisible by {Groups} at dimension 0, but got weight of size {ShapeUtil.Format(w._sizes)} instead");
            outSizes[1] = w._sizes[0];
            for (int d = 0; d < sd; d++)
            {
                int padded = x._sizes[d + 2] + 2 * Padding[d];
                int k = Dilation[d] * (w._sizes[d + 2] - 1) + 1;
                if (padded < k)
                {
                    var pin = string.Join(" x ", Enumerable.Range(0, sd).Select(i => x._sizes[i + 2] + 2 * Padding[i]));
                    var ks = string.Join(" x ", Enumerable.Range(0, sd).Select(i => Dilation[i] * (w._sizes[i + 2] - 1) + 1));
                    throw new ArgumentException($"Calculated padded input size per channel: ({pin}). Kernel size: ({ks}). Kernel size can't be greater than actual input size");
                }
                outSizes[d + 2] = (padded - k) / Stride[d] + 1;
            }
        }
        else
        {
            if (w._sizes[0] != cin)
                throw new ArgumentException($"Given transposed=1, weight of size {ShapeUtil.Format(w._sizes)}, expected input{ShapeUtil.Format(x._sizes)} to have {w._sizes[0]} channels, but got {cin} channels instead");
            outSizes[1] = w._sizes[1] * Groups;
            for (int d = 0; d < sd; d++)
                outSizes[d + 2] = (x._sizes[d + 2] - 1) * Stride[d] - 2 * Padding[d] + Dilation[d] * (w._sizes[d + 2] - 1) + OutputPadding[d] + 1;
        }
        return outSizes;
    }

    public override TensorMeta[] Meta(Tensor[] x) => [new(OutputSizes(x[0]!, x[1]!), TypePromotion.ResultType(x[0]!, x[1]!))];

    public override Tensor[] Forward(Tensor[] inputs)
    {
        var x = inputs[0]!; var w = inputs[1]!; var b = inputs.Length > 2 ? inputs[2] : null;
        if (x.DType != w.DType)
            throw new ArgumentException($"Input type ({Tensor.CastName(x.DType)}Tensor) and weight type ({Tensor.CastName(w.DType)}Tensor) should be the same");
        var outSizes = OutputSizes(x, w);
        var rt = x.DType;
        var ct = rt == DType.Float64 ? DType.Float64 : DType.Float32;
        if (!rt.IsFloatingPoint()) throw new ArgumentException($"\"slow_conv2d_cpu\" not implemented for '{Tensor.CastName(rt)}'");
        var xc = x.CastRaw(ct).ContiguousRaw(); var wc = w.CastRaw(ct).ContiguousRaw(); var bc = b?.CastRaw(ct).ContiguousRaw();
        var y = Tensor.Empty(outSizes, ct);
        Run(xc, wc, bc, y);
        return [y.CastRaw(rt)];
    }

    private unsafe void Run(Tensor x, Tensor w, Tensor? b, Tensor y)
    {
        int sd = Spatial, n = x._sizes[0];
        var kernel = w._sizes.AsSpan(2);
        if (!Transposed)
        {
            var g = new ConvGeometry(x._sizes[1] / Groups, x._sizes.AsSpan(2), y._sizes.AsSpan(2), kernel, Stride, Padding, Dilation);
            int coutG = w._sizes[0] / Groups;
            if (x.DType == DType.Float32)
                fixed (float* px = x.RawSpan<float>(), pw = w.RawSpan<float>(), py = y.RawSpan<float>(), pb = b is null ? default : b.RawSpan<float>())
                    ConvKernels.Forward(px, pw, b is null ? null : pb, py, n, Groups, coutG, g);
            else
                fixed (double* px = x.RawSpan<double>(), pw = w.RawSpan<double>(), py = y.RawSpan<double>(), pb = b is null ? default : b.RawSpan<double>())
                    ConvKernels.Forward(px, pw, b is null ? null : pb, py, n, Groups, coutG, g);
        }
        else
        {
            int coutG = w._sizes[1], cinG = w._sizes[0] / Groups;
            var g = new ConvGeometry(coutG, y._sizes.AsSpan(2), x._sizes.AsSpan(2), kernel, Stride, Padding, Dilation);
            if (x.DType == DType.Float32)
                fixed (float* px = x.RawSpan<float>(), pw = w.RawSpan<float>(), py = y.RawSpan<float>(), pb = b is null ? default : b.RawSpan<float>())
                    ConvKernels.ForwardTransposed(px, pw, b is null ? null : pb, py, n, Groups, cinG, g);
            else
                fixed (double* px = x.RawSpan<double>(), pw = w.RawSpan<double>(), py = y.RawSpan<double>(), pb = b is null ? default : b.RawSpan<double>())
                    ConvKernels.ForwardTransposed(px, pw, b is null ? null : pb, py, n, Groups, cinG, g);
        }
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var gy = ctx.Grad();
        var x = ctx.Input(0); var w = ctx.Input(1);
        Tensor? gx = null, gw = null, gb = null;
        int sd = Spatial;
        if (ctx.NeedsInputGrad(0))
        {
            if (!Transposed)
            {
                // conv_transpose(gy, w) with output_padding making its size equal the input's
                var op = new int[sd];
                for (int d = 0; d < sd; d++)
                {
                    int expected = (gy._sizes[d + 2] - 1) * Stride[d] - 2 * Padding[d] + Dilation[d] * (w._sizes[d + 2] - 1) + 1;
                    op[d] = x._sizes[d + 2] - expected;
                }
                gx = Dispatcher.Call1(new ConvolutionOp(Stride, Padding, Dilation, true, op, Groups), [gy, w]);
            }
            else gx = Dispatcher.Call1(new ConvolutionOp(Stride, Padding, Dilation, false, new int[sd], Groups), [gy, w]);
        }
        if (ctx.NeedsInputGrad(1))
            gw = Dispatcher.Call1(new ConvWeightGradOp(Stride, Padding, Dilation, Transposed, Groups, w._sizes), [x, gy]);
        if (ctx.InputCount > 2 && ctx.NeedsInputGrad(2))
        {
            var dims = new int[sd + 1];
            dims[0] = 0;
            for (int d = 0; d < sd; d++) dims[d + 1] = d + 2;
            gb = gy.Sum(dims);
        }
        return [gx, gw, gb];
    }
}

/// <summary>The weight gradient of a convolution: Σₙ grad_out[n] @ im2col(x[n])ᵀ (roles swap for transposed).</summary>
public sealed class ConvWeightGradOp(int[] stride, int[] padding, int[] dilation, bool transposed, int groups, int[] weightSizes) : Op
{
    public override string Name => "convolution_backward_weight";
    public override Graphs.SchemaCall? Bind(Tensor?[] x) => Graphs.OpRegistry.Call("flint::convolution_backward_weight", x[0], x[1], stride, padding, dilation,
        transposed, groups, weightSizes);
    public override OpKind Kind => OpKind.Extern;
    public override bool Differentiable => false;
    public override TensorMeta[] Meta(Tensor[] x) => [new(weightSizes, x[0].DType)];

    public override unsafe Tensor[] Forward(Tensor[] inputs)
    {
        var rt = inputs[0].DType;
        var ct = rt == DType.Float64 ? DType.Float64 : DType.Float32;
        var x = inputs[0].CastRaw(ct).ContiguousRaw();
        var gy = inputs[1].CastRaw(ct).ContiguousRaw();
        var dw = Tensor.Empty(weightSizes, ct);
        int n = x._sizes[0];
        var kernel = weightSizes.AsSpan(2);
        // A is unrolled, B multiplies: normal conv A = x, B = gy; transposed A = gy, B = x.
        var (a, b) = transposed ? (gy, x) : (x, gy);
        int bRowsG = b._sizes[1] / groups;
        var g = transposed
            ? new ConvGeometry(gy._sizes[1] / groups, gy._sizes.AsSpan(2), x._sizes.AsSpan(2), kernel, stride, padding, dilation)
            : new ConvGeometry(x._sizes[1] / groups, x._sizes.AsSpan(2), gy._sizes.AsSpan(2), kernel, stride, padding, dilation);
        if (ct == DType.Float32)
            fixed (float* pa = a.RawSpan<float>(), pb = b.RawSpan<float>(), pw = dw.RawSpan<float>())
                ConvKernels.WeightGrad(pa, pb, pw, n, groups, bRowsG, g);
        else
            fixed (double* pa = a.RawSpan<double>(), pb = b.RawSpan<double>(), pw = dw.RawSpan<double>())
                ConvKernels.WeightGrad(pa, pb, pw, n, groups, bRowsG, g);
        return [dw.CastRaw(rt)];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
        => throw new InvalidOperationException("double backward through a convolution's weight gradient is not supported yet");
}
