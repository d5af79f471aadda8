using System.Globalization;
using Flint.Data;
using Flint.NN;
using Flint.Optim;
using Flint.Utils.TensorBoard;
using Spectre.Console;

namespace Flint.Cli.Training;

/// <summary>What to train and where to keep its files.</summary>
public sealed class TrainSpec
{
    /// <summary>The run's title (plot title, TensorBoard text).</summary>
    public required string Title { get; init; }
    /// <summary>Makes a fresh model (called after seeding the default generator).</summary>
    public required Func<Module<Tensor, Tensor>> MakeModel { get; init; }
    /// <summary>The training rows.</summary>
    public required TensorDataset Train { get; init; }
    /// <summary>The test rows.</summary>
    public required TensorDataset Test { get; init; }
    /// <summary>Where the checkpoint and plots go.</summary>
    public required string OutDir { get; init; }
    /// <summary>The total epochs to reach (see <see cref="EpochsGiven"/>).</summary>
    public int Epochs { get; init; } = 1000;
    /// <summary>
    /// Whether Epochs was asked for (--epochs: the total to reach). Otherwise a run that resumes a checkpoint already
    /// past it trains Epochs more, so running the same command again continues training.
    /// </summary>
    public bool EpochsGiven { get; init; }
    /// <summary>Adam's learning rate for a new run.</summary>
    public double Lr { get; init; } = 0.01;
    /// <summary>
    /// Whether Lr was asked for (--lr): then it also replaces a resumed checkpoint's learning rate; otherwise a
    /// resumed run keeps the checkpoint's.
    /// </summary>
    public bool LrGiven { get; init; }
    /// <summary>Mini-batch size.</summary>
    public int BatchSize { get; init; } = 32;
    /// <summary>Seed of the default generator (weights, shuffles, dropout).</summary>
    public long Seed { get; init; } = 0;
    /// <summary>Resume from the checkpoint in OutDir if there is one.</summary>
    public bool Resume { get; init; } = true;
    /// <summary>Write the curves as PNG and SVG at the end.</summary>
    public bool Plot { get; init; } = true;
    /// <summary>A directory for TensorBoard event files (--tensorboard), or null.</summary>
    public string? TensorBoardDir { get; init; }
    /// <summary>Run with autograd's anomaly detection (names the op whose backward produced NaN).</summary>
    public bool DetectAnomaly { get; init; }
    /// <summary>Save the checkpoint every this many epochs (and always at the end); 0 picks a tenth of the run.</summary>
    public int SaveEvery { get; init; }
    /// <summary>The checkpoint's path.</summary>
    public string CheckpointPath => Path.Combine(OutDir, "checkpoint.pth.tar");
    /// <summary>The PNG plot's path.</summary>
    public string PlotPath => Path.Combine(OutDir, "curves.png");
    /// <summary>The SVG plot's path.</summary>
    public string SvgPath => Path.Combine(OutDir, "curves.svg");
}

/// <summary>What a run did.</summary>
public sealed class TrainResult
{
    /// <summary>The trained model.</summary>
    public required Module<Tensor, Tensor> Model { get; init; }
    /// <summary>Its optimizer.</summary>
    public required Optimizer Optimizer { get; init; }
    /// <summary>Whether the run resumed a checkpoint.</summary>
    public bool Resumed { get; init; }
    /// <summary>Epochs done before this run.</summary>
    public int StartEpoch { get; init; }
    /// <summary>Epochs done after it.</summary>
    public int EndEpoch { get; init; }
    /// <summary>Final train accuracy.</summary>
    public double TrainAccuracy { get; init; }
    /// <summary>Final test accuracy.</summary>
    public double TestAccuracy { get; init; }
    /// <summary>The curves, from the first epoch the checkpoint knows.</summary>
    public required History History { get; init; }
}

/// <summary>Training stopped because the loss is no longer a finite number.</summary>
public sealed class LossDivergedException(string message) : Exception(message);

