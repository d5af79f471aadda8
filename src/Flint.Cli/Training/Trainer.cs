using System.Collections;
using System.Globalization;
using Flint.Cli.Plot;
using Flint.Data;
using Flint.NN;
using Flint.Optim;

namespace Flint.Cli.Training;

/// <summary>What to train and where to keep its files.</summary>
public sealed class TrainSpec
{
    public required string Title { get; init; }
    public required Func<Module<Tensor, Tensor>> MakeModel { get; init; }
    public required TensorDataset Train { get; init; }
    public required TensorDataset Test { get; init; }
    public required string OutDir { get; init; }
    public int Epochs { get; init; } = 1000;
    /// <summary>
    /// Whether Epochs was asked for (--epochs: the total to reach). Otherwise a run that resumes a checkpoint already
    /// past it trains Epochs more, so running the same command again continues training.
    /// </summary>
    public bool EpochsGiven { get; init; }
    public double Lr { get; init; } = 0.01;
    public int BatchSize { get; init; } = 32;
    public long Seed { get; init; } = 0;
    public bool Resume { get; init; } = true;
    public bool Plot { get; init; } = true;
    /// <summary>Save the checkpoint every this many epochs (and always at the end); 0 picks a tenth of the run.</summary>
    public int SaveEvery { get; init; }
    public string CheckpointPath => Path.Combine(OutDir, "checkpoint.pth.tar");
    public string PlotPath => Path.Combine(OutDir, "curves.png");
}

/// <summary>What a run did.</summary>
public sealed class TrainResult
{
    public required Module<Tensor, Tensor> Model { get; init; }
    public required Optimizer Optimizer { get; init; }
    public bool Resumed { get; init; }
    public int StartEpoch { get; init; }
    public int EndEpoch { get; init; }
    public double TrainAccuracy { get; init; }
    public double TestAccuracy { get; init; }
    public required List<double> Loss { get; init; }
    public required List<double> TrainAcc { get; init; }
    public required List<double> TestAcc { get; init; }
}

/// <summary>
/// The seed tutorial's training loop: Adam, CrossEntropyLoss, mini-batches from a shuffling DataLoader, and a
/// checkpoint <c>{epoch, state_dict, opt}</c> in PyTorch's format that a later run resumes from. The checkpoint also
/// holds the default generator's state (dropout masks and shuffles both draw from it) and the curves so far, so a
/// resumed run continues bitwise-identically to one that was never interrupted.
/// </summary>
public static class Trainer
{
    public static TrainResult Run(TrainSpec spec, TextWriter log, bool live = false)
    {
        Torch.ManualSeed(spec.Seed);
        var model = spec.MakeModel();
        var lossFn = new CrossEntropyLoss();
        var opt = new Adam(model.Parameters(), lr: spec.Lr);

        log.WriteLine(model);
        log.WriteLine($"parameters: {Models.ParameterCount(model)}");
        log.WriteLine($"data: {spec.Train.Count} training rows, {spec.Test.Count} test rows; Adam lr={spec.Lr.ToString(CultureInfo.InvariantCulture)}, batch size {spec.BatchSize}, seed {spec.Seed}");

        var loss = new List<double>();
        var trainAcc = new List<double>();
        var testAcc = new List<double>();
        int start = 0, end = spec.Epochs;
        bool resumed = false;
        if (spec.Resume && File.Exists(spec.CheckpointPath))
        {
            start = LoadCheckpoint(spec.CheckpointPath, model, opt, loss, trainAcc, testAcc);
            resumed = true;
            log.WriteLine($"resumed from checkpoint '{spec.CheckpointPath}' (epoch {start})");
            if (start >= end && !spec.EpochsGiven) end = start + spec.Epochs;
            if (start >= end)
                log.WriteLine($"already trained for {start} epochs (target {end}): nothing to train; pass --epochs N (N > {start}) to continue, or --no-resume to start over");
            else
                log.WriteLine($"continuing training from epoch {start + 1} to {end}");
        }
        else if (!spec.Resume && File.Exists(spec.CheckpointPath))
            log.WriteLine($"--no-resume: ignoring the existing checkpoint '{spec.CheckpointPath}' (it will be overwritten)");

        var loader = new DataLoader(spec.Train, batchSize: spec.BatchSize, shuffle: true);
        int saveEvery = spec.SaveEvery > 0 ? spec.SaveEvery : Math.Max(1, end / 10);
        Directory.CreateDirectory(spec.OutDir);
        if (start < end)
        {
            var progress = new Progress(log, live, start + 1, end);
            for (int epoch = start; epoch < end; epoch++)
            {
                model.Train();
                double sum = 0;
                long rows = 0;
                foreach (var batch in loader)
                {
                    var (xb, yb) = (batch[0], batch[1]);
                    opt.ZeroGrad();
                    var l = lossFn.Forward(model.Call(xb), yb);
                    l.Backward();
                    opt.Step();
                    long n = xb.Size(0);
                    sum += l.Item() * n;
                    rows += n;
                    progress.AddSteps(1);
                }
                loss.Add(sum / rows);
                trainAcc.Add(Accuracy(model, spec.Train));
                testAcc.Add(Accuracy(model, spec.Test));
                progress.Epoch(epoch + 1, loss[^1], trainAcc[^1], testAcc[^1]);
                if ((epoch + 1) % saveEvery == 0 || epoch + 1 == end)
                    SaveCheckpoint(spec.CheckpointPath, epoch + 1, model, opt, loss, trainAcc, testAcc);
            }
            log.WriteLine($"trained epochs {start + 1}..{end} in {progress.Seconds:0.00} s");
        }

        double finalTrain = Accuracy(model, spec.Train), finalTest = Accuracy(model, spec.Test);
        log.WriteLine($"train accuracy: {finalTrain:0.0000}");
        log.WriteLine($"test accuracy:  {finalTest:0.0000}");
        log.WriteLine($"checkpoint: {Path.GetFullPath(spec.CheckpointPath)}");
        if (spec.Plot && loss.Count > 0)
        {
            Chart.SaveTrainingCurves(spec.PlotPath, spec.Title, loss, trainAcc, testAcc);
            log.WriteLine($"plot:       {Path.GetFullPath(spec.PlotPath)}");
        }
        return new TrainResult
        {
            Model = model, Optimizer = opt, Resumed = resumed, StartEpoch = start, EndEpoch = Math.Max(start, end),
            TrainAccuracy = finalTrain, TestAccuracy = finalTest, Loss = loss, TrainAcc = trainAcc, TestAcc = testAcc,
        };
    }

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

