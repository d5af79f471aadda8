using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Flint.Cli.Training;

/// <summary>What the training loop reports to a progress display.</summary>
public interface IProgressSink
{
    /// <summary>One optimizer step done.</summary>
    void Step();

    /// <summary>A finished epoch (1-based) with its mean loss and accuracies.</summary>
    void Epoch(int epoch, double loss, double trainAcc, double testAcc);
}

/// <summary>
/// Progress of a training run: a Spectre.Console progress bar on a terminal, or plain lines (every tenth of the run)
/// when the output is redirected. Rate and time left both count optimizer steps (<see cref="Throughput"/>).
/// </summary>
public static class TrainingProgress
{
    /// <summary>
    /// Runs <paramref name="body"/> while showing its progress: live on <paramref name="console"/> if given, else as
    /// lines on <paramref name="log"/>. The live display is finished (its last frame drawn and the line ended) before
    /// this returns or throws, so whatever is printed next starts on a line of its own.
    /// </summary>
    public static void Run(IAnsiConsole? console, TextWriter log, int firstEpoch, int lastEpoch, long stepsPerEpoch,
        Action<IProgressSink> body)
    {
        var meter = new Throughput((lastEpoch - firstEpoch + 1) * stepsPerEpoch);
        if (console is null) { body(new Lines(log, meter, firstEpoch, lastEpoch)); return; }
        console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(),
                     new PercentageColumn(), new RateColumn(meter))
            .Start(ctx =>
            {
                var task = ctx.AddTask(Describe(firstEpoch - 1, lastEpoch, null), maxValue: meter.TotalSteps);
                body(new Live(task, meter, lastEpoch));
            });
    }

    private static string Describe(int epoch, int last, (double Loss, double Train, double Test)? stats)
    {
        string head = $"epoch {epoch.ToString().PadLeft(last.ToString().Length)}/{last}";
        return stats is { } s
            ? string.Format(CultureInfo.InvariantCulture, "{0}  loss {1:0.0000}  acc {2:0.000}/{3:0.000} (train/test)",
                head, s.Loss, s.Train, s.Test)
            : head;
    }

    private sealed class Live(ProgressTask task, Throughput meter, int last) : IProgressSink
    {
        public void Step() { meter.Step(); task.Increment(1); }

        public void Epoch(int epoch, double loss, double trainAcc, double testAcc)
        {
            meter.EpochDone();
            task.Description = Markup.Escape(Describe(epoch, last, (loss, trainAcc, testAcc)));
        }
    }

    private sealed class Lines(TextWriter log, Throughput meter, int first, int last) : IProgressSink
    {
        public void Step() => meter.Step();

        public void Epoch(int epoch, double loss, double trainAcc, double testAcc)
        {
            meter.EpochDone();
            int done = epoch - first + 1, total = last - first + 1, every = Math.Max(1, total / 10);
            if (done % every == 0 || epoch == last || done == 1)
                log.WriteLine(Describe(epoch, last, (loss, trainAcc, testAcc)) + "  " + meter.Describe());
        }
    }

    /// <summary>Steps per second and time left, from the same <see cref="Throughput"/> as the plain lines.</summary>
    private sealed class RateColumn(Throughput meter) : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime)
            => new Text(task.IsFinished ? $"{meter.Steps} steps in {meter.Seconds:0.0} s" : meter.Describe(),
                new Style(Color.Grey));
    }
}
