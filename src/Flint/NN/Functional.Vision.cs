using System.Numerics;

namespace Flint.NN;

public static partial class Functional
{
    // ---------------- pixel shuffle ----------------

    /// <summary>F.pixel_shuffle: (*, C·r², H, W) → (*, C, H·r, W·r), a view + permute + reshape.</summary>
    public static Tensor PixelShuffle(Tensor input, int upscaleFactor)
    {
        if (input.Dim < 3) throw new ArgumentException($"pixel_shuffle expects input to have at least 3 dimensions, but got input with {input.Dim} dimension(s)");
        if (upscaleFactor <= 0) throw new ArgumentException($"pixel_shuffle expects a positive upscale_factor, but got {upscaleFactor}");
        int d = input.Dim; long r = upscaleFactor;
        long c = input.Size(d - 3), h = input.Size(d - 2), w = input.Size(d - 1);
        if (c % (r * r) != 0) throw new ArgumentException($"pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)={c} is not divisible by {r * r}");
        var batch = Batch(input, 3);
        long oc = c / (r * r);
        var v = input.Reshape([.. batch, oc, r, r, h, w]);
        int b = batch.Length;
        var perm = Perm(b, [0, 3, 1, 4, 2]); // (oc, h, r, w, r)
        return v.Permute(perm).Reshape([.. batch, oc, h * r, w * r]);
    }

    /// <summary>F.pixel_unshuffle: (*, C, H·r, W·r) → (*, C·r², H, W).</summary>
    public static Tensor PixelUnshuffle(Tensor input, int downscaleFactor)
    {
        if (input.Dim < 3) throw new ArgumentException($"pixel_unshuffle expects input to have at least 3 dimensions, but got input with {input.Dim} dimension(s)");
        if (downscaleFactor <= 0) throw new ArgumentException($"pixel_unshuffle expects a positive downscale_factor, but got {downscaleFactor}");
        int d = input.Dim; long r = downscaleFactor;
        long c = input.Size(d - 3), h = input.Size(d - 2), w = input.Size(d - 1);
        if (h % r != 0) throw new ArgumentException($"pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)={h} is not divisible by {r}");
        if (w % r != 0) throw new ArgumentException($"pixel_unshuffle expects width to be divisible by downscale_factor, but input.size(-1)={w} is not divisible by {r}");
        var batch = Batch(input, 3);
        var v = input.Reshape([.. batch, c, h / r, r, w / r, r]);
        var perm = Perm(batch.Length, [0, 2, 4, 1, 3]); // (c, r, r, h, w)
        return v.Permute(perm).Reshape([.. batch, c * r * r, h / r, w / r]);
    }

    static long[] Batch(Tensor x, int trailing)
    {
        var b = new long[x.Dim - trailing];
        for (int i = 0; i < b.Length; i++) b[i] = x.Size(i);
        return b;
    }

    static long[] Perm(int batch, int[] tail)
    {
        var p = new long[batch + tail.Length];
        for (int i = 0; i < batch; i++) p[i] = i;
        for (int i = 0; i < tail.Length; i++) p[batch + i] = batch + tail[i];
        return p;
    }

    // ---------------- unfold / fold ----------------

    /// <summary>F.unfold (im2col): (N, C, H, W) → (N, C·kh·kw, L); an unbatched (C, H, W) input gives (C·kh·kw, L).</summary>
    public static Tensor Unfold(Tensor input, Size kernelSize, Size? dilation = null, Size? padding = null, Size? stride = null)
    {
        if (input.Dim != 3 && input.Dim != 4)
            throw new ArgumentException($"Input Error: Only 3D or 4D input Tensors are supported (got {input.Dim}D)");
        var op = new Ops.Im2ColOp(Pair(kernelSize, "kernel_size"), Pair(dilation ?? 1, "dilation"), Pair(padding ?? 0, "padding"), Pair(stride ?? 1, "stride"));
        bool unbatched = input.Dim == 3;
        var y = Ops.Dispatcher.Call1(op, [unbatched ? input.Unsqueeze(0) : input]);
        return unbatched ? y.Squeeze(0) : y;
    }

