using System.Diagnostics;
using Google.Protobuf;
using Tensorboard;

namespace Flint.Utils.TensorBoard;

/// <summary>
/// One event file in a log directory (PyTorch's FileWriter / EventFileWriter): named
/// <c>events.out.tfevents.{seconds}.{host}.{pid}.{n}{suffix}</c>, opened with the <c>brain.Event:2</c> version
/// event, and written record by record. Events wait in memory until <c>maxQueue</c> of them are pending or
/// <c>flushSecs</c> have passed since the last flush (checked as events arrive), or until Flush or Close.
/// </summary>
internal sealed class EventFileWriter : IDisposable
{
    private static int _uid;
    private readonly FileStream _file;
    private readonly List<byte[]> _pending = new();
    private readonly int _maxQueue;
    private readonly double _flushSecs;
    private readonly Stopwatch _sinceFlush = Stopwatch.StartNew();
    private readonly object _lock = new();
    private bool _closed;

    public string LogDir { get; }
    public string FilePath { get; }

    public EventFileWriter(string logDir, int maxQueue, double flushSecs, string filenameSuffix)
    {
        LogDir = logDir;
        _maxQueue = Math.Max(1, maxQueue);
        _flushSecs = flushSecs;
        Directory.CreateDirectory(logDir);
        long seconds = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string name = $"events.out.tfevents.{seconds:D10}.{Environment.MachineName}.{Environment.ProcessId}.{Interlocked.Increment(ref _uid) - 1}{filenameSuffix}";
        FilePath = Path.Combine(logDir, name);
        _file = new FileStream(FilePath, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        Add(new Event { WallTime = SummaryWriter.Now(), FileVersion = "brain.Event:2" });
        Flush();
    }

    public void Add(Event e)
    {
        var bytes = e.ToByteArray();
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            _pending.Add(bytes);
            if (_pending.Count >= _maxQueue || _sinceFlush.Elapsed.TotalSeconds >= _flushSecs) FlushLocked();
        }
    }

    public void Flush()
    {
        lock (_lock) { if (!_closed) FlushLocked(); }
    }

    private void FlushLocked()
    {
        foreach (var record in _pending) TfRecord.Write(_file, record);
        _pending.Clear();
        _file.Flush(flushToDisk: false);
        _sinceFlush.Restart();
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_closed) return;
            FlushLocked();
            _closed = true;
            _file.Dispose();
        }
    }
}
