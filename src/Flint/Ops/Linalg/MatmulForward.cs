using System.Numerics;
using System.Runtime.CompilerServices;
using Flint.Kernels.Cpu;

namespace Flint.Ops;

/// <summary>
/// The one compute path of every matmul-family op: out[b] = beta·self[b] + alpha·(A[b] @ B[b]) over 3-D strided views
/// (batch, rows, cols). Strides go to the GEMM as they are, so transposed, sliced and broadcast (stride-0 batch)
/// operands are never copied. float32/float64 run <see cref="Gemm"/>; float16/bfloat16 compute in float32 and round
/// once at the end (as PyTorch's CPU kernels do); integers use a plain loop (PyTorch supports integer matmul on CPU).
/// </summary>
internal static unsafe class MatmulForward
{
    /// <summary>
    /// a: [B, M, K], b: [B, K, N] (any strides, same dtype), self: null or broadcastable to [B, M, N].
    /// Returns a new contiguous [B, M, N] tensor in a's dtype.
    /// </summary>
    public static Tensor Run(Tensor a, Tensor b, Tensor? self, double alpha, double beta, string opName)
    {
        var dt = a.DType;
        if (dt == DType.Bool) throw new ArgumentException($"\"{opName}\" not implemented for 'Bool'");
        var ct = dt is DType.Float16 or DType.BFloat16 ? DType.Float32 : dt;
        if (ct != dt) { a = a.CastRaw(ct); b = b.CastRaw(ct); }
        int[] shape = [a._sizes[0], a._sizes[1], b._sizes[2]];
        var c = Tensor.Empty(shape, ct);
        bool useSelf = self is not null && beta != 0;
        Tensor? bias = null;
        if (useSelf && ct is DType.Float32 or DType.Float64 && RowBias(self!, shape, ct) is { } rb) bias = rb;
        else if (useSelf) c.CopyFromRaw(self!); // casts to the compute dtype and broadcasts (stride 0) into every element
        else beta = 0;                          // beta == 0 ignores self entirely (NaN in self does not propagate)
        switch (ct)
        {
            case DType.Float32: Float(a, b, c, bias, (float)alpha, (float)beta); break;
            case DType.Float64: Double(a, b, c, bias, alpha, beta); break;
            case DType.Int64: Integer<long>(a, b, c, alpha, beta); break;
            case DType.Int32: Integer<int>(a, b, c, alpha, beta); break;
            case DType.Int16: Integer<short>(a, b, c, alpha, beta); break;
            case DType.Int8: Integer<sbyte>(a, b, c, alpha, beta); break;
            case DType.UInt8: Integer<byte>(a, b, c, alpha, beta); break;
            default: throw new ArgumentException($"\"{opName}\" not implemented for '{Tensor.CastName(dt)}'");
        }
        return ct == dt ? c : c.CastRaw(dt);
    }

    /// <summary>
    /// Whether to split across cores by batch (each thread runs whole products, each packing its own panels, with no
    /// synchronisation inside a product) rather than letting the GEMM split every product: always for small products,
    /// and for large ones once there are enough of them to balance (attention's 32 products of 128×128×64).
    /// </summary>
    static bool SplitBatches(int batches, int m, int n, int k)
    {
        long work = (long)m * n * k;
        if (batches <= 1 || work * batches < Gemm.ParallelThreshold) return false;
        return work < Gemm.ParallelThreshold || batches >= 4 * CpuParallel.MaxThreads;
    }

    /// <summary>
    /// self as one row repeated over every batch and row of the result (nn.Linear's bias, [N] or [1, N]): returned as
    /// [B, M, N] with zero batch and row strides, so the GEMM writes it into C tile by tile instead of a separate pass.
    /// </summary>
    static Tensor? RowBias(Tensor self, int[] shape, DType ct)
    {
        var e = self.ExpandRaw(shape);
        if (e._strides[0] != 0 || e._strides[1] != 0) return null;
        return self.DType == ct ? e : self.CastRaw(ct).ExpandRaw(shape); // cast the row, not the broadcast
    }

    static void Float(Tensor a, Tensor b, Tensor c, Tensor? bias, float alpha, float beta)
    {
        fixed (float* pa = a.StorageSpan<float>(), pb = b.StorageSpan<float>(), pc = c.StorageSpan<float>(), pbias = bias is null ? default : bias.StorageSpan<float>())
        {
            var job = new FloatJob(a, b, c, pa, pb, pc, bias is null ? null : pbias + bias._offset, bias is null ? 0 : bias._strides[2], alpha, beta);
            if (SplitBatches(c._sizes[0], c._sizes[1], c._sizes[2], a._sizes[2])) CpuParallel.ForEach(c._sizes[0], job);
            else job.Run(0, c._sizes[0]);
        }
    }