    /// <summary>F.fold (col2im): (N, C·kh·kw, L) → (N, C, *output_size), summing overlapping values.</summary>
    public static Tensor Fold(Tensor input, Size outputSize, Size kernelSize, Size? dilation = null, Size? padding = null, Size? stride = null)
    {
        if (input.Dim != 2 && input.Dim != 3)
            throw new ArgumentException($"Input Error: Only unbatched (2D) or batched (3D) input Tensors are supported (got {input.Dim}D)");
        var op = new Ops.Col2ImOp(Pair(outputSize, "output_size"), Pair(kernelSize, "kernel_size"), Pair(dilation ?? 1, "dilation"), Pair(padding ?? 0, "padding"), Pair(stride ?? 1, "stride"));
        bool unbatched = input.Dim == 2;
        var y = Ops.Dispatcher.Call1(op, [unbatched ? input.Unsqueeze(0) : input]);
        return unbatched ? y.Squeeze(0) : y;
    }

    static int[] Pair(Size s, string name)
    {
        if (s.IsScalar) return [s.Values[0], s.Values[0]];
        if (s.Values.Length != 2) throw new ArgumentException($"{name} must be an int or a tuple of two ints");
        return [s.Values[0], s.Values[1]];
    }

    // ---------------- interpolate ----------------

    /// <summary>
    /// F.interpolate with PyTorch 1.13's index rules. Modes: nearest, linear (3-D), bilinear / bicubic (4-D),
    /// trilinear (5-D). The linear-family modes are separable, so each spatial dim is resampled by one small
    /// [out, in] interpolation matrix (a matmul, differentiable in the input); nearest is an index_select.
    /// </summary>
    public static Tensor Interpolate(Tensor input, long[]? size = null, double[]? scaleFactor = null, string mode = "nearest",
        bool? alignCorners = null, bool? recomputeScaleFactor = null)
    {
        int spatial = input.Dim - 2;
        if (spatial < 1 || spatial > 3)
            throw new ArgumentException($"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.Dim}D) for the modes: nearest | linear | bilinear | bicubic | trilinear (got {mode})");
        bool interp = mode is "linear" or "bilinear" or "bicubic" or "trilinear";
        if (!interp && mode != "nearest")
            throw new ArgumentException($"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.Dim}D) for the modes: nearest | linear | bilinear | bicubic | trilinear (got {mode})");
        if (!interp && alignCorners is not null)
            throw new ArgumentException("align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear");
        bool align = alignCorners ?? false;
        if (size is not null && scaleFactor is not null) throw new ArgumentException("only one of size or scale_factor should be defined");
        if (size is null && scaleFactor is null) throw new ArgumentException("either size or scale_factor should be defined");
        if (recomputeScaleFactor == true && size is not null) throw new ArgumentException("recompute_scale_factor is not meaningful with an explicit size.");
        if (size is not null && size.Length != 1 && size.Length != spatial)
            throw new ArgumentException($"Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of [{string.Join(", ", Batch2(input))}] and output size of [{string.Join(", ", size)}]. Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.");
        if (scaleFactor is not null && scaleFactor.Length != 1 && scaleFactor.Length != spatial)
            throw new ArgumentException($"Input and scale_factor must have the same number of spatial dimensions, but got input with spatial dimensions of [{string.Join(", ", Batch2(input))}] and scale_factor of shape [{string.Join(", ", scaleFactor)}]. Please provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format.");
        int need = mode switch { "linear" => 1, "bilinear" or "bicubic" => 2, "trilinear" => 3, _ => spatial };
        if (need != spatial)
            throw new ArgumentException($"Got {input.Dim}D input, but {mode} mode needs {need + 2}D input");

        var outSizes = new long[spatial];
        var scales = new double?[spatial];
        for (int i = 0; i < spatial; i++)
        {
            long inSize = input.Size(i + 2);
            if (size is not null) outSizes[i] = size.Length == 1 ? size[0] : size[i];
            else
            {
                double s = scaleFactor!.Length == 1 ? scaleFactor[0] : scaleFactor[i];
                outSizes[i] = (long)Math.Floor(inSize * s);
                if (recomputeScaleFactor != true) scales[i] = s;
            }
            if (outSizes[i] <= 0)
                throw new ArgumentException($"Input and output sizes should be greater than 0, but got input ({string.Join(", ", Batch2(input))}) and output ({string.Join(", ", outSizes)})");
        }
        if (!input.DType.IsFloatingPoint() && mode != "nearest")
            throw new ArgumentException($"\"upsample_{mode}{spatial}d_out_frame\" not implemented for '{Tensor.CastName(input.DType)}'");

        var y = input;
        bool single = input.DType != DType.Float64;
        for (int i = 0; i < spatial; i++)
        {
            int dim = i + 2, inSize = (int)input.Size(dim), outSize = (int)outSizes[i];
            if (mode == "nearest")
            {
                if (inSize == outSize) continue;
                var idx = new long[outSize];
                float sc = scales[i] is double s && s > 0 ? (float)(1.0 / s) : (float)inSize / outSize;
                for (int o = 0; o < outSize; o++)
                    idx[o] = outSize == 2 * inSize ? o >> 1 : Math.Min((long)MathF.Floor(o * sc), inSize - 1);
                y = y.IndexSelect(dim, Torch.Tensor(idx));
                continue;
            }
            var m = single ? InterpMatrix<float>(inSize, outSize, align, scales[i], mode == "bicubic")
                           : InterpMatrix<double>(inSize, outSize, align, scales[i], mode == "bicubic");
            // y[..., o, ...] = Σ_k M[o, k] · y[..., k, ...] along this dim: move it last and multiply by Mᵀ
            var mt = Torch.Tensor(m, input.DType).Reshape(outSize, inSize).Transpose(0, 1);
            y = dim == input.Dim - 1 ? y.Matmul(mt) : y.Transpose(dim, -1).Matmul(mt).Transpose(dim, -1);
        }
        return y == input ? input.Clone() : y.Contiguous();
    }

