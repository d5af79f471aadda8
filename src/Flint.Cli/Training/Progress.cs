using System.Diagnostics;
using System.Globalization;

namespace Flint.Cli.Training;

/// <summary>
/// A live progress bar on a terminal (one line redrawn in place, at most every 50 ms) or, when output is
/// redirected, a plain line every tenth of the run.
/// </summary>
public sealed class Progress
{
    private readonly TextWriter _out;
    private readonly bool _live;
    private readonly int _first, _last;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _lastDraw = -1000;
    private long _steps;
    private int _lastLineLength;

    public Progress(TextWriter output, bool live, int firstEpoch, int lastEpoch)
    {
        _out = output; _live = live; _first = firstEpoch; _last = lastEpoch;
    }

    public void AddSteps(long n) => _steps += n;

    /// <summary>Reports a finished epoch (1-based) with its mean loss and accuracies.</summary>
    public void Epoch(int epoch, double loss, double trainAcc, double testAcc)
    {
        double secs = Math.Max(_clock.Elapsed.TotalSeconds, 1e-9);
        int done = epoch - _first + 1, total = _last - _first + 1;
        double epochsPerSec = done / secs;
        double eta = (total - done) / Math.Max(epochsPerSec, 1e-9);
        string stats = string.Format(CultureInfo.InvariantCulture,
            "epoch {0," + _last.ToString().Length + "}/{1}  loss {2:0.0000}  train acc {3:0.000}  test acc {4:0.000}  {5:0} it/s  {6:0.0} epochs/s",
            epoch, _last, loss, trainAcc, testAcc, _steps / secs, epochsPerSec);
        if (_live)
        {
            long now = _clock.ElapsedMilliseconds;
            if (epoch != _last && now - _lastDraw < 50) return;
            _lastDraw = now;
            const int width = 20;
            int filled = (int)Math.Round(width * (double)done / total);
            string bar = "[" + new string('#', filled) + new string('.', width - filled) + "] ";
            string compact = string.Format(CultureInfo.InvariantCulture,
                "{0}/{1} loss {2:0.0000} acc {3:0.000}/{4:0.000} (train/test) {5:0} it/s",
                epoch, _last, loss, trainAcc, testAcc, _steps / secs);
            string line = bar + compact + (epoch == _last ? "" : string.Format(CultureInfo.InvariantCulture, " eta {0:0.0}s", eta));
            // never wrap: a wrapped line cannot be redrawn with \r
            int cols = TerminalWidth();
            if (cols > 10 && line.Length > cols - 1) line = line[..(cols - 1)];
            _out.Write("\r" + line.PadRight(_lastLineLength));
            _lastLineLength = line.Length;
            if (epoch == _last) _out.WriteLine();
            _out.Flush();
        }
        else
        {
            int every = Math.Max(1, total / 10);
            if (done % every == 0 || epoch == _last || done == 1) _out.WriteLine(stats);
        }
    }

    public double Seconds => _clock.Elapsed.TotalSeconds;

    private static int TerminalWidth()
    {
        try { return Console.IsOutputRedirected ? 0 : Console.WindowWidth; }
        catch (IOException) { return 0; }
        catch (PlatformNotSupportedException) { return 0; }
    }
}
