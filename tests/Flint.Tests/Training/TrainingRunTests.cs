using Flint.Cli;
using Flint.Cli.Plotting;
using Flint.Cli.Training;

namespace Flint.Tests.Training;

/// <summary>
/// The command line's training runs end to end: the seed tutorial on Iris, the digits CNN, resuming from a
/// checkpoint bitwise-identically, the PNG writer. These touch the global default generator, so they run in one
/// collection, one at a time.
/// </summary>
[Collection("DefaultGenerator")]
public class TrainingRunTests
{
    private static string TempDir() => Directory.CreateTempSubdirectory("flint-train").FullName;

    private static TrainSpec Spec(string command, string outDir, int? epochs = null, bool resume = true, string model = "cnn")
    {
        var o = CliApp.Parse(command == "iris" ? [] : [command]);
        o.OutDir = outDir; o.Epochs = epochs; o.Resume = resume; o.Model = model;
        var s = CliApp.BuildSpec(o);
        return new TrainSpec
        {
            Title = s.Title, MakeModel = s.MakeModel, Train = s.Train, Test = s.Test, OutDir = s.OutDir, Epochs = s.Epochs,
            Lr = s.Lr, LrGiven = s.LrGiven, BatchSize = s.BatchSize, Seed = s.Seed, Resume = s.Resume, Plot = s.Plot, EpochsGiven = s.EpochsGiven,
            SaveEvery = 1_000_000, // only the final checkpoint (the resume test writes its own)
        };
    }