    /// <summary>F.interpolate(x, scale_factor=s): one scale factor for every spatial dim.</summary>
    public static Tensor Interpolate(Tensor input, double scaleFactor, string mode = "nearest", bool? alignCorners = null, bool? recomputeScaleFactor = null)
        => Interpolate(input, null, [scaleFactor], mode, alignCorners, recomputeScaleFactor);

    /// <summary>F.interpolate(x, size=n): one output size for every spatial dim.</summary>
    public static Tensor Interpolate(Tensor input, long size, string mode = "nearest", bool? alignCorners = null)
        => Interpolate(input, [size], null, mode, alignCorners);

    static long[] Batch2(Tensor x) { var s = new long[x.Dim - 2]; for (int i = 0; i < s.Length; i++) s[i] = x.Size(i + 2); return s; }

    /// <summary>The [out, in] weight matrix of linear or cubic (A = −0.75) interpolation along one dim, with
    /// PyTorch's source-index rules computed in the op's math type T (float for float32 inputs).</summary>
    static double[] InterpMatrix<T>(int inSize, int outSize, bool align, double? scale, bool cubic) where T : IFloatingPointIeee754<T>
    {
        var m = new double[(long)outSize * inSize];
        T half = T.CreateTruncating(0.5);
        T sc = align
            ? (outSize > 1 ? T.CreateTruncating(inSize - 1) / T.CreateTruncating(outSize - 1) : T.Zero)
            : (scale is double s && s > 0 ? T.CreateTruncating(1.0 / s) : T.CreateTruncating(inSize) / T.CreateTruncating(outSize));
        for (int o = 0; o < outSize; o++)
        {
            T src = align ? sc * T.CreateTruncating(o) : sc * (T.CreateTruncating(o) + half) - half;
            if (!cubic)
            {
                if (!align && src < T.Zero) src = T.Zero;
                int i0 = int.CreateTruncating(src);
                int i1 = i0 + (i0 < inSize - 1 ? 1 : 0);
                T l1 = src - T.CreateTruncating(i0), l0 = T.One - l1;
                m[(long)o * inSize + i0] += double.CreateTruncating(l0);
                m[(long)o * inSize + i1] += double.CreateTruncating(l1);
            }
            else
            {
                T fl = T.Floor(src);
                int i0 = int.CreateTruncating(fl);
                T t = src - fl;
                T a = T.CreateTruncating(-0.75);
                Span<T> w = [Cubic2(t + T.One, a), Cubic1(t, a), Cubic1(T.One - t, a), Cubic2(T.One - t + T.One, a)];
                for (int j = 0; j < 4; j++)
                {
                    int k = Math.Clamp(i0 - 1 + j, 0, inSize - 1);
                    m[(long)o * inSize + k] += double.CreateTruncating(w[j]);
                }
            }
        }
        return m;
    }