    /// <summary>
    /// Writes <c>{"epoch", "state_dict", "opt", "rng_state", "history"}</c> with Torch.Save (PyTorch's zip format,
    /// written atomically): PyTorch can load it and restore the model and an Adam optimizer from it.
    /// </summary>
    public static void SaveCheckpoint(string path, int epoch, Module model, Optimizer opt, List<double> loss, List<double> trainAcc, List<double> testAcc)
    {
        var state = new Dictionary<string, object?>
        {
            ["epoch"] = (long)epoch,
            ["state_dict"] = model.StateDict(),
            ["opt"] = opt.StateDict(),
            ["rng_state"] = Torch.FromArray(Torch.GetRngState()),
            ["history"] = new Dictionary<string, object?>
            {
                ["loss"] = new List<double>(loss), ["train_acc"] = new List<double>(trainAcc), ["test_acc"] = new List<double>(testAcc),
            },
        };
        Torch.Save(state, path);
    }

    /// <summary>Restores model, optimizer, RNG and curves from a checkpoint; returns the number of epochs it had done.</summary>
    public static int LoadCheckpoint(string path, Module model, Optimizer opt, List<double> loss, List<double> trainAcc, List<double> testAcc)
    {
        if (Torch.Load(path) is not IDictionary ck)
            throw new InvalidDataException($"'{path}' is not a training checkpoint (expected a dictionary)");
        if (!ck.Contains("state_dict") || !ck.Contains("opt") || !ck.Contains("epoch"))
            throw new InvalidDataException($"'{path}' is not a training checkpoint: it needs 'epoch', 'state_dict' and 'opt'");
        var sd = new List<KeyValuePair<string, Tensor>>();
        foreach (DictionaryEntry e in (IDictionary)ck["state_dict"]!) sd.Add(new((string)e.Key, (Tensor)e.Value!));
        model.LoadStateDict(sd);
        opt.LoadStateDict((IDictionary)ck["opt"]!);
        if (ck.Contains("rng_state") && ck["rng_state"] is Tensor rng) Torch.SetRngState(rng.ToArray<byte>());
        loss.Clear(); trainAcc.Clear(); testAcc.Clear();
        if (ck.Contains("history") && ck["history"] is IDictionary h)
        {
            Fill(loss, h, "loss"); Fill(trainAcc, h, "train_acc"); Fill(testAcc, h, "test_acc");
        }
        return (int)Convert.ToInt64(ck["epoch"]);
    }

    private static void Fill(List<double> dst, IDictionary h, string key)
    {
        if (h.Contains(key) && h[key] is IEnumerable e) foreach (var v in e) dst.Add(Convert.ToDouble(v));
    }
}