    [Fact]
    public void IrisTutorialRunReachesTestAccuracy95()
    {
        var dir = TempDir();
        try
        {
            var log = new StringWriter();
            var r = Trainer.Run(Spec("iris", dir), log);
            var text = log.ToString();
            Assert.Contains("CustomModel(\n  (hidden): Linear(in_features=4, out_features=10, bias=True)\n  (relu): ReLU()\n  (drop): Dropout(p=0.2, inplace=False)\n  (out): Linear(in_features=10, out_features=3, bias=True)\n)", text.Replace("\r\n", "\n"));
            Assert.Contains("parameters: 83", text);
            Assert.Contains("112 training rows, 38 test rows", text);
            Assert.True(r.TestAccuracy >= 0.95, $"test accuracy {r.TestAccuracy}");
            Assert.Equal(1000, r.History.Loss.Count);
            Assert.True(File.Exists(Path.Combine(dir, "checkpoint.pth.tar")));
            var png = File.ReadAllBytes(Path.Combine(dir, "curves.png"));
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);

            // the same command again resumes from the checkpoint and trains another 1000 epochs
            var log2 = new StringWriter();
            var r2 = Trainer.Run(Spec("iris", dir), log2);
            Assert.True(r2.Resumed);
            Assert.Contains("resumed from checkpoint", log2.ToString());
            Assert.Contains("continuing training from epoch 1001 to 2000", log2.ToString());
            Assert.Equal(2000, r2.History.Loss.Count);
            Assert.True(r2.TestAccuracy >= 0.95, $"test accuracy {r2.TestAccuracy}");

            // an explicit --epochs is the total: already reached, the run only reports
            var log3 = new StringWriter();
            var r3 = Trainer.Run(Spec("iris", dir, epochs: 2000), log3);
            Assert.Contains("already trained for 2000 epochs", log3.ToString());
            Assert.Equal(r2.TestAccuracy, r3.TestAccuracy);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void DigitsCnnReachesTestAccuracy95()
    {
        var dir = TempDir();
        try
        {
            var r = Trainer.Run(Spec("digits", dir, epochs: 15), TextWriter.Null);
            Assert.True(r.TestAccuracy >= 0.95, $"test accuracy {r.TestAccuracy}");
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void ResumingContinuesBitwiseIdentically()
    {
        var a = TempDir();
        var b = TempDir();
        try
        {
            // uninterrupted: 30 epochs
            var full = Trainer.Run(Spec("iris", a, epochs: 30), TextWriter.Null);
            // interrupted at 12, then resumed to 30 in a fresh model/optimizer (the default generator is reseeded
            // by the new run, so only the checkpoint can carry the RNG state over)
            Trainer.Run(Spec("iris", b, epochs: 12), TextWriter.Null);
            var resumed = Trainer.Run(Spec("iris", b, epochs: 30), TextWriter.Null);
            Assert.True(resumed.Resumed);
            Assert.Equal(12, resumed.StartEpoch);
            Assert.Equal(full.History.Loss, resumed.History.Loss);
            var pa = full.Model.Parameters().ToArray();
            var pb = resumed.Model.Parameters().ToArray();
            for (int i = 0; i < pa.Length; i++) Assert.Equal(pa[i].ToArray<float>(), pb[i].ToArray<float>());
            // and without the checkpoint's RNG state the continuation differs (the test would notice a lost state)
            var c = TempDir();
            try
            {
                Trainer.Run(Spec("iris", c, epochs: 12), TextWriter.Null);
                var path = Path.Combine(c, "checkpoint.pth.tar");
                var ck = (System.Collections.IDictionary)Torch.Load(path)!;
                ck.Remove("rng_state");
                Torch.Save(ck, path);
                var noRng = Trainer.Run(Spec("iris", c, epochs: 30), TextWriter.Null);
                Assert.NotEqual(full.History.Loss, noRng.History.Loss);
            }
            finally { Directory.Delete(c, true); }
        }
        finally { Directory.Delete(a, true); Directory.Delete(b, true); }
    }

    [Fact]
    public void CommandLineParsingAndHelp()
    {
        var o = CliApp.Parse(["csv", "data.csv", "--target", "label", "--epochs", "5", "--lr", "0.1", "--batch-size", "8", "--seed", "3", "--out", "x", "--no-resume"]);
        Assert.Equal(("csv", "data.csv", "label", 5, 0.1, 8, 3L, "x", false), (o.Command, o.CsvPath, o.Target, o.Epochs, o.Lr, o.BatchSize, o.Seed, o.OutDir, o.Resume));
        Assert.Throws<ArgumentException>(() => CliApp.Parse(["--epochs", "0"]));
        Assert.Throws<ArgumentException>(() => CliApp.Parse(["--bogus"]));
        Assert.Throws<ArgumentException>(() => CliApp.Parse(["csv"]));
        Assert.Throws<ArgumentException>(() => CliApp.Parse(["--model", "cnn"]));
        var outw = new StringWriter();
        Assert.Equal(0, CliApp.Run(["--help"], outw, TextWriter.Null, live: false));
        foreach (var opt in new[] { "--epochs", "--lr", "--batch-size", "--seed", "--out", "--no-resume", "--tensorboard", "--detect-anomaly", "--help", "digits", "csv" })
            Assert.Contains(opt, outw.ToString());
        var digits = new StringWriter();
        Assert.Equal(0, CliApp.Run(["digits", "--help"], digits, TextWriter.Null, live: false));
        Assert.Contains("--model", digits.ToString());
        var csv = new StringWriter();
        Assert.Equal(0, CliApp.Run(["csv", "--help"], csv, TextWriter.Null, live: false));
        Assert.Contains("--target", csv.ToString());
        Assert.Contains("--no-header", csv.ToString());
        var err = new StringWriter();
        Assert.Equal(2, CliApp.Run(["--lr", "abc"], TextWriter.Null, err, live: false));
        Assert.Contains("--lr needs a finite positive number, got 'abc'", err.ToString());
    }

    [Fact]
    public void CsvCommandTrainsFromAFile()
    {
        var dir = TempDir();
        try
        {
            var csv = Path.Combine(dir, "flowers.csv");
            var iris = Flint.Data.Datasets.Iris();
            var x = iris.Features.ToArray<float>();
            var y = iris.Targets.ToArray<long>();
            var lines = new List<string> { "species,a,b,c,d" };
            for (int i = 0; i < 150; i++)
                lines.Add($"{iris.ClassNames[y[i]]},{string.Join(",", x.Skip(i * 4).Take(4).Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)))}");
            File.WriteAllLines(csv, lines);
            var outw = new StringWriter();
            int rc = CliApp.Run(["csv", csv, "--target", "species", "--epochs", "60", "--out", Path.Combine(dir, "run")], outw, TextWriter.Null, live: false);
            Assert.Equal(0, rc);
            var acc = double.Parse(outw.ToString().Split('\n').First(l => l.StartsWith("test accuracy")).Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(acc >= 0.9, $"csv test accuracy {acc}");
            Assert.True(File.Exists(Path.Combine(dir, "run", "curves.png")));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void TensorBoardOptionWritesEventFiles()
    {
        var dir = TempDir();
        try
        {
            string tb = Path.Combine(dir, "tb");
            var outw = new StringWriter();
            Assert.Equal(0, CliApp.Run(["--epochs", "3", "--out", Path.Combine(dir, "run"), "--tensorboard", tb], outw, TextWriter.Null, live: false));
            Assert.Contains("tensorboard:", outw.ToString());
            var main = Flint.Tests.TensorBoard.TensorBoardTests.ReadEvents(tb);
            var loss = main.Where(e => e.Summary?.Value.Count > 0 && e.Summary.Value[0].Tag == "loss/train").ToList();
            Assert.Equal(new long[] { 1, 2, 3 }, loss.Select(e => e.Step));
            Assert.All(loss, e => Assert.True(e.Summary.Value[0].SimpleValue > 0));
            Assert.Contains(main, e => e.Summary?.Value.Count > 0 && e.Summary.Value[0].Tag == "run/text_summary");
            Assert.Contains(main, e => e.Summary?.Value.Count > 0 && e.Summary.Value[0].Tag == "hidden.weight" && e.Summary.Value[0].Histo.Num == 40);
            var train = Flint.Tests.TensorBoard.TensorBoardTests.ReadEvents(Path.Combine(tb, "accuracy_train"));
            Assert.Equal(3, train.Count(e => e.Summary?.Value.Count > 0));
            var hp = Flint.Tests.TensorBoard.TensorBoardTests.ReadEvents(Path.Combine(tb, "hparams"));
            Assert.Contains(hp, e => e.Summary?.Value.Count > 0 && e.Summary.Value[0].Tag == "_hparams_/session_start_info");
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void CurvesAreWrittenAsPngAndSvg()
    {
        var dir = TempDir();
        try
        {
            string png = Path.Combine(dir, "c.png"), svg = Path.Combine(dir, "c.svg");
            double[] loss = [1.2, 0.8, 0.5], train = [0.3, 0.6, 0.9], test = [0.35, 0.55, 0.85];
            TrainingCurves.Save(png, svg, "a title", 4, loss, train, test);
            var bytes = File.ReadAllBytes(png);
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
            Assert.Equal(960, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16))); // IHDR width
            Assert.Equal(680, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20))); // and height
            var text = File.ReadAllText(svg);
            Assert.StartsWith("<?xml", text);
            Assert.Contains("<svg", text);
            Assert.Contains("<text", text); // labels are real text in the SVG, not pixels
        }
        finally { Directory.Delete(dir, true); }
    }
}
