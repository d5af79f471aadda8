using System.Numerics;
using System.Runtime.CompilerServices;

namespace Flint.Kernels.Cpu;

/// <summary>
/// One GEMM on several threads that share each packed B block, cut into many small tasks that the threads claim in
/// order (the caller included), so that a thread the host schedules late, or a core running slower, only does fewer
/// tasks instead of holding everyone up.
///
/// The loop nest is <see cref="GemmBlocked{T,K}"/>'s. For each (jc, pc) block of B, in order, the task list holds:
///   pack tasks:    pack a group of NR-panels of the KC×NC block of B into the shared buffer (two buffers alternate);
///   compute tasks: one MC block of rows × a chunk of the NR-panels: pack that A block (per thread; a thread that
///                  claims the next chunk of the same rows keeps it), then run the micro-kernel over its tiles.
/// Dependencies only point back to tasks claimed earlier, so nothing waits for a task no thread has taken (and one
/// thread alone runs the list straight through): a compute task waits until its block of B is packed and its C tiles
/// have received the previous depth block; a pack task waits until the block that last used its buffer is done.
/// Compared with splitting C statically into one piece per thread this packs B once instead of once per thread.
/// </summary>
internal static unsafe class GemmShared<T, K> where T : unmanaged, INumber<T> where K : struct, IGemmMicroKernel<T>
{
    /// <summary>Compute tasks wanted per thread and depth block: enough to even out threads that run at different speeds.</summary>
    const int TasksPerThread = 4;

    [ThreadStatic] static PackBuffer<T>? s_a;
    [ThreadStatic] static PackBuffer<T>? s_b;
    // Which A block this thread's buffer holds: plan, (jc, pc) block and MC block.
    [ThreadStatic] static long t_aPlan;
    [ThreadStatic] static int t_aBlock, t_aRows;
    static long s_planIds;

    public static void Run(in GemmArgs<T> g, int threads)
    {
        var plan = new Plan(g, threads);
        GemmWorkers.Run(plan.TaskCount, plan, threads);
    }

    sealed class Plan : IGemmPart
    {
        readonly GemmArgs<T> _g;
        readonly long _id = Interlocked.Increment(ref s_planIds);
        readonly int _kc, _mc, _kBlocks, _jBlocks, _mBlocks, _chunks, _panelsPerChunk, _packTasks;
        readonly int _tasksPerBlock;
        readonly T* _b0, _b1;            // the two shared B buffers, owned by the calling thread
        readonly int[] _packed, _computed; // per (jc, pc) block: pack and compute tasks finished
        readonly int[] _tileDepth;        // per (jc, MC block, chunk): depth blocks already added to those C tiles

        public int TaskCount { get; }

        public Plan(in GemmArgs<T> g, int threads)
        {
            _g = g;
            int MR = K.MR, NR = K.NR;
            // Balanced blocks: k = 300 runs as 150+150 rather than 256+44, m = 1024 as 8×128 rather than 7×144 + 16.
            _kBlocks = (g.K + K.KC - 1) / K.KC;
            _kc = (g.K + _kBlocks - 1) / _kBlocks;
            _jBlocks = (g.N + K.NC - 1) / K.NC;
            int ncMax = Math.Min(K.NC, RoundUp(g.N, NR));
            int panels = ncMax / NR;
            int target = TasksPerThread * threads;
            _mBlocks = (g.M + K.MC - 1) / K.MC;
            // Too few column panels to share out (x @ W with 10 outputs): cut the rows finer than MC.
            if (_mBlocks * panels < target) _mBlocks = Math.Min((g.M + MR - 1) / MR, (target + panels - 1) / panels);
            _mc = RoundUp((g.M + _mBlocks - 1) / _mBlocks, MR);
            _mBlocks = (g.M + _mc - 1) / _mc;
            // Few row blocks (m = 256 against n = 1024): cut the columns too, so every thread gets several tasks.
            _chunks = Math.Clamp((target + _mBlocks - 1) / _mBlocks, 1, panels);
            _panelsPerChunk = (panels + _chunks - 1) / _chunks;
            _chunks = (panels + _panelsPerChunk - 1) / _panelsPerChunk;
            _packTasks = Math.Min(panels, 2 * threads);
            _tasksPerBlock = _packTasks + _mBlocks * _chunks;
            TaskCount = _jBlocks * _kBlocks * _tasksPerBlock;
            _packed = new int[_jBlocks * _kBlocks];
            _computed = new int[_jBlocks * _kBlocks];
            _tileDepth = new int[_jBlocks * _mBlocks * _chunks];
            int bLen = ncMax * _kc;
            T* b = (s_b ??= new PackBuffer<T>()).Get(2 * bLen + 64 / sizeof(T));
            _b0 = b;
            _b1 = b + RoundUp(bLen, 64 / sizeof(T));
        }

