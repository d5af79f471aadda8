using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Flint.Cli.Training;
using Flint.Data;
using Spectre.Console;

namespace Flint.Cli;

/// <summary>
/// The command-line program (kept in a class so tests run it in-process): System.CommandLine parses the arguments
/// (help, errors, completions through the [suggest] directive), the training loop runs, and every failure ends in
/// one "error: …" sentence on standard error and a non-zero exit code: 2 for a bad command line, 1 for a run that
/// failed (a file that cannot be read or resumed from, a loss that diverged).
/// </summary>
public static class CliApp
{
    /// <summary>Exit code of a command line that does not parse.</summary>
    public const int UsageError = 2;
    /// <summary>Exit code of a run that failed.</summary>
    public const int RunFailed = 1;

    private const string Description = """
        Flint: train a classifier, the PyTorch tutorial way, in C#.

        Each run prints the model as PyTorch would and its parameter count, shows a live progress bar (plain lines
        when the output is redirected), reports train and test accuracy, saves the checkpoint
        {epoch, state_dict, opt, rng_state, history} in PyTorch's format (torch.load reads it) and the loss and
        accuracy curves (PNG and SVG), and says where they went. Run the same command again to resume from it.
        """;

    /// <summary>Parses <paramref name="args"/> and runs the command; returns the process exit code.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, bool live)
    {
        var cli = new Commands();
        var parsed = cli.Root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            stderr.WriteLine($"error: {parsed.Errors[0].Message}"); // the first says what to fix; the rest follow from it
            stderr.WriteLine("run with --help to see the commands and options");
            return UsageError;
        }
        int rc = 0;
        cli.Execute = o => rc = Execute(o, stdout, stderr, live);
        int invoked = parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        return invoked != 0 ? invoked : rc;
    }

    /// <summary>Parses a command line into options; a bad one throws <see cref="ArgumentException"/> with the parser's message.</summary>
    public static CliOptions Parse(string[] args)
    {
        var cli = new Commands();
        var parsed = cli.Root.Parse(args);
        if (parsed.Errors.Count > 0) throw new ArgumentException(parsed.Errors[0].Message);
        return cli.Read(parsed);
    }

    private static int Execute(CliOptions o, TextWriter stdout, TextWriter stderr, bool live)
    {
        IAnsiConsole? console = live ? AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) }) : null;
        try
        {
            Trainer.Run(BuildSpec(o), stdout, console);
            return 0;
        }
        catch (LossDivergedException e) { return Fail(stderr, e.Message); }
        catch (CheckpointException e) { return Fail(stderr, e.Message); }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or InvalidOperationException
                                      or UnauthorizedAccessException)
        {
            return Fail(stderr, e.Message);
        }
    }

    private static int Fail(TextWriter stderr, string message)
    {
        stderr.WriteLine($"error: {message}");
        return RunFailed;
    }

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
                    return Spec(o, cnn ? "Digits 8x8 - CNN" : "Digits 8x8 - MLP", cnn ? Models.DigitsCnn : () => Models.Mlp(64, 64, 10),
                        train, test, cnn ? "digits-cnn" : "digits-mlp", epochs: 30, lr: 0.005, batchSize: 64);
                }
            case "csv":
                {
                    var d = Datasets.FromCsv(o.CsvPath!, o.Target, o.CsvHeader);
                    if (d.NumClasses < 2) throw new InvalidDataException($"the target column has only one class ({d.ClassNames[0]}): nothing to classify");
                    var (train, test) = Split(d.Features, d.Targets, 0.25, o.Seed);
                    (train, test) = Standardize(train, test);
                    int features = (int)d.Features.Size(1), classes = d.NumClasses;
                    return Spec(o, $"{Path.GetFileName(o.CsvPath)} - MLP", () => Models.Mlp(features, 32, classes), train, test,
                        "csv-" + Path.GetFileNameWithoutExtension(o.CsvPath), epochs: 200, lr: 0.01, batchSize: 32);
                }
            default:
                {
                    var d = Datasets.Iris();
                    var (train, test) = Split(d.Features, d.Targets, 0.25, o.Seed);
                    return Spec(o, "Iris - the seed tutorial's CustomModel", () => new CustomModel(), train, test, "iris",
                        epochs: 1000, lr: 0.01, batchSize: 32);
                }
        }
    }

    private static TrainSpec Spec(CliOptions o, string title, Func<Flint.NN.Module<Tensor, Tensor>> model, TensorDataset train,
        TensorDataset test, string runName, int epochs, double lr, int batchSize) => new()
        {
            Title = title, MakeModel = model, Train = train, Test = test,
            OutDir = o.OutDir ?? Path.Combine("flint-runs", runName),
            Epochs = o.Epochs ?? epochs, EpochsGiven = o.Epochs is not null,
            Lr = o.Lr ?? lr, LrGiven = o.Lr is not null,
            BatchSize = o.BatchSize ?? batchSize, Seed = o.Seed, Resume = o.Resume,
            DetectAnomaly = o.DetectAnomaly, TensorBoardDir = o.TensorBoard,
        };

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

    /// <summary>The command tree: the root (iris) and iris, digits and csv, with their options.</summary>
    private sealed class Commands
    {
        public readonly RootCommand Root = new(Description);
        public Action<CliOptions> Execute = _ => { };

        private readonly Option<int?> _epochs = PositiveInt("--epochs",
            "Total epochs to train to (iris 1000, digits 30, csv 200). A resumed run continues from the checkpoint's "
            + "epoch up to it; without --epochs, resuming a finished checkpoint trains the default again.");
        private readonly Option<double?> _lr = new("--lr")
        {
            Description = "Adam's learning rate (iris 0.01, digits 0.005, csv 0.01); on a resumed run it replaces the checkpoint's.",
            CustomParser = FinitePositive, Recursive = true,
        };
        private readonly Option<int?> _batch = PositiveInt("--batch-size", "Mini-batch size (iris 32, digits 64, csv 32).");
        private readonly Option<long> _seed = new("--seed")
        {
            Description = "Seed for the weights, the train/test split, shuffling and dropout.", DefaultValueFactory = _ => 0, Recursive = true,
        };
        private readonly Option<string?> _out = new("--out") { Description = "Where the checkpoint and the plots go (default ./flint-runs/<task>/).", Recursive = true };
        private readonly Option<bool> _noResume = new("--no-resume") { Description = "Start from scratch even if <out>/checkpoint.pth.tar exists (it is overwritten).", Recursive = true };
        private readonly Option<string?> _tensorboard = new("--tensorboard") { Description = "Also write TensorBoard event files (loss, accuracy, hyperparameters) to this directory.", Recursive = true };
        private readonly Option<bool> _anomaly = new("--detect-anomaly") { Description = "Autograd's anomaly detection: a backward that produces NaN names its forward operation (slower).", Recursive = true };
        private readonly Option<string> _model = new("--model") { Description = "The model to train.", DefaultValueFactory = _ => "cnn" };
        private readonly Option<string?> _target = new("--target") { Description = "The target column, by header name or 0-based index (default: the last column)." };
        private readonly Option<bool> _noHeader = new("--no-header") { Description = "The file has no header row." };
        private readonly Argument<string> _path = new("path") { Description = "The CSV file." };
        private readonly Command _iris = new("iris", "The seed tutorial (the default): Iris, hidden 4→10, ReLU, Dropout(0.2), out 10→3, CrossEntropyLoss, Adam, shuffled mini-batches.");
        private readonly Command _digits = new("digits", "8×8 hand-written digits (bundled): a small CNN (default) or an MLP.");
        private readonly Command _csv = new("csv", "A classifier for any CSV file: every other column is a numeric feature (standardized), the target's distinct values are the classes.");

        public Commands()
        {
            _model.AcceptOnlyFromAmong("cnn", "mlp");
            foreach (var o in new Option[] { _epochs, _lr, _batch, _seed, _out, _noResume, _tensorboard, _anomaly }) Root.Add(o);
            _digits.Add(_model);
            _csv.Add(_path);
            _csv.Add(_target);
            _csv.Add(_noHeader);
            foreach (var c in new[] { _iris, _digits, _csv })
            {
                Root.Add(c);
                c.SetAction(r => Execute(Read(r)));
            }
            Root.SetAction(r => Execute(Read(r)));
        }

        public CliOptions Read(ParseResult r)
        {
            var command = r.CommandResult.Command;
            return new CliOptions
            {
                Command = command == _digits ? "digits" : command == _csv ? "csv" : "iris",
                CsvPath = command == _csv ? r.GetValue(_path) : null,
                Target = command == _csv ? r.GetValue(_target) : null,
                CsvHeader = !(command == _csv && r.GetValue(_noHeader)),
                Epochs = r.GetValue(_epochs),
                Lr = r.GetValue(_lr),
                BatchSize = r.GetValue(_batch),
                Seed = r.GetValue(_seed),
                OutDir = r.GetValue(_out),
                Resume = !r.GetValue(_noResume),
                Model = command == _digits ? r.GetValue(_model) ?? "cnn" : "cnn",
                TensorBoard = r.GetValue(_tensorboard),
                DetectAnomaly = r.GetValue(_anomaly),
            };
        }

        private static Option<int?> PositiveInt(string name, string description) => new(name)
        {
            Description = description, Recursive = true,
            CustomParser = r =>
            {
                string text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
                if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0) return n;
                r.AddError($"{name} needs a positive whole number, got '{text}'");
                return null;
            },
        };

        // NaN and infinities parse as doubles, but a run with them trains to a NaN loss: refuse them here.
        private static double? FinitePositive(ArgumentResult r)
        {
            string text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) && v > 0) return v;
            r.AddError($"--lr needs a finite positive number, got '{text}'");
            return null;
        }
    }
}
