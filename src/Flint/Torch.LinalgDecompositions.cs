using Flint.Ops;

namespace Flint;

public static partial class Torch
{
    public static partial class Linalg
    {
        /// <summary>linalg.cholesky: L with A = L·Lᵀ (upper: U with A = Uᵀ·U), for symmetric positive-definite A.</summary>
        public static Tensor Cholesky(Tensor A, bool upper = false)
        {
            LinalgCore.CheckSquare(A, "linalg.cholesky");
            return Dispatcher.Call1(new LinalgCholeskyOp(upper), [A]);
        }

        /// <summary>linalg.qr: (Q, R) with A = Q·R; mode "reduced" (default), "complete" or "r" (Q empty).</summary>
        public static (Tensor Q, Tensor R) Qr(Tensor A, string mode = "reduced")
        {
            if (mode is not ("reduced" or "complete" or "r"))
                throw new ArgumentException($"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), 'r', or 'complete'");
            LinalgCore.CheckMatrix(A, "linalg.qr");
            var r = Dispatcher.Call(new LinalgQrOp(mode), [A]);
            return (r[0], r[1]);
        }

        /// <summary>linalg.eigh: (eigenvalues ascending, eigenvectors as columns) of symmetric A, read from the UPLO triangle.</summary>
        public static (Tensor Eigenvalues, Tensor Eigenvectors) Eigh(Tensor A, string UPLO = "L")
        {
            var r = EighCall(A, UPLO, "linalg.eigh");
            return (r[0], r[1]);
        }

        /// <summary>linalg.eigvalsh: the eigenvalues (ascending) of symmetric A.</summary>
        public static Tensor Eigvalsh(Tensor A, string UPLO = "L") => EighCall(A, UPLO, "linalg.eigvalsh")[0];

        static Tensor[] EighCall(Tensor A, string uplo, string api)
        {
            if (uplo is not ("L" or "U" or "l" or "u")) throw new ArgumentException($"Expected UPLO argument to be 'L' or 'U', but got {uplo}");
            LinalgCore.CheckSquare(A, api);
            return Dispatcher.Call(new LinalgEighOp(uplo is "L" or "l"), [A]);
        }

        /// <summary>linalg.svd: (U, S, Vh) with A = U·diag(S)·Vh, S descending; full_matrices gives square U and Vh.</summary>
        public static (Tensor U, Tensor S, Tensor Vh) Svd(Tensor A, bool fullMatrices = true)
        {
            LinalgCore.CheckMatrix(A, "linalg.svd");
            var r = Dispatcher.Call(new LinalgSvdOp(fullMatrices), [A]);
            return (r[0], r[1], r[2]);
        }

        /// <summary>linalg.svdvals: the singular values, descending.</summary>
        public static Tensor Svdvals(Tensor A)
        {
            LinalgCore.CheckMatrix(A, "linalg.svdvals");
            return Dispatcher.Call(new LinalgSvdOp(false), [A])[1];
        }

        /// <summary>
        /// linalg.pinv: the Moore–Penrose pseudo-inverse from the SVD (or, hermitian, the eigendecomposition), dropping
        /// singular values at or below max(atol, rtol·σ_max); rtol defaults to eps·max(m, n) when atol is not given.
        /// </summary>
        public static Tensor Pinv(Tensor A, double? atol = null, double? rtol = null, bool hermitian = false)
        {
            LinalgCore.CheckMatrix(A, "linalg.pinv");
            if (hermitian) LinalgCore.CheckSquare(A, "linalg.pinv");
            return Dispatcher.Call1(new LinalgPinvOp(atol ?? 0, DefaultRtol(A, atol, rtol), hermitian), [A]);
        }

        /// <summary>linalg.matrix_rank: how many singular values exceed max(atol, rtol·σ_max), as int64.</summary>
        public static Tensor MatrixRank(Tensor A, double? atol = null, double? rtol = null, bool hermitian = false)
        {
            LinalgCore.CheckMatrix(A, "linalg.matrix_rank");
            using var _ = NoGrad();
            var s = hermitian ? Eigvalsh(A).Abs() : Svdvals(A);
            if (s._sizes[^1] == 0) return Zeros(s.Shape[..^1], DType.Int64);
            var tol = Tolerance(s.Amax(-1, keepdim: true), atol ?? 0, DefaultRtol(A, atol, rtol));
            return s.Gt(tol).Sum(-1, dtype: DType.Int64);
        }

        static double DefaultRtol(Tensor A, double? atol, double? rtol)
        {
            if (rtol is { } r) return r;
            if (atol is { } a && a > 0) return 0;
            double eps = A.DType == DType.Float32 ? 1.1920928955078125e-07 : 2.220446049250313e-16;
            return eps * Math.Max(A._sizes[^2], A._sizes[^1]);
        }

        static Tensor Tolerance(Tensor maxValue, double atol, double rtol) => (maxValue.Detach() * rtol).Clamp(atol, null);

