using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Flint.Kernels.Cpu;

/// <summary>One piece of a split GEMM.</summary>
internal interface IGemmPart
{
    void Execute(int part);
}

/// <summary>
/// Dedicated GEMM worker threads. Parallel.For costs tens of microseconds to fork and join,
/// comparable to a whole 128³ sgemm; these workers spin briefly after each job, so the
/// back-to-back GEMMs of a training step reach a waiting thread in well under a microsecond,
/// then sleep on an event so an idle process burns no CPU. The caller runs part 0 itself.
/// Only one split GEMM uses the workers at a time; a concurrent caller runs its parts inline.
/// </summary>
internal static class GemmWorkers
{
    static readonly object s_gate = new();
    static Worker[] s_workers = [];
    static int s_pending;
    static Exception? s_error;

    /// <summary>How long an idle worker spins before sleeping.</summary>
    static readonly long SpinTicks = Stopwatch.Frequency / 5000; // 200 µs

    public static void Run(int count, IGemmPart job)
    {
        if (count <= 1 || !Monitor.TryEnter(s_gate))
        {
            for (int i = 0; i < count; i++) job.Execute(i);
            return;
        }
        try
        {
            if (s_workers.Length < count - 1) Grow(count - 1);
            s_error = null;
            Volatile.Write(ref s_pending, count - 1);
            for (int w = 0; w < count - 1; w++) s_workers[w].Post(job, w + 1);
            job.Execute(0);
            var spin = new SpinWait();
            while (Volatile.Read(ref s_pending) != 0) spin.SpinOnce(sleep1Threshold: -1);
            if (s_error is { } e) ExceptionDispatchInfo.Capture(e).Throw();
        }
        finally { Monitor.Exit(s_gate); }
    }

    static void Grow(int n)
    {
        var ws = new Worker[n];
        Array.Copy(s_workers, ws, s_workers.Length);
        for (int i = s_workers.Length; i < n; i++) ws[i] = new Worker(i);
        s_workers = ws;
    }

    sealed class Worker
    {
        IGemmPart? _job;
        int _part;
        int _sleeping;
        readonly ManualResetEventSlim _wake = new(false, spinCount: 1);

        public Worker(int index)
        {
            var t = new Thread(Loop) { IsBackground = true, Name = $"Flint GEMM worker {index}" };
            t.Start();
        }

        public void Post(IGemmPart job, int part)
        {
            _part = part;
            Interlocked.Exchange(ref _job, job); // full fence: publish before reading _sleeping
            if (Volatile.Read(ref _sleeping) != 0) _wake.Set();
        }

        void Loop()
        {
            while (true)
            {
                var job = WaitForJob();
                try { job.Execute(_part); }
                catch (Exception e) { s_error = e; }
                Volatile.Write(ref _job, null);
                Interlocked.Decrement(ref s_pending);
            }
        }

        IGemmPart WaitForJob()
        {
            long until = Stopwatch.GetTimestamp() + SpinTicks;
            while (true)
            {
                if (Volatile.Read(ref _job) is { } j) return j;
                if (Stopwatch.GetTimestamp() < until) { Thread.SpinWait(20); continue; }
                _wake.Reset();
                Interlocked.Exchange(ref _sleeping, 1); // full fence: announce, then re-check
                if (Volatile.Read(ref _job) is null) _wake.Wait();
                Volatile.Write(ref _sleeping, 0);
                until = Stopwatch.GetTimestamp() + SpinTicks;
            }
        }
    }
}
