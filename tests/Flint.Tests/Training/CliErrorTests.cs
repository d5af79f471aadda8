using System.Text.RegularExpressions;
using Flint.Cli;
using Flint.Cli.Training;
using Flint.Optim;
using Flint.Serialization;
using Spectre.Console;

namespace Flint.Tests.Training;

/// <summary>
/// The command line never crashes and never trains on garbage: each bad input ends in one "error: …" sentence on
/// standard error and a non-zero exit code, or in a decision the run prints. The runs are a few epochs of Iris.
/// </summary>
[Collection("DefaultGenerator")]
public sealed class CliErrorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("flint-cli-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Out => Path.Combine(_dir, "run");
    private string CheckpointPath => Path.Combine(Out, "checkpoint.pth.tar");

    private (int Rc, string Stdout, string Stderr) Cli(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int rc = CliApp.Run(args, o, e, live: false);
        return (rc, o.ToString(), e.ToString());
    }

    /// <summary>Trains 2 epochs, then lets <paramref name="edit"/> change the checkpoint, then resumes it.</summary>
    private (int Rc, string Stdout, string Stderr) ResumeAfter(Action<OrderedDict> edit)
    {
        Assert.Equal(0, Cli("--epochs", "2", "--out", Out, "--no-resume").Rc);
        var ck = Torch.Load<OrderedDict>(CheckpointPath);
        edit(ck);
        Torch.Save(ck, CheckpointPath);
        return Cli("--epochs", "3", "--out", Out);
    }

    /// <summary>Exit code 1 and a single-line error that contains <paramref name="expected"/>.</summary>
    private static void FailsWith((int Rc, string Stdout, string Stderr) r, string expected)
    {
        Assert.Equal(CliApp.RunFailed, r.Rc);
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(expected, lines[0]);
    }

    [Fact]
    public void AnotherOptimizersStateIsRefused()
        => FailsWith(ResumeAfter(ck =>
        {
            var model = new CustomModel();
            ck["opt"] = new SGD(model.Parameters(), lr: 0.1, momentum: 0.9).StateDict();
        }), "parameter group 0 has no 'betas' option, so it is not an Adam state dict");

    [Fact]
    public void EpochMustBeAWholeNonNegativeNumber()
    {
        FailsWith(ResumeAfter(ck => ck["epoch"] = "2"), "entry 'epoch' is a str ('2'), not an int");
        FailsWith(ResumeAfter(ck => ck["epoch"] = 2.5), "entry 'epoch' is a float (2.5), not an int");
        FailsWith(ResumeAfter(ck => ck["epoch"] = -3L), "its epoch is -3, and a count of epochs cannot be negative");
    }

    [Fact]
    public void StateDictMustBeADictOfTensors()
    {
        FailsWith(ResumeAfter(ck => ck["state_dict"] = new List<object?> { Torch.Ones(1) }), "entry 'state_dict' is a list, not an OrderedDict");
        FailsWith(ResumeAfter(ck => ck.Get<OrderedDict>("state_dict")["hidden.bias"] = "zeros"),
            "while copying the parameter named \"hidden.bias\", expected torch.Tensor or Tensor-like object from checkpoint but received str");
        FailsWith(ResumeAfter(ck => ck.Get<OrderedDict>("state_dict")["out.bias"] = Torch.Zeros(7)), "size mismatch for out.bias");
    }

    [Fact]
    public void HistoryMustHoldNumbers()
    {
        FailsWith(ResumeAfter(ck => ck.Get<OrderedDict>("history")["loss"] = new List<object?> { 0.5, "abc" }),
            "its history 'loss' holds a str, not a number");
        FailsWith(ResumeAfter(ck => ck.Get<OrderedDict>("history")["test_acc"] = new List<object?> { 0.5 }),
            "its history does not cover epochs 1..2");
    }

    [Fact]
    public void OptimizerStateMustFitTheParameters()
    {
        FailsWith(ResumeAfter(ck =>
        {
            var state = ck.Get<OrderedDict>("opt").Get<OrderedDict>("state");
            state.Get<OrderedDict>(0L)["exp_avg"] = Torch.Zeros(3);
        }), "its optimizer's 'exp_avg' for parameter 0 does not have the parameter's shape");
        FailsWith(ResumeAfter(ck =>
        {
            var group = (OrderedDict)ck.Get<OrderedDict>("opt").Get<List<object?>>("param_groups")[0]!;
            group["lr"] = double.NaN;
        }), "its optimizer's learning rate is NaN, not a finite positive number");
    }

    [Fact]
    public void NotACheckpointAtAll()
    {
        Directory.CreateDirectory(Out);
        Torch.Save(new List<object?> { 1L, 2L }, CheckpointPath);
        FailsWith(Cli("--epochs", "3", "--out", Out), "it holds a list, not a training checkpoint (a dict)");
        File.WriteAllBytes(CheckpointPath, [1, 2, 3, 4, 5]);
        FailsWith(Cli("--epochs", "3", "--out", Out), $"cannot resume from '{CheckpointPath}'");
    }

    [Fact]
    public void NonFiniteOrNonPositiveLearningRatesAreUsageErrors()
    {
        foreach (var lr in new[] { "NaN", "Infinity", "-Infinity", "0", "-1", "abc" })
        {
            var r = Cli("--lr", lr, "--epochs", "1", "--out", Out);
            Assert.Equal(CliApp.UsageError, r.Rc);
            Assert.StartsWith($"error: --lr needs a finite positive number, got '{lr}'\n", r.Stderr.Replace("\r\n", "\n"));
        }
        Assert.False(Directory.Exists(Out)); // nothing was trained
    }

    [Fact]
    public void CsvCellsMustBeFiniteAndTargetsPresent()
    {
        string csv = Path.Combine(_dir, "d.csv");
        foreach (var bad in new[] { "nan", "NaN", "Infinity", "-Infinity", "1e60" })
        {
            File.WriteAllLines(csv, ["a,b,label", "1,2,x", $"3,{bad},y", "5,6,x", "7,8,y"]);
            FailsWith(Cli("csv", csv, "--epochs", "1", "--out", Out), $"CSV row 2, column 'b': '{bad}' is not a finite number");
        }
        File.WriteAllLines(csv, ["a,b,label", "1,2,x", "3,4,", "5,6,x", "7,8,y"]);
        FailsWith(Cli("csv", csv, "--epochs", "1", "--out", Out), "CSV row 2: the target column 'label' is empty");
    }

    [Fact]
    public void LrOnAResumedRunReplacesTheCheckpointsAndSaysSo()
    {
        Assert.Equal(0, Cli("--epochs", "2", "--out", Out).Rc);
        var kept = Cli("--epochs", "3", "--out", Out);
        Assert.Equal(0, kept.Rc);
        Assert.Contains("Adam lr=0.01 (from the checkpoint)", kept.Stdout);
        var r = Cli("--epochs", "4", "--lr", "0.02", "--out", Out);
        Assert.Equal(0, r.Rc);
        Assert.Contains("--lr 0.02 replaces the checkpoint's learning rate 0.01", r.Stdout);
        Assert.Contains("Adam lr=0.02,", r.Stdout);
        var group = (OrderedDict)Torch.Load<OrderedDict>(CheckpointPath).Get<OrderedDict>("opt").Get<List<object?>>("param_groups")[0]!;
        Assert.Equal(0.02, group.Get<double>("lr"));
    }

    [Fact]
    public void ADivergingLossStopsTrainingWithAMessage()
    {
        var r = Cli("--lr", "1e30", "--epochs", "5", "--out", Out);
        FailsWith(r, "the loss became NaN at epoch 1");
        Assert.Contains("so training stopped before any checkpoint was saved; a smaller --lr often helps, and --detect-anomaly", r.Stderr);
        Assert.False(File.Exists(CheckpointPath));
        // with anomaly detection on, the hint is not repeated (here the forward overflows before any gradient is NaN)
        var a = Cli("--lr", "1e30", "--epochs", "5", "--out", Out, "--detect-anomaly");
        FailsWith(a, "the loss became NaN at epoch 1");
        Assert.DoesNotContain("--detect-anomaly", a.Stderr);
    }

    [Fact]
    public void ALiveProgressBarEndsItsLineBeforeAnError()
    {
        var screen = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes, Interactive = InteractionSupport.Yes, Out = new AnsiConsoleOutput(screen),
        });
        Assert.Throws<LossDivergedException>(() => TrainingProgress.Run(console, TextWriter.Null, 1, 10, 4, sink =>
        {
            sink.Step();
            sink.Epoch(1, 0.5, 0.5, 0.5);
            Thread.Sleep(400); // Spectre redraws every 100 ms: let a frame with the bar reach the screen
            throw new LossDivergedException("diverged");
        }));
        string visible = Regex.Replace(screen.ToString(), "\u001b\\[[0-9;?]*[A-Za-z]", "");
        Assert.Contains("epoch  1/10", visible);
        Assert.EndsWith("\n", visible.TrimEnd(' ')); // the next output starts on a line of its own
    }

    [Fact]
    public void RateAndTimeLeftCountStepsAndSkipTheFirstEpoch()
    {
        double now = 0;
        var meter = new Throughput(totalSteps: 100, clock: () => now);
        for (int i = 0; i < 10; i++) meter.Step();
        now = 5;                // a slow first epoch (start-up)
        meter.EpochDone();
        Assert.Null(meter.StepsPerSecond);
        Assert.Equal("– it/s  eta –", meter.Describe());
        for (int i = 0; i < 10; i++) meter.Step();
        now = 6;                // 10 steps in one second once warm
        meter.EpochDone();
        Assert.Equal(10.0, meter.StepsPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(8), meter.Remaining); // 80 steps left at 10 steps/s
        Assert.Equal("10 it/s  eta 8.0 s", meter.Describe());
    }
}