    static T Cubic1<T>(T x, T a) where T : IFloatingPointIeee754<T>
        => ((a + T.CreateTruncating(2)) * x - (a + T.CreateTruncating(3))) * x * x + T.One;
    static T Cubic2<T>(T x, T a) where T : IFloatingPointIeee754<T>
        => ((a * x - T.CreateTruncating(5) * a) * x + T.CreateTruncating(8) * a) * x - T.CreateTruncating(4) * a;

    // ---------------- affine_grid / grid_sample ----------------

    /// <summary>F.affine_grid for 2-D: theta (N, 2, 3), size (N, C, H, W) → grid (N, H, W, 2) of (x, y) in [−1, 1].</summary>
    public static Tensor AffineGrid(Tensor theta, long[] size, bool alignCorners = false)
    {
        if (!theta.DType.IsFloatingPoint()) throw new ArgumentException($"Expected theta to have floating point type, but got {Tensor.CastName(theta.DType)}");
        if (size.Length != 4) throw new ArgumentException($"affine_grid only supports 4D sizes, for 2D affine transforms. Got size [{string.Join(", ", size)}].");
        if (theta.Dim != 3 || theta.Size(1) != 2 || theta.Size(2) != 3)
            throw new ArgumentException($"Expected a batch of 2D affine matrices of shape Nx2x3 for size [{string.Join(", ", size)}]. Got [{string.Join(", ", Batch(theta, 0))}].");
        if (size.Min() <= 0) throw new ArgumentException($"Expected non-zero, positive output size. Got [{string.Join(", ", size)}]");
        long n = size[0], h = size[2], w = size[3];
        var xs = LinspaceFromNegOne(w, alignCorners, theta.DType).Reshape(1, w).Expand(h, w);
        var ys = LinspaceFromNegOne(h, alignCorners, theta.DType).Reshape(h, 1).Expand(h, w);
        var base_ = Torch.Stack([xs, ys, Torch.Ones([h, w], theta.DType)], 2).Reshape(1, h * w, 3);
        return base_.Matmul(theta.Transpose(1, 2)).Reshape(n, h, w, 2);
    }

    static Tensor LinspaceFromNegOne(long steps, bool align, DType dtype)
    {
        if (steps <= 1) return Torch.Zeros([1], dtype);
        var r = Torch.Linspace(-1, 1, steps, dtype);
        return align ? r : r.Mul((double)(steps - 1) / steps);
    }

