using Flint.Ops;

namespace Flint;

public static partial class Torch
{
    public static partial class Linalg
    {
        /// <summary>linalg.inv: the inverse of each square matrix (LU with partial pivoting).</summary>
        public static Tensor Inv(Tensor A)
        {
            LinalgCore.CheckSquare(A, "linalg.inv");
            return Dispatcher.Call1(LinalgInvOp.Instance, [A]);
        }

        /// <summary>linalg.det: the determinant of each square matrix.</summary>
        public static Tensor Det(Tensor A)
        {
            LinalgCore.CheckSquare(A, "linalg.det");
            return Dispatcher.Call1(LinalgDetOp.Instance, [A]);
        }

        /// <summary>linalg.slogdet: (sign, log|det|) of each square matrix; a singular one gives (0, −inf).</summary>
        public static (Tensor Sign, Tensor Logabsdet) Slogdet(Tensor A)
        {
            LinalgCore.CheckSquare(A, "linalg.slogdet");
            var r = Dispatcher.Call(LinalgSlogdetOp.Instance, [A]);
            return (r[0], r[1]);
        }

        /// <summary>
        /// linalg.solve: X with A·X = B (left) or X·A = B (right). B is a batch of vectors when it is 1-D or has
        /// A's shape without its last dim, else a batch of matrices; batch dims broadcast.
        /// </summary>
        public static Tensor Solve(Tensor A, Tensor B, bool left = true)
        {
            LinalgCore.CheckSquare(A, "linalg.solve");
            LinalgCore.CheckFloat(B, "linalg.solve");
            LinalgCore.SameDType(A, B, "linalg.solve");
            bool vector = B.Dim == 1 || (B.Dim == A.Dim - 1 && B._sizes.AsSpan().SequenceEqual(A._sizes.AsSpan(0, A.Dim - 1)));
            if (vector && !left)
                throw new ArgumentException("linalg.solve: Vector broadcasting of the left hand side is not supported for left=False. In this case linalg.solve is equivalent to B / A.squeeze(-1)");
            var b = vector ? B.Unsqueeze(-1) : B;
            int n = A._sizes[^1];
            if (left ? b._sizes[^2] != n : b._sizes[^1] != n)
                throw new ArgumentException(left
                    ? $"linalg.solve: Incompatible shapes of A and B for the equation AX = B ({n}x{n} and {b._sizes[^2]}x{b._sizes[^1]})"
                    : $"linalg.solve: Incompatible shapes of A and B for the equation XA = B ({n}x{n} and {b._sizes[^2]}x{b._sizes[^1]})");
            var (a2, b2) = BroadcastBatch(A, b);
            var x = Dispatcher.Call1(new LinalgSolveOp(left), [a2, b2]);
            return vector ? x.Squeeze(-1) : x;
        }

        /// <summary>linalg.solve_triangular: X with A·X = B (left) or X·A = B, reading only A's upper or lower triangle.</summary>
        public static Tensor SolveTriangular(Tensor A, Tensor B, bool upper, bool left = true, bool unitriangular = false)
        {
            LinalgCore.CheckSquare(A, "linalg.solve_triangular");
            LinalgCore.CheckMatrix(B, "linalg.solve_triangular", "B");
            LinalgCore.SameDType(A, B, "linalg.solve_triangular");
            int n = A._sizes[^1];
            if (left ? B._sizes[^2] != n : B._sizes[^1] != n)
                throw new ArgumentException(left
                    ? $"linalg.solve_triangular: Incompatible shapes of A and B for the equation AX = B ({n}x{n} and {B._sizes[^2]}x{B._sizes[^1]})"
                    : $"linalg.solve_triangular: Incompatible shapes of A and B for the equation XA = B ({n}x{n} and {B._sizes[^2]}x{B._sizes[^1]})");
            var (a2, b2) = BroadcastBatch(A, B);
            return Dispatcher.Call1(new LinalgSolveTriangularOp(upper, left, unitriangular), [a2, b2]);
        }

        /// <summary>linalg.lu_factor: (LU, pivots) of A = P·L·U; an exactly zero pivot is an error.</summary>
        public static (Tensor LU, Tensor Pivots) LuFactor(Tensor A, bool pivot = true)
        {
            var r = LuFactorCall(A, pivot, "torch.linalg.lu_factor", check: true);
            return (r[0], r[1]);
        }

        /// <summary>linalg.lu_factor_ex: (LU, pivots, info) without the error; info is each matrix's first zero pivot (1-based) or 0.</summary>
        public static (Tensor LU, Tensor Pivots, Tensor Info) LuFactorEx(Tensor A, bool pivot = true)
        {
            var r = LuFactorCall(A, pivot, "torch.linalg.lu_factor_ex", check: false);
            return (r[0], r[1], ZeroPivots(r[0]));
        }

        /// <summary>linalg.lu: (P, L, U) with A = P·L·U; L is m×k with a unit diagonal, U k×n.</summary>
        public static (Tensor P, Tensor L, Tensor U) Lu(Tensor A, bool pivot = true)
        {
            var r = LuFactorCall(A, pivot, "linalg.lu", check: false);
            return LuUnpack.Split(r[0], r[1]);
        }

