using System.Runtime.CompilerServices;

namespace Flint.Kernels.Cpu;

/// <summary>
/// Kernels of advanced (integer-tensor / mask) indexing: each "base" is the element offset of one indexed position,
/// and the non-indexed dims (the "rest" layout) are walked under it.
/// </summary>
public static class AdvancedIndexKernels
{
    /// <summary>dst (contiguous, [bases.Length] ++ restSizes) = src at each base, rest layout walked under it.</summary>
    public static void Gather(Tensor src, int[] bases, int[] restSizes, int[] restStrides, Tensor dst)
    {
        var k = new GatherK { Src = src, Bases = bases, RestSizes = restSizes, RestStrides = restStrides, Dst = dst };
        Typed.RunBits(src.DType, ref k);
    }

    private struct GatherK : ITypedKernel
    {
        public Tensor Src, Dst; public int[] Bases, RestSizes, RestStrides;
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run<T>() where T : unmanaged
        {
            var s = Typed.Bits<T>(Src); var d = Typed.Bits<T>(Dst);
            int o = Dst._offset;
            if (RestSizes.Length == 0) { foreach (var b in Bases) d[o++] = s[b]; return; }
            foreach (var b in Bases)
            {
                var w = new StridedWalker(RestSizes, (RestStrides, b));
                for (int i = 0; i < w.Count; i++) { d[o++] = s[w.Offsets[0]]; w.Next(); }
            }
        }
    }

    /// <summary>dst at each base (rest layout walked under it) = or += values (contiguous, [bases.Length] ++ restSizes).</summary>
    public static void Put(Tensor dst, int[] bases, int[] restSizes, int[] restStrides, Tensor values, bool accumulate)
    {
        if (values.DType != dst.DType) values = values.CastRaw(dst.DType);
        values = values.ContiguousRaw();
        var k = new PutK { Dst = dst, Bases = bases, RestSizes = restSizes, RestStrides = restStrides, Values = values, Accumulate = accumulate };
        if (accumulate) Typed.Run(dst.DType, ref k); else Typed.RunBits(dst.DType, ref k);
        dst._storage.Version++;
    }

    private struct PutK : ITypedKernel
    {
        public Tensor Dst, Values; public int[] Bases, RestSizes, RestStrides; public bool Accumulate;
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run<T>() where T : unmanaged
        {
            var d = Typed.Bits<T>(Dst); var v = Typed.Bits<T>(Values);
            int o = Values._offset;
            foreach (var b in Bases)
            {
                var w = new StridedWalker(RestSizes, (RestStrides, b));
                for (int i = 0; i < w.Count; i++)
                {
                    int at = w.Offsets[0];
                    d[at] = Accumulate ? Elem.Add(d[at], v[o]) : v[o];
                    o++;
                    w.Next();
                }
            }
        }
    }

    /// <summary>The row-major flat positions where a tensor is non-zero.</summary>
    public static List<int> NonzeroPositions(Tensor t)
    {
        var k = new NonzeroK { T = t, Result = new List<int>() };
        Typed.Run(t.DType, ref k);
        return k.Result;
    }

    private struct NonzeroK : ITypedKernel
    {
        public Tensor T; public List<int> Result;
        public void Run<TE>() where TE : unmanaged
        {
            var s = T.StorageSpan<TE>();
            var w = new StridedWalker(T._sizes, (T._strides, T._offset));
            for (int i = 0; i < w.Count; i++) { if (Elem.IsNonZero(s[w.Offsets[0]])) Result.Add(i); w.Next(); }
        }
    }

    /// <summary>Copies the elements of src (any layout) at the given row-major flat positions into dst (contiguous).</summary>
    public static void TakeFlat(Tensor src, List<int> positions, Tensor dst)
    {
        var c = src.ContiguousRaw();
        var k = new TakeK { Src = c, Pos = positions, Dst = dst };
        Typed.RunBits(src.DType, ref k);
    }

    private struct TakeK : ITypedKernel
    {
        public Tensor Src, Dst; public List<int> Pos;
        public void Run<T>() where T : unmanaged
        {
            var s = Typed.Bits<T>(Src); var d = Typed.Bits<T>(Dst);
            for (int i = 0; i < Pos.Count; i++) d[Dst._offset + i] = s[Src._offset + Pos[i]];
        }
    }

    /// <summary>dst (contiguous) at the given flat positions = src's elements in order (src contiguous), or a scalar.</summary>
    public static void PutFlat(Tensor dst, List<int> positions, Tensor src)
    {
        if (src.DType != dst.DType) src = src.CastRaw(dst.DType);
        src = src.ContiguousRaw();
        var k = new PutFlatK { Src = src, Pos = positions, Dst = dst };
        Typed.RunBits(dst.DType, ref k);
        dst._storage.Version++;
    }

    private struct PutFlatK : ITypedKernel
    {
        public Tensor Src, Dst; public List<int> Pos;
        public void Run<T>() where T : unmanaged
        {
            var s = Typed.Bits<T>(Src); var d = Typed.Bits<T>(Dst);
            bool scalar = Src._numel == 1;
            for (int i = 0; i < Pos.Count; i++) d[Dst._offset + Pos[i]] = s[Src._offset + (scalar ? 0 : i)];
        }
    }
}