    /// <summary>
    /// F.grid_sample for 4-D input (N, C, H, W) and grid (N, Ho, Wo, 2): bilinear or nearest, padding zeros / border /
    /// reflection. Composed from gathers, so it is differentiable in the input and (bilinear) in the grid.
    /// </summary>
    public static Tensor GridSample(Tensor input, Tensor grid, string mode = "bilinear", string paddingMode = "zeros", bool? alignCorners = null)
    {
        if (mode is not ("bilinear" or "nearest"))
            throw new ArgumentException($"nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', but got: '{mode}'");
        if (paddingMode is not ("zeros" or "border" or "reflection"))
            throw new ArgumentException($"nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or 'reflection', but got: '{paddingMode}'");
        if (input.Dim != 4 || grid.Dim != 4)
            throw new ArgumentException($"grid_sampler(): expected 4D input and grid with same number of dimensions, but got input with sizes [{string.Join(", ", Batch(input, 0))}] and grid with sizes [{string.Join(", ", Batch(grid, 0))}]");
        if (input.Size(0) != grid.Size(0))
            throw new ArgumentException($"grid_sampler(): expected grid and input to have same batch size, but got input with sizes [{string.Join(", ", Batch(input, 0))}] and grid with sizes [{string.Join(", ", Batch(grid, 0))}]");
        if (grid.Size(3) != 2)
            throw new ArgumentException($"grid_sampler(): expected grid to have size 2 in last dimension, but got grid with sizes [{string.Join(", ", Batch(grid, 0))}]");
        bool align = alignCorners ?? false;
        long n = input.Size(0), c = input.Size(1), h = input.Size(2), w = input.Size(3);
        long ho = grid.Size(1), wo = grid.Size(2), l = ho * wo;
        var g = grid.Reshape(n, l, 2);
        var ix = SourceCoord(g.Select(2, 0), w, align, paddingMode);
        var iy = SourceCoord(g.Select(2, 1), h, align, paddingMode);
        var flat = input.Reshape(n, c, h * w);

        Tensor Corner(Tensor cx, Tensor cy, Tensor? weight)
        {
            // cx, cy: integral coordinates (N, L); out-of-range corners read index 0 and are masked to zero
            var valid = cx.Ge(0).LogicalAnd(cx.Le(w - 1)).LogicalAnd(cy.Ge(0)).LogicalAnd(cy.Le(h - 1));
            var idx = (cy.Clamp(0, h - 1) * w + cx.Clamp(0, w - 1)).To(DType.Int64);
            var v = flat.Gather(2, idx.Unsqueeze(1).Expand(n, c, l));
            var m = valid.To(input.DType);
            var wt = weight is null ? m : weight * m;
            return v * wt.Unsqueeze(1);
        }

        Tensor outp;
        if (mode == "nearest")
        {
            outp = Corner(ix.Detach().Round(), iy.Detach().Round(), null);
        }
        else
        {
            var x0 = ix.Detach().Floor(); var y0 = iy.Detach().Floor();
            var x1 = x0 + 1; var y1 = y0 + 1;
            var wx1 = ix - x0; var wx0 = x1 - ix;
            var wy1 = iy - y0; var wy0 = y1 - iy;
            outp = Corner(x0, y0, wx0 * wy0) + Corner(x1, y0, wx1 * wy0) + Corner(x0, y1, wx0 * wy1) + Corner(x1, y1, wx1 * wy1);
        }
        return outp.Reshape(n, c, ho, wo);
    }

    /// <summary>Grid coordinate in [−1, 1] → pixel coordinate, then PyTorch's border / reflection handling.</summary>
    static Tensor SourceCoord(Tensor coord, long size, bool align, string padding)
    {
        var x = align ? coord * ((size - 1) / 2.0) + (size - 1) / 2.0 : coord * (size / 2.0) + (size - 1) / 2.0;
        if (padding == "border") return x.Clamp(0, size - 1);
        if (padding == "reflection")
        {
            x = align ? Reflect(x, 0, 2 * (size - 1)) : Reflect(x, -1, 2 * size - 1);
            return x.Clamp(0, size - 1);
        }
        return x;
    }

    static Tensor Reflect(Tensor x, long twiceLow, long twiceHigh)
    {
        if (twiceLow == twiceHigh) return x * 0;
        double min = twiceLow / 2.0, span = (twiceHigh - twiceLow) / 2.0;
        var a = (x - min).Abs();
        var extra = a.Fmod(span);
        var flips = a.Div(span).Floor().Detach();
        var even = flips.Remainder(2).Eq(0);
        return Torch.Where(even, extra + min, (extra * -1) + (span + min));
    }
}