        /// <summary>
        /// linalg.lstsq: (solution, residuals, rank, singular_values) of min ‖A·X − B‖. The solution is the minimum-norm
        /// one, pinv(A, rtol = rcond)·B. As PyTorch's CPU drivers: rank for gelsy/gelsd/gelss, singular values for
        /// gelsd/gelss, residuals (squared, summed over rows) for drivers other than gelsy when m &gt; n and A has full rank.
        /// </summary>
        public static (Tensor Solution, Tensor Residuals, Tensor Rank, Tensor SingularValues) Lstsq(
            Tensor A, Tensor B, double? rcond = null, string? driver = null)
        {
            driver ??= "gelsy";
            if (driver is not ("gels" or "gelsy" or "gelsd" or "gelss"))
                throw new ArgumentException($"torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)");
            LinalgCore.CheckMatrix(A, "torch.linalg.lstsq");
            if (B.Dim < 1) throw new ArgumentException("torch.linalg.lstsq: input.dim() must be greater or equal to other.dim() and (input.dim() - other.dim()) <= 1");
            LinalgCore.SameDType(A, B, "torch.linalg.lstsq");
            bool vector = B.Dim == A.Dim - 1;
            var b = vector ? B.Unsqueeze(-1) : B;
            if (b._sizes[^2] != A._sizes[^2]) throw new ArgumentException("torch.linalg.lstsq: input.size(-2) should match other.size(-2)");
            int m = A._sizes[^2], n = A._sizes[^1];
            var (a2, b2) = BroadcastBatch(A, b);
            double eps = A.DType == DType.Float32 ? 1.1920928955078125e-07 : 2.220446049250313e-16;
            double rc = rcond ?? eps * Math.Max(m, n);
            var x = Pinv(a2, rtol: rc).Matmul(b2);
            var empty = Empty0(A.DType);
            Tensor rank = driver == "gels" ? Zeros([0], DType.Int64) : MatrixRank(A, rtol: rc);
            Tensor sv = driver is "gelsd" or "gelss" ? Svdvals(A).Detach() : empty;
            Tensor res = empty;
            if (driver != "gelsy" && m > n && (driver == "gels" || rank.Min().Item() == n))
                res = (a2.Matmul(x) - b2).Pow(2).Sum(-2);
            return (vector ? x.Squeeze(-1) : x, res, rank, sv);
        }

        static Tensor Empty0(DType dtype) => Zeros([0], dtype);

        /// <summary>
        /// linalg.cond: σ_max/σ_min for p = null or 2 (σ_min/σ_max for −2); otherwise, for square A,
        /// ‖A‖_p·‖A⁻¹‖_p with p one of 1, −1, ±inf, "fro", "nuc".
        /// </summary>
        public static Tensor Cond(Tensor A, double? p = null)
        {
            LinalgCore.CheckMatrix(A, "linalg.cond");
            if (p is null or 2 or -2)
            {
                var s = Svdvals(A);
                int k = s._sizes[^1];
                var first = s.Narrow(-1, 0, 1).Squeeze(-1);
                var last = s.Narrow(-1, k - 1, 1).Squeeze(-1);
                return p == -2 ? last / first : first / last;
            }
            CondSquare(A, Fmt(p.Value));
            return MatrixNorm(A, p.Value) * MatrixNorm(Inv(A), p.Value);
        }

        /// <summary>linalg.cond with p = "fro" or "nuc": ‖A‖·‖A⁻¹‖ for square A.</summary>
        public static Tensor Cond(Tensor A, string p)
        {
            LinalgCore.CheckMatrix(A, "linalg.cond");
            CondSquare(A, p);
            return MatrixNorm(A, p) * MatrixNorm(Inv(A), p);
        }

        static void CondSquare(Tensor A, string p)
        {
            if (A._sizes[^1] != A._sizes[^2])
                throw new ArgumentException($"linalg.cond(ord={p}): A must be batches of square matrices, but they are {A._sizes[^2]} by {A._sizes[^1]} matrices");
        }

        /// <summary>linalg.cross: the cross product of 3-vectors along dim (size 3 in both inputs); batch dims broadcast.</summary>
        public static Tensor Cross(Tensor input, Tensor other, int dim = -1)
        {
            if (input.Dim != other.Dim)
                throw new ArgumentException($"linalg.cross: inputs must have the same number of dimensions.");
            int d = ShapeUtil.WrapDim(dim, input.Dim);
            if (input._sizes[d] != 3 || other._sizes[d] != 3)
                throw new ArgumentException($"linalg.cross: inputs dimension {dim} must have length 3. Got {input._sizes[d]} and {other._sizes[d]}");
            if (input.DType != other.DType)
                throw new ArgumentException($"expected scalar type {Flint.Tensor.CastName(input.DType)} but found {Flint.Tensor.CastName(other.DType)}");
            var shape = ShapeUtil.Broadcast(input._sizes, other._sizes);
            var a = ShapeUtil.SameShape(shape, input._sizes) ? input : input.Expand(ShapeUtil.ToLong(shape));
            var b = ShapeUtil.SameShape(shape, other._sizes) ? other : other.Expand(ShapeUtil.ToLong(shape));
            return Dispatcher.Call1(new LinalgCrossOp(d), [a, b]);
        }
    }
}
