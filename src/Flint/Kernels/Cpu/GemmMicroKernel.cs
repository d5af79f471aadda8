namespace Flint.Kernels.Cpu;

/// <summary>
/// A register-tiled GEMM micro-kernel: multiplies one packed A micro-panel (MR rows, kc deep,
/// laid out [p*MR + r]) by one packed B micro-panel (kc deep, NR columns, laid out [p*NR + j])
/// and writes the full MR×NR tile to C (row-major rows at stride rsC, unit column stride):
/// C = alpha*acc + beta*C, where beta == 0 must not read C.
/// Static abstract members so the blocked driver is specialised per kernel by the JIT
/// (a struct type argument gives one native body per kernel with the constants folded).
/// </summary>
internal unsafe interface IGemmMicroKernel<T> where T : unmanaged
{
    /// <summary>Rows of the register tile.</summary>
    static abstract int MR { get; }
    /// <summary>Columns of the register tile.</summary>
    static abstract int NR { get; }
    /// <summary>Rows of the packed A block (kept in L2). Multiple of MR.</summary>
    static abstract int MC { get; }
    /// <summary>Depth of one packed panel: KC×NR of B should sit in L1.</summary>
    static abstract int KC { get; }
    /// <summary>Columns of the packed B block (kept in L3). Multiple of NR.</summary>
    static abstract int NC { get; }
    static abstract void Run(int kc, T* a, T* b, T* c, nint rsC, T alpha, T beta);
}
