using Flint.Ops;

namespace Flint;

public static partial class Torch
{
    /// <summary>torch.linalg: norms, decompositions, solvers and inverses (one file per family).</summary>
    public static partial class Linalg
    {
        /// <summary>linalg.vector_norm: ord any real or ±inf; dims null = all; dtype = the result (and compute) dtype.</summary>
        public static Tensor VectorNorm(Tensor x, double ord = 2, int[]? dim = null, bool keepdim = false, DType? dtype = null)
        {
            if (!x.DType.IsFloatingPoint())
                throw new ArgumentException($"linalg.vector_norm: Expected a floating point or complex tensor as input. Got {Flint.Tensor.CastName(x.DType)}");
            if (dtype is { } dt)
            {
                if (!dt.IsFloatingPoint()) throw new ArgumentException($"linalg.vector_norm: dtype should be floating point or complex, but got {Flint.Tensor.CastName(dt)}");
                if (dt != x.DType && TypePromotion.Promote(x.DType, dt) != dt)
                    throw new ArgumentException($"linalg.vector_norm: the dtype of the input ({Flint.Tensor.CastName(x.DType)}) should be convertible without narrowing to the specified dtype ({Flint.Tensor.CastName(dt)})");
            }
            if (ord < 0 || double.IsInfinity(ord)) CheckNonEmpty(x, ord, dim);
            return Dispatcher.Call1(new LinalgVectorNormOp(ord, dim, keepdim, dtype), [x]);
        }

        public static Tensor VectorNorm(Tensor x, double ord, int dim, bool keepdim = false, DType? dtype = null)
            => VectorNorm(x, ord, [dim], keepdim, dtype);

        // Reductions without an identity (max/min of |x|, negative powers) need elements.
        static void CheckNonEmpty(Tensor x, double ord, int[]? dim)
        {
            string o = Fmt(ord);
            if (dim is null || dim.Length == 0)
            {
                if (x.Numel() == 0)
                    throw new ArgumentException($"linalg.vector_norm cannot compute the {o} norm on an empty tensor because the operation does not have an identity");
                return;
            }
            foreach (var d in dim)
            {
                int w = ShapeUtil.WrapDim(d, x.Dim);
                if (x.Dim > 0 && x.Size(w) == 0)
                    throw new ArgumentException($"linalg.vector_norm cannot compute the {o} norm on the dimension {w}because this dimension is empty and the operation does not have an identity");
            }
        }

        /// <summary>
        /// linalg.matrix_norm with a numeric ord: ±1 (max/min column sum of |a|), ±inf (max/min row sum), ±2 (largest /
        /// smallest singular value).
        /// </summary>
        public static Tensor MatrixNorm(Tensor a, double ord, int[]? dim = null, bool keepdim = false, DType? dtype = null)
        {
            var (d0, d1) = MatrixDims(a, dim);
            double absOrd = Math.Abs(ord);
            if (absOrd != 1 && absOrd != 2 && !double.IsInfinity(absOrd))
                throw new ArgumentException($"linalg.matrix_norm: Order {Fmt(ord)} not supported.");
            if (absOrd == 2) return SingularValueNorm(a, d0, d1, keepdim, dtype, s => ord > 0 ? s.Amax(-1) : s.Amin(-1));
            if (double.IsInfinity(absOrd)) (d0, d1) = (d1, d0);
            if (!keepdim && d0 < d1) d1--;
            var colSums = VectorNorm(a, 1, [d0], keepdim, dtype);
            return ord > 0 ? colSums.Amax(d1, keepdim) : colSums.Amin(d1, keepdim);
        }

        /// <summary>linalg.matrix_norm with a string ord: "fro" (default) or "nuc" (the sum of the singular values).</summary>
        public static Tensor MatrixNorm(Tensor a, string ord = "fro", int[]? dim = null, bool keepdim = false, DType? dtype = null)
        {
            var (d0, d1) = MatrixDims(a, dim);
            if (ord == "fro") return VectorNorm(a, 2, [d0, d1], keepdim, dtype);
            if (ord == "nuc") return SingularValueNorm(a, d0, d1, keepdim, dtype, s => s.Sum(-1));
            throw new ArgumentException($"linalg.matrix_norm: Order {ord} not supported.");
        }

        /// <summary>A norm of the singular values of the (d0, d1) matrices: moved last, reduced, dims restored if kept.</summary>
        static Tensor SingularValueNorm(Tensor a, int d0, int d1, bool keepdim, DType? dtype, Func<Tensor, Tensor> reduce)
        {
            if (dtype is { } dt) a = a.To(dt);
            var r = reduce(Svdvals(a.Movedim([d0, d1], [-2, -1])));
            if (!keepdim) return r;
            int lo = Math.Min(d0, d1), hi = Math.Max(d0, d1);
            return r.Unsqueeze(lo).Unsqueeze(hi);
        }

        /// <summary>A number as PyTorch's C++ messages print it: 3, 0.5, inf, -inf.</summary>
        static string Fmt(double v) => double.IsPositiveInfinity(v) ? "inf" : double.IsNegativeInfinity(v) ? "-inf"
            : v.ToString(System.Globalization.CultureInfo.InvariantCulture);

        static (int, int) MatrixDims(Tensor a, int[]? dim)
        {
            if (a.Dim < 2) throw new ArgumentException("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.");
            if (!a.DType.IsFloatingPoint())
                throw new ArgumentException($"linalg.matrix_norm: Expected a floating point or complex tensor as input. Got {Flint.Tensor.CastName(a.DType)}");
            dim ??= [-2, -1];
            if (dim.Length != 2) throw new ArgumentException($"linalg.matrix_norm: dim must be a 2-tuple. Got {string.Join(" ", dim)}");
            int d0 = ShapeUtil.WrapDim(dim[0], a.Dim), d1 = ShapeUtil.WrapDim(dim[1], a.Dim);
            if (d0 == d1) throw new ArgumentException($"linalg.matrix_norm: dims must be different. Got ({d0}, {d1})");
            return (d0, d1);
        }

        /// <summary>
        /// linalg.norm with a numeric ord: a vector norm when dim has one entry (or the input is 1-D), a matrix norm
        /// when dim has two (or the input is 2-D). Without ord: the 2-norm of the flattened input.
        /// </summary>
        public static Tensor Norm(Tensor x, double? ord = null, int[]? dim = null, bool keepdim = false, DType? dtype = null)
        {
            if (dim is not null && dim.Length != 1 && dim.Length != 2)
                throw new ArgumentException($"linalg.norm: If dim is specified, it must be of length 1 or 2. Got [{string.Join(", ", dim)}]");
            if (ord is not { } o) return VectorNorm(x, 2, dim, keepdim, dtype);
            if (dim is null && x.Dim != 1 && x.Dim != 2)
                throw new ArgumentException($"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got {x.Dim}D.");
            bool matrix = dim is null ? x.Dim == 2 : dim.Length == 2;
            return matrix ? MatrixNorm(x, o, dim, keepdim, dtype) : VectorNorm(x, o, dim, keepdim, dtype);
        }

        /// <summary>linalg.norm with a string ord ("fro", "nuc"): always a matrix norm.</summary>
        public static Tensor Norm(Tensor x, string ord, int[]? dim = null, bool keepdim = false, DType? dtype = null)
        {
            if (dim is null && x.Dim != 2 && x.Dim != 1)
                throw new ArgumentException($"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got {x.Dim}D.");
            return MatrixNorm(x, ord, dim, keepdim, dtype);
        }
    }
}