    static void Double(Tensor a, Tensor b, Tensor c, Tensor? bias, double alpha, double beta)
    {
        fixed (double* pa = a.StorageSpan<double>(), pb = b.StorageSpan<double>(), pc = c.StorageSpan<double>(), pbias = bias is null ? default : bias.StorageSpan<double>())
        {
            var job = new DoubleJob(a, b, c, pa, pb, pc, bias is null ? null : pbias + bias._offset, bias is null ? 0 : bias._strides[2], alpha, beta);
            if (SplitBatches(c._sizes[0], c._sizes[1], c._sizes[2], a._sizes[2])) CpuParallel.ForEach(c._sizes[0], job);
            else job.Run(0, c._sizes[0]);
        }
    }

    /// <summary>Layout of one batched product, shared by the float and double jobs.</summary>
    readonly struct Layout(Tensor a, Tensor b, Tensor c)
    {
        public readonly int M = c._sizes[1], N = c._sizes[2], K = a._sizes[2];
        public readonly nint BsA = a._strides[0], RsA = a._strides[1], CsA = a._strides[2], OffA = a._offset;
        public readonly nint BsB = b._strides[0], RsB = b._strides[1], CsB = b._strides[2], OffB = b._offset;
        public readonly nint BsC = c._strides[0], RsC = c._strides[1], CsC = c._strides[2], OffC = c._offset;
    }

    readonly struct FloatJob(Tensor a, Tensor b, Tensor c, float* pa, float* pb, float* pc, float* bias, nint csBias, float alpha, float beta) : IRangeJob
    {
        readonly Layout L = new(a, b, c);
        readonly float* A = pa, B = pb, C = pc, Bias = bias;
        public void Run(int start, int end)
        {
            for (int i = start; i < end; i++)
                Gemm.Sgemm(L.M, L.N, L.K, alpha, A + L.OffA + i * L.BsA, L.RsA, L.CsA, B + L.OffB + i * L.BsB, L.RsB, L.CsB,
                    beta, C + L.OffC + i * L.BsC, L.RsC, L.CsC, Bias, csBias);
        }
    }

    readonly struct DoubleJob(Tensor a, Tensor b, Tensor c, double* pa, double* pb, double* pc, double* bias, nint csBias, double alpha, double beta) : IRangeJob
    {
        readonly Layout L = new(a, b, c);
        readonly double* A = pa, B = pb, C = pc, Bias = bias;
        public void Run(int start, int end)
        {
            for (int i = start; i < end; i++)
                Gemm.Dgemm(L.M, L.N, L.K, alpha, A + L.OffA + i * L.BsA, L.RsA, L.CsA, B + L.OffB + i * L.BsB, L.RsB, L.CsB,
                    beta, C + L.OffC + i * L.BsC, L.RsC, L.CsC, Bias, csBias);
        }
    }

    /// <summary>Integer products accumulate in the element type (wrapping on overflow, as PyTorch's CPU loop does).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Integer<T>(Tensor a, Tensor b, Tensor c, double alpha, double beta) where T : unmanaged, INumber<T>
    {
        var L = new Layout(a, b, c);
        T al = T.CreateTruncating((long)alpha), be = T.CreateTruncating((long)beta);
        var A = a.StorageSpan<T>(); var B = b.StorageSpan<T>(); var C = c.StorageSpan<T>();
        int batches = c._sizes[0];
        for (int bi = 0; bi < batches; bi++)
            for (int i = 0; i < L.M; i++)
                for (int j = 0; j < L.N; j++)
                {
                    T acc = T.Zero;
                    nint ai = L.OffA + bi * L.BsA + i * L.RsA, bj = L.OffB + bi * L.BsB + j * L.CsB;
                    for (int k = 0; k < L.K; k++) acc += A[(int)(ai + k * L.CsA)] * B[(int)(bj + k * L.RsB)];
                    ref T cij = ref C[(int)(L.OffC + bi * L.BsC + i * L.RsC + j * L.CsC)];
                    cij = beta == 0 ? al * acc : be * cij + al * acc;
                }
    }
}