        static Tensor[] LuFactorCall(Tensor A, bool pivot, string api, bool check)
        {
            // PyTorch names torch.lu_factor in this one message, whichever function was called
            if (A.Dim < 2) throw new ArgumentException($"torch.lu_factor: Expected tensor with 2 or more dimensions. Got size: {ShapeUtil.Format(A._sizes)} instead");
            LinalgCore.CheckFloat(A, api);
            if (!pivot) throw new NotSupportedException($"{api}: LU without pivoting is not implemented on the CPU.");
            return Dispatcher.Call(new LinalgLuFactorOp(check), [A]);
        }

        static Tensor ZeroPivots(Tensor lu)
        {
            var d = lu.Detach().Diagonal(0, -2, -1).CastRaw(DType.Float64).ContiguousRaw().RawSpan<double>();
            int k = Math.Min(lu._sizes[^2], lu._sizes[^1]), batch = k == 0 ? LinalgCore.Batch(lu._sizes) : d.Length / k;
            var info = Flint.Tensor.Empty(LinalgCore.BatchShape(lu._sizes), DType.Int32);
            var s = info.RawSpan<int>();
            for (int b = 0; b < batch; b++)
            {
                s[b] = 0;
                for (int j = 0; j < k; j++) if (d[b * k + j] == 0) { s[b] = j + 1; break; }
            }
            return info;
        }

        /// <summary>linalg.lu_solve: X with A·X = B (left) or X·A = B, or the same with Aᵀ (adjoint), from lu_factor's output.</summary>
        public static Tensor LuSolve(Tensor LU, Tensor pivots, Tensor B, bool left = true, bool adjoint = false)
        {
            LinalgCore.CheckSquare(LU, "linalg.lu_solve", "LU");
            LinalgCore.CheckMatrix(B, "linalg.lu_solve", "B");
            LinalgCore.SameDType(LU, B, "linalg.lu_solve");
            if (pivots.DType != DType.Int32) throw new ArgumentException("linalg.lu_solve: pivots should be a Tensor of scalar type torch.int32");
            int n = LU._sizes[^1];
            if (left ? B._sizes[^2] != n : B._sizes[^1] != n)
                throw new ArgumentException(left
                    ? $"linalg.lu_solve: Number of rows of B must match the order of LU. Got B.size(-2) = {B._sizes[^2]} and LU.size(-1) = {n}"
                    : $"linalg.lu_solve: Number of columns of B must match the order of LU. Got B.size(-1) = {B._sizes[^1]} and LU.size(-1) = {n}");
            var batch = ShapeUtil.Broadcast(LinalgCore.BatchShape(LU._sizes), LinalgCore.BatchShape(B._sizes));
            var lu = LU.Expand(ShapeUtil.ToLong(LinalgCore.With(batch, n, n)));
            var piv = pivots.ExpandRaw(LinalgCore.With(batch, n));
            var b = B.Expand(ShapeUtil.ToLong(LinalgCore.With(batch, B._sizes[^2], B._sizes[^1])));
            return Dispatcher.Call1(new LinalgLuSolveOp(left, adjoint), [lu, piv, b]);
        }

        /// <summary>linalg.matrix_power: A^n by repeated squaring; negative n inverts first, n = 0 gives the identity.</summary>
        public static Tensor MatrixPower(Tensor A, int n)
        {
            if (A.Dim < 2) throw new ArgumentException($"linalg.matrix_power: The input tensor A must have at least 2 dimensions.");
            if (A._sizes[^1] != A._sizes[^2])
                throw new ArgumentException($"linalg.matrix_power: A must be batches of square matrices, but they are {A._sizes[^2]} by {A._sizes[^1]} matrices");
            // A copy of A overwritten by I, as PyTorch: the result is connected to A, with a zero gradient
            if (n == 0) return A.Clone().Copy_(Eye(A._sizes[^1], null, A.DType).Expand(A.Shape));
            if (n < 0) { A = Inv(A); n = -n; }
            if (n == 1) return A.Clone();
            Tensor? result = null, z = A;
            while (true)
            {
                if ((n & 1) != 0) result = result is null ? z : result.Matmul(z);
                n >>= 1;
                if (n == 0) return result!;
                z = z.Matmul(z);
            }
        }

        /// <summary>Both operands expanded to their common batch shape (their matrix dims kept).</summary>
        internal static (Tensor, Tensor) BroadcastBatch(Tensor a, Tensor b)
        {
            var batch = ShapeUtil.Broadcast(LinalgCore.BatchShape(a._sizes), LinalgCore.BatchShape(b._sizes));
            var ea = LinalgCore.With(batch, a._sizes[^2], a._sizes[^1]);
            var eb = LinalgCore.With(batch, b._sizes[^2], b._sizes[^1]);
            return (ShapeUtil.SameShape(ea, a._sizes) ? a : a.Expand(ShapeUtil.ToLong(ea)),
                ShapeUtil.SameShape(eb, b._sizes) ? b : b.Expand(ShapeUtil.ToLong(eb)));
        }
    }
}