/// <summary>
/// The seed tutorial's training loop: Adam, CrossEntropyLoss, mini-batches from a shuffling DataLoader, and a
/// checkpoint <c>{epoch, state_dict, opt}</c> in PyTorch's format that a later run resumes from. The checkpoint also
/// holds the default generator's state (dropout masks and shuffles both draw from it) and the curves so far, so a
/// resumed run continues bitwise-identically to one that was never interrupted.
/// </summary>
public static class Trainer
{
    /// <summary>Trains as <paramref name="spec"/> says, reporting on <paramref name="log"/> (live on a console if given).</summary>
    public static TrainResult Run(TrainSpec spec, TextWriter log, IAnsiConsole? live = null)
    {
        Torch.ManualSeed(spec.Seed);
        var model = spec.MakeModel();
        var lossFn = new CrossEntropyLoss();
        var opt = new Adam(model.Parameters(), lr: spec.Lr);

        log.WriteLine(model);
        log.WriteLine($"parameters: {Models.ParameterCount(model)}");
        log.WriteLine($"data: {spec.Train.Count} training rows, {spec.Test.Count} test rows");

        var history = new History();
        int start = 0, end = spec.Epochs;
        bool resumed = false;
        if (spec.Resume && File.Exists(spec.CheckpointPath))
        {
            start = Checkpoint.Load(spec.CheckpointPath, model, opt, history);
            resumed = true;
            log.WriteLine($"resumed from checkpoint '{spec.CheckpointPath}' (epoch {start})");
            if (start >= end && !spec.EpochsGiven) end = start + spec.Epochs;
            if (start >= end)
                log.WriteLine($"already trained for {start} epochs (target {end}): nothing to train; pass --epochs N (N > {start}) to continue, or --no-resume to start over");
            else
                log.WriteLine($"continuing training from epoch {start + 1} to {end}");
            double saved = opt.ParamGroups[0].Lr;
            if (spec.LrGiven && saved != spec.Lr)
            {
                foreach (var g in opt.ParamGroups) g.Lr = spec.Lr;
                log.WriteLine($"--lr {Num(spec.Lr)} replaces the checkpoint's learning rate {Num(saved)}");
            }
        }
        else if (!spec.Resume && File.Exists(spec.CheckpointPath))
            log.WriteLine($"--no-resume: ignoring the existing checkpoint '{spec.CheckpointPath}' (it will be overwritten)");
        log.WriteLine($"Adam lr={Num(opt.ParamGroups[0].Lr)}{(resumed && !spec.LrGiven ? " (from the checkpoint)" : "")}, batch size {spec.BatchSize}, seed {spec.Seed}");

        var loader = new DataLoader(spec.Train, batchSize: spec.BatchSize, shuffle: true);
        int saveEvery = spec.SaveEvery > 0 ? spec.SaveEvery : Math.Max(1, end / 10);
        Directory.CreateDirectory(spec.OutDir);
        using var board = spec.TensorBoardDir is { } tbDir ? new SummaryWriter(tbDir) : null;
        board?.AddText("run", $"{spec.Title}: {Models.ParameterCount(model)} parameters, Adam lr={Num(opt.ParamGroups[0].Lr)}, "
            + $"batch size {spec.BatchSize}, seed {spec.Seed}, epochs {start + 1}..{end}", start);
        if (start < end)
        {
            using var anomaly = spec.DetectAnomaly ? Torch.Autograd.DetectAnomaly() : null;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            int lastSaved = start;
            TrainingProgress.Run(live, log, start + 1, end, loader.Count, sink =>
            {
                for (int epoch = start; epoch < end; epoch++)
                {
                    model.Train();
                    double sum = 0;
                    long rows = 0, step = 0;
                    foreach (var (xb, yb) in loader)
                    {
                        opt.ZeroGrad();
                        var l = lossFn.Forward(model.Call(xb), yb);
                        double value = l.Item();
                        step++;
                        if (!double.IsFinite(value))
                            throw new LossDivergedException(Diverged(value, epoch + 1, step, opt.ParamGroups[0].Lr, lastSaved, spec.DetectAnomaly));
                        l.Backward();
                        opt.Step();
                        long n = xb.Size(0);
                        sum += value * n;
                        rows += n;
                        sink.Step();
                    }
                    history.Loss.Add(sum / rows);
                    history.TrainAcc.Add(Accuracy(model, spec.Train));
                    history.TestAcc.Add(Accuracy(model, spec.Test));
                    sink.Epoch(epoch + 1, history.Loss[^1], history.TrainAcc[^1], history.TestAcc[^1]);
                    if (board is not null)
                    {
                        board.AddScalar("loss/train", history.Loss[^1], epoch + 1);
                        board.AddScalars("accuracy", new Dictionary<string, double>
                            { ["train"] = history.TrainAcc[^1], ["test"] = history.TestAcc[^1] }, epoch + 1);
                    }
                    if ((epoch + 1) % saveEvery == 0 || epoch + 1 == end)
                    {
                        Checkpoint.Save(spec.CheckpointPath, epoch + 1, model, opt, history);
                        lastSaved = epoch + 1;
                    }
                }
            });
            log.WriteLine($"trained epochs {start + 1}..{end} in {clock.Elapsed.TotalSeconds:0.00} s");
        }

        double finalTrain = Accuracy(model, spec.Train), finalTest = Accuracy(model, spec.Test);
        var summary = new List<(string, string)>
        {
            ("train accuracy", finalTrain.ToString("0.0000", CultureInfo.InvariantCulture)),
            ("test accuracy", finalTest.ToString("0.0000", CultureInfo.InvariantCulture)),
            ("checkpoint", Path.GetFullPath(spec.CheckpointPath)),
        };
        if (spec.Plot && history.Loss.Count > 0)
        {
            Plotting.TrainingCurves.Save(spec.PlotPath, spec.SvgPath, spec.Title, history.FirstEpoch, history.Loss, history.TrainAcc, history.TestAcc);
            summary.Add(("plot", Path.GetFullPath(spec.PlotPath) + " (and .svg)"));
        }
        if (board is not null)
        {
            foreach (var (name, p) in model.NamedParameters()) board.AddHistogram(name, p, end);
            board.AddHparams(
                new Dictionary<string, object?> { ["lr"] = opt.ParamGroups[0].Lr, ["batch_size"] = spec.BatchSize, ["seed"] = spec.Seed },
                new Dictionary<string, double> { ["hparam/train_accuracy"] = finalTrain, ["hparam/test_accuracy"] = finalTest },
                runName: "hparams", globalStep: end);
            summary.Add(("tensorboard", Path.GetFullPath(board.LogDir)));
        }
        Report.Summary(live, log, summary);
        return new TrainResult
        {
            Model = model, Optimizer = opt, Resumed = resumed, StartEpoch = start, EndEpoch = Math.Max(start, end),
            TrainAccuracy = finalTrain, TestAccuracy = finalTest, History = history,
        };
    }

    private static string Num(double v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Diverged(double value, int epoch, long step, double lr, int lastSaved, bool anomaly)
        => $"the loss became {(double.IsNaN(value) ? "NaN" : "infinite")} at epoch {epoch}, step {step} (Adam lr={Num(lr)}), "
         + (lastSaved > 0 ? $"so training stopped and the checkpoint keeps epoch {lastSaved}" : "so training stopped before any checkpoint was saved")
         + "; a smaller --lr often helps"
         + (anomaly ? "" : ", and --detect-anomaly (PyTorch's torch.autograd.set_detect_anomaly) names the operation whose gradient first turned NaN");

    /// <summary>Fraction of rows whose arg-max prediction is the target (eval mode, no grad).</summary>
    public static double Accuracy(Module<Tensor, Tensor> model, TensorDataset data)
    {
        bool wasTraining = model.Training;
        model.Eval();
        try
        {
            using (Torch.NoGrad())
            {
                var pred = model.Call(data.Tensors[0]).Argmax(1);
                return pred.Eq(data.Tensors[1]).Sum().Item() / data.Count;
            }
        }
        finally { model.Train(wasTraining); }
    }
}
