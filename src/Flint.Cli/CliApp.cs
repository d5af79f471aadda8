using System.Globalization;
using Flint.Cli.Training;
using Flint.Data;
using Flint.NN;

namespace Flint.Cli;

/// <summary>Parsed command line.</summary>
public sealed class CliOptions
{
    public string Command = "iris";
    public string? CsvPath;
    public string? Target;
    public bool CsvHeader = true;
    public int? Epochs;
    public double? Lr;
    public int? BatchSize;
    public long Seed = 0;
    public string? OutDir;
    public bool Resume = true;
    public string Model = "cnn";
    public bool Help;
}

/// <summary>The command-line program (kept in a class so tests can run it in-process).</summary>
public static class CliApp
{
    public const string HelpText = """
        Flint — train a classifier, the PyTorch tutorial way, in C#.

        Usage:
          flint [iris] [options]              the seed tutorial: Iris, hidden 4→10, ReLU, Dropout(0.2), out 10→3,
                                              CrossEntropyLoss, Adam, shuffled mini-batches (the default command)
          flint digits [--model cnn|mlp] [options]
                                              8×8 hand-written digits (bundled): a small CNN (default) or an MLP
          flint csv <path> [--target <col>] [options]
                                              a classifier for any CSV file: every other column is a numeric
                                              feature (standardized), the target's distinct values are the classes

        Options:
          --epochs <n>        total epochs to train to (iris 1000, digits 30, csv 200). A resumed run continues
                              from the checkpoint's epoch up to n; if it is already there, it only reports.
                              Without --epochs, a run resuming a finished checkpoint trains the default again.
          --lr <x>            Adam learning rate (iris 0.01, digits 0.005, csv 0.01)
          --batch-size <n>    mini-batch size (iris 32, digits 64, csv 32)
          --seed <n>          seed for the weights, the train/test split, shuffling and dropout (default 0)
          --out <dir>         where the checkpoint and the plot go (default ./flint-runs/<task>/)
          --no-resume         start from scratch even if <out>/checkpoint.pth.tar exists (it is overwritten)
          --model cnn|mlp     digits only: the model to train (default cnn)
          --target <col>      csv only: the target column, by header name or 0-based index (default: last column)
          --no-header         csv only: the file has no header row
          -h, --help          this help

        Each run prints the model as PyTorch would and its parameter count, shows a live progress bar (plain lines
        when the output is redirected), reports train and test accuracy, saves the checkpoint
        {epoch, state_dict, opt, rng_state, history} in PyTorch's format (torch.load reads it) and a PNG plot of the
        loss and accuracy curves, and says where they went. Run the same command again to resume from it.
        """;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, bool live)
    {
        CliOptions o;
        try { o = Parse(args); }
        catch (ArgumentException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            stderr.WriteLine("run with --help to see the commands and options");
            return 2;
        }
        if (o.Help) { stdout.WriteLine(HelpText); return 0; }
        try
        {
            var spec = BuildSpec(o);
            Trainer.Run(spec, stdout, live);
            return 0;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or InvalidOperationException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    public static CliOptions Parse(string[] args)
    {
        var o = new CliOptions();
        int i = 0;
        if (i < args.Length && !args[i].StartsWith('-'))
        {
            o.Command = args[i++].ToLowerInvariant();
            if (o.Command is not ("iris" or "digits" or "csv")) throw new ArgumentException($"unknown command '{args[i - 1]}' (expected iris, digits or csv)");
            if (o.Command == "csv")
            {
                if (i >= args.Length || args[i].StartsWith('-')) throw new ArgumentException("csv needs the path of a CSV file: flint csv <path> [--target <col>]");
                o.CsvPath = args[i++];
            }
        }
        for (; i < args.Length; i++)
        {
            string a = args[i];
            string Value()
            {
                if (i + 1 >= args.Length) throw new ArgumentException($"{a} needs a value");
                return args[++i];
            }
            switch (a)
            {
                case "-h" or "--help": o.Help = true; break;
                case "--epochs": o.Epochs = PositiveInt(a, Value()); break;
                case "--lr":
                    if (!double.TryParse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture, out var lr) || lr <= 0)
                        throw new ArgumentException($"--lr needs a positive number, got '{args[i]}'");
                    o.Lr = lr; break;
                case "--batch-size": o.BatchSize = PositiveInt(a, Value()); break;
                case "--seed":
                    if (!long.TryParse(Value(), out var seed)) throw new ArgumentException($"--seed needs an integer, got '{args[i]}'");
                    o.Seed = seed; break;
                case "--out": o.OutDir = Value(); break;
                case "--no-resume": o.Resume = false; break;
                case "--model":
                    o.Model = Value().ToLowerInvariant();
                    if (o.Model is not ("cnn" or "mlp")) throw new ArgumentException($"--model must be cnn or mlp, got '{args[i]}'");
                    break;
                case "--target": o.Target = Value(); break;
                case "--no-header": o.CsvHeader = false; break;
                default: throw new ArgumentException($"unknown option '{a}'");
            }
        }
        if (o.Command != "digits" && args.Contains("--model")) throw new ArgumentException("--model applies to the digits command only");
        if (o.Command != "csv" && (o.Target != null || !o.CsvHeader)) throw new ArgumentException("--target and --no-header apply to the csv command only");
        return o;
    }

    private static int PositiveInt(string name, string v)
        => int.TryParse(v, out int n) && n > 0 ? n : throw new ArgumentException($"{name} needs a positive integer, got '{v}'");

    /// <summary>The data, model and settings for a command (public so tests can run the same setups).</summary>
    public static TrainSpec BuildSpec(CliOptions o)
    {
        switch (o.Command)
        {
            case "digits":
                {
                    var d = Datasets.Digits();
                    var x = d.Features.Div(16.0); // pixels 0..16 → 0..1
                    var (train, test) = Split(x, d.Targets, 0.25, o.Seed);
                    bool cnn = o.Model == "cnn";
                    return new TrainSpec
                    {
                        Title = cnn ? "Digits 8x8 - CNN" : "Digits 8x8 - MLP",
                        MakeModel = cnn ? Models.DigitsCnn : () => Models.Mlp(64, 64, 10),
                        Train = train, Test = test,
                        OutDir = o.OutDir ?? Path.Combine("flint-runs", cnn ? "digits-cnn" : "digits-mlp"),
                        Epochs = o.Epochs ?? 30, Lr = o.Lr ?? 0.005, BatchSize = o.BatchSize ?? 64, Seed = o.Seed, Resume = o.Resume, EpochsGiven = o.Epochs is not null,
                    };
                }
            case "csv":
                {
                    var d = Datasets.FromCsv(o.CsvPath!, o.Target, o.CsvHeader);
                    if (d.NumClasses < 2) throw new InvalidDataException($"the target column has only one class ({d.ClassNames[0]}): nothing to classify");
                    var (train, test) = Split(d.Features, d.Targets, 0.25, o.Seed);
                    (train, test) = Standardize(train, test);
                    int features = (int)d.Features.Size(1), classes = d.NumClasses;
                    return new TrainSpec
                    {
                        Title = $"{Path.GetFileName(o.CsvPath)} - MLP",
                        MakeModel = () => Models.Mlp(features, 32, classes),
                        Train = train, Test = test,
                        OutDir = o.OutDir ?? Path.Combine("flint-runs", "csv-" + Path.GetFileNameWithoutExtension(o.CsvPath)),
                        Epochs = o.Epochs ?? 200, Lr = o.Lr ?? 0.01, BatchSize = o.BatchSize ?? 32, Seed = o.Seed, Resume = o.Resume, EpochsGiven = o.Epochs is not null,
                    };
                }
            default:
                {
                    var d = Datasets.Iris();
                    var (train, test) = Split(d.Features, d.Targets, 0.25, o.Seed);
                    return new TrainSpec
                    {
                        Title = "Iris - the seed tutorial's CustomModel",
                        MakeModel = () => new CustomModel(),
                        Train = train, Test = test,
                        OutDir = o.OutDir ?? Path.Combine("flint-runs", "iris"),
                        Epochs = o.Epochs ?? 1000, Lr = o.Lr ?? 0.01, BatchSize = o.BatchSize ?? 32, Seed = o.Seed, Resume = o.Resume, EpochsGiven = o.Epochs is not null,
                    };
                }
        }
    }

    /// <summary>
    /// A shuffled train/test split like scikit-learn's train_test_split: the test part is ceil(n·testFraction)
    /// rows (Iris: 38 test, 112 train), chosen by a permutation from a generator seeded with the run's seed.
    /// </summary>
    public static (TensorDataset Train, TensorDataset Test) Split(Tensor x, Tensor y, double testFraction, long seed)
    {
        long n = x.Size(0);
        long nTest = (long)Math.Ceiling(n * testFraction);
        var perm = new Generator(unchecked((ulong)seed)).Randperm(n);
        var testIdx = Torch.FromArray(perm[..(int)nTest]);
        var trainIdx = Torch.FromArray(perm[(int)nTest..]);
        return (new TensorDataset(x.IndexSelect(0, trainIdx), y.IndexSelect(0, trainIdx)),
                new TensorDataset(x.IndexSelect(0, testIdx), y.IndexSelect(0, testIdx)));
    }

    /// <summary>Scales features to zero mean and unit variance with the training rows' statistics.</summary>
    public static (TensorDataset, TensorDataset) Standardize(TensorDataset train, TensorDataset test)
    {
        var xt = train.Tensors[0];
        var mean = xt.Mean(0, keepdim: true);
        var std = xt.Sub(mean).Mul(xt.Sub(mean)).Mean(0, keepdim: true).Add(1e-8).Sqrt();
        return (new TensorDataset(xt.Sub(mean).Div(std), train.Tensors[1]),
                new TensorDataset(test.Tensors[0].Sub(mean).Div(std), test.Tensors[1]));
    }
}