        public void Execute(int task)
        {
            int block = task / _tasksPerBlock, t = task - block * _tasksPerBlock;
            int jb = block / _kBlocks, kb = block - jb * _kBlocks;
            int jc = jb * K.NC, nc = Math.Min(K.NC, _g.N - jc);
            int pc = kb * _kc, kc = Math.Min(_kc, _g.K - pc);
            T* bp = (block & 1) == 0 ? _b0 : _b1;
            if (t < _packTasks)
            {
                // The buffer was last read by block - 2: all its compute tasks were claimed before this one.
                if (block >= 2) WaitFor(ref _computed[block - 2], _mBlocks * _chunks);
                int panels = (nc + K.NR - 1) / K.NR;
                int p0 = (int)((long)panels * t / _packTasks), p1 = (int)((long)panels * (t + 1) / _packTasks);
                if (p1 > p0)
                {
                    int j0 = p0 * K.NR, j1 = Math.Min(nc, p1 * K.NR);
                    GemmPacking<T>.PackB(K.NR, j1 - j0, kc, _g.B + pc * _g.RsB + (jc + j0) * _g.CsB, _g.RsB, _g.CsB, bp + j0 * kc);
                }
                Interlocked.Increment(ref _packed[block]);
                return;
            }
            t -= _packTasks;
            int mb = t / _chunks, chunk = t - mb * _chunks;
            int tile = (jb * _mBlocks + mb) * _chunks + chunk;
            int ic = mb * _mc, mc = Math.Min(_mc, _g.M - ic);
            int jr0 = chunk * _panelsPerChunk * K.NR, jr1 = Math.Min(nc, jr0 + _panelsPerChunk * K.NR);
            WaitFor(ref _packed[block], _packTasks);
            WaitFor(ref _tileDepth[tile], kb); // beta applies once: depth blocks reach a tile in order
            T* ap = (s_a ??= new PackBuffer<T>()).Get(RoundUp(_mc, K.MR) * _kc);
            if (t_aPlan != _id || t_aBlock != block || t_aRows != mb)
            {
                GemmPacking<T>.PackA(K.MR, mc, kc, _g.A + ic * _g.RsA + pc * _g.CsA, _g.RsA, _g.CsA, ap);
                (t_aPlan, t_aBlock, t_aRows) = (_id, block, mb);
            }
            if (jr1 > jr0) Tiles(ic, mc, jc, jr0, jr1, kc, kb == 0, ap, bp);
            Volatile.Write(ref _tileDepth[tile], kb + 1);
            Interlocked.Increment(ref _computed[block]);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Tiles(int ic, int mc, int jc, int jr0, int jr1, int kc, bool firstDepth, T* ap, T* bp)
        {
            T* tile = stackalloc T[K.MR * K.NR + 64 / sizeof(T)];
            tile = (T*)(((nint)tile + 63) & ~(nint)63);
            for (int jr = jr0; jr < jr1; jr += K.NR)
            {
                int nr = Math.Min(K.NR, jr1 - jr);
                for (int ir = 0; ir < mc; ir += K.MR)
                    GemmBlocked<T, K>.Tile(in _g, Math.Min(K.MR, mc - ir), nr, ic + ir, jc + jr, kc, ap + ir * kc, bp + jr * kc, firstDepth, tile);
            }
        }
    }

    /// <summary>Spins until a counter reaches a value; what it waits for is already running on another thread.</summary>
    static void WaitFor(ref int counter, int value)
    {
        if (Volatile.Read(ref counter) >= value) return;
        var spin = new SpinWait();
        while (Volatile.Read(ref counter) < value) spin.SpinOnce(sleep1Threshold: -1);
    }

    static int RoundUp(int x, int m) => (x + m - 1) / m * m;
}
