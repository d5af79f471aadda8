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
/// then sleep on an event so an idle process burns no CPU.
/// Parts are claimed from a shared counter, the caller included: when a worker is slow to start
/// (another process holds its core) the caller simply runs the remaining parts itself and waits
/// only for parts already under way, never for a thread that has not been scheduled.
/// </summary>
internal static class GemmWorkers
{
    static readonly object s_gate = new();
    static Worker[] s_workers = [];

    /// <summary>How long an idle worker spins before sleeping.</summary>
    static readonly long SpinTicks = Stopwatch.Frequency / 5000; // 200 µs

    /// <summary>One split call: its parts, the claim counter and the completion counter.</summary>
    sealed class Job(IGemmPart body, int count)
    {
        int _next, _done;
        Exception? _error;

        public void Participate()
        {
            bool outer = t_inJob;
            t_inJob = true;
            try { ParticipateCore(); }
            finally { t_inJob = outer; }
        }

        void ParticipateCore()
        {
            int i;
            while ((i = Interlocked.Increment(ref _next) - 1) < count)
            {
                try { body.Execute(i); }
                catch (Exception e) { _error = e; }
                Interlocked.Increment(ref _done);
            }
        }

        public void WaitAndRethrow()
        {
            var spin = new SpinWait();
            while (Volatile.Read(ref _done) < count) spin.SpinOnce(sleep1Threshold: -1);
            if (_error is { } e) ExceptionDispatchInfo.Capture(e).Throw();
        }
    }

    /// <summary>Set while this thread runs parts of a job: a nested split runs inline instead.</summary>
    [ThreadStatic] static bool t_inJob;

    /// <summary>
    /// Runs body.Execute(0..count) on the caller and up to threads-1 workers (default: one thread per part). More parts
    /// than threads balance uneven progress: whoever finishes first claims the next part.
    /// </summary>
    public static void Run(int count, IGemmPart body, int threads = int.MaxValue)
    {
        threads = Math.Min(threads, count);
        if (threads <= 1 || t_inJob || !Monitor.TryEnter(s_gate))
        {
            // One part, or another thread's split GEMM holds the workers: run inline.
            for (int i = 0; i < count; i++) body.Execute(i);
            return;
        }
        try
        {
            if (s_workers.Length < threads - 1) Grow(threads - 1);
            var job = new Job(body, count);
            for (int w = 0; w < threads - 1; w++) s_workers[w].Post(job);
            job.Participate();
            job.WaitAndRethrow();
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
        Job? _job;
        int _sleeping;
        readonly ManualResetEventSlim _wake = new(false, spinCount: 1);

        public Worker(int index)
        {
            var t = new Thread(Loop) { IsBackground = true, Name = $"Flint GEMM worker {index}" };
            t.Start();
        }

        public void Post(Job job)
        {
            // A job the worker never picked up is simply replaced: its caller ran all its parts.
            Interlocked.Exchange(ref _job, job); // full fence: publish before reading _sleeping
            if (Volatile.Read(ref _sleeping) != 0) _wake.Set();
        }

        void Loop()
        {
            while (true) WaitForJob().Participate();
        }

        Job WaitForJob()
        {
            long until = Stopwatch.GetTimestamp() + SpinTicks;
            while (true)
            {
                if (Volatile.Read(ref _job) != null && Interlocked.Exchange(ref _job, null) is { } j) return j;
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
