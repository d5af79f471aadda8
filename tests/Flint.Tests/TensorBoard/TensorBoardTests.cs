using Flint.Serialization;
using Flint.Utils.TensorBoard;
using Tensorboard;
using Tensorboard.Hparams;

namespace Flint.Tests.TensorBoard;

/// <summary>
/// SummaryWriter's event files decoded with TensorBoard's own protos: TFRecord framing and CRCs, then each Event.
/// </summary>
public sealed class TensorBoardTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("flint-tb-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Every event of the one event file in <paramref name="dir"/>, CRCs checked.</summary>
    internal static List<Event> ReadEvents(string dir)
    {
        var file = Assert.Single(Directory.GetFiles(dir, "events.out.tfevents.*"));
        using var s = File.OpenRead(file);
        return TfRecord.ReadAll(s).Select(Event.Parser.ParseFrom).ToList();
    }

    [Fact]
    public void Crc32CMatchesTheStandardCheckValue()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
        Assert.Equal(0u, Crc32C.Compute([]));
        Assert.Equal(0xA282EAD8u, Crc32C.Masked([])); // mask of a zero CRC: rotation of 0 plus the constant
        var data = new byte[1000];
        new Random(3).NextBytes(data);
        for (int n = 0; n <= 40; n++) Assert.Equal(Crc32C.ComputeWithTable(data.AsSpan(0, n)), Crc32C.Compute(data.AsSpan(0, n)));
        Assert.Equal(Crc32C.ComputeWithTable(data), Crc32C.Compute(data));
    }

    [Fact]
    public void ScalarsTextAndFileVersionDecode()
    {
        string log = Path.Combine(_dir, "run");
        string file;
        using (var w = new SummaryWriter(log))
        {
            file = w.FilePath;
            Assert.StartsWith("events.out.tfevents.", Path.GetFileName(file));
            w.AddScalar("loss/train", 0.75, 1, walltime: 1000.5);
            w.AddScalar("loss/train", Torch.Tensor(new[] { 0.5f }), 2);
            w.AddText("notes", "**hello** from Flint", 3);
        }
        var events = ReadEvents(log);
        Assert.Equal(4, events.Count);
        Assert.Equal("brain.Event:2", events[0].FileVersion);
        Assert.True(events[0].WallTime > 1.7e9); // seconds since 1970
        Assert.Equal((1000.5, 1L, "loss/train", 0.75f), (events[1].WallTime, events[1].Step, events[1].Summary.Value[0].Tag, events[1].Summary.Value[0].SimpleValue));
        Assert.Equal((2L, 0.5f), (events[2].Step, events[2].Summary.Value[0].SimpleValue));
        var text = events[3].Summary.Value[0];
        Assert.Equal("notes/text_summary", text.Tag);
        Assert.Equal("text", text.Metadata.PluginData.PluginName);
        Assert.Equal(Tensorboard.DataType.DtString, text.Tensor.Dtype);
        Assert.Equal(1, text.Tensor.TensorShape.Dim[0].Size);
        Assert.Equal("**hello** from Flint", text.Tensor.StringVal[0].ToStringUtf8());
    }

    [Fact]
    public void AddScalarsWritesOneRunPerCurve()
    {
        using (var w = new SummaryWriter(_dir))
        {
            w.AddScalars("acc/epoch", new Dictionary<string, double> { ["train"] = 0.9, ["test"] = 0.8 }, 5);
            w.AddScalars("acc/epoch", new Dictionary<string, double> { ["train"] = 0.95, ["test"] = 0.85 }, 6);
        }
        var train = ReadEvents(Path.Combine(_dir, "acc_epoch_train"));
        var test = ReadEvents(Path.Combine(_dir, "acc_epoch_test"));
        Assert.Equal(new[] { (5L, 0.9f), (6L, 0.95f) }, train.Skip(1).Select(e => (e.Step, e.Summary.Value[0].SimpleValue)));
        Assert.Equal(new[] { (5L, 0.8f), (6L, 0.85f) }, test.Skip(1).Select(e => (e.Step, e.Summary.Value[0].SimpleValue)));
        Assert.All(train.Skip(1).Concat(test.Skip(1)), e => Assert.Equal("acc/epoch", e.Summary.Value[0].Tag));
        Assert.Single(ReadEvents(_dir)); // the main file has only its version event
    }

    public static IEnumerable<object[]> HistogramCases() => Enumerable.Range(0, Fixture.Load("tensorboard_histogram").Cases.Count).Select(i => new object[] { i });

    [Theory]
    [MemberData(nameof(HistogramCases))]
    public void HistogramsMatchPyTorchsAlgorithm(int i)
    {
        var c = Fixture.Load("tensorboard_histogram").Cases[i];
        var values = Fixture.Tensor(c.GetProperty("values"));
        var bins = c.GetProperty("bins");
        int? maxBins = c.GetProperty("max_bins").ValueKind == System.Text.Json.JsonValueKind.Null ? null : c.GetProperty("max_bins").GetInt32();
        string log = Path.Combine(_dir, "h" + i);
        using (var w = new SummaryWriter(log))
        {
            if (bins.ValueKind == System.Text.Json.JsonValueKind.String) w.AddHistogram("h", values, 7, maxBins: maxBins);
            else w.AddHistogram("h", values, 7, bins: bins.GetInt32(), maxBins: maxBins);
        }
        var ev = ReadEvents(log)[1];
        Assert.Equal(7, ev.Step);
        var h = ev.Summary.Value[0].Histo;
        var e = c.GetProperty("expected");
        string what = $"{c.GetProperty("name").GetString()} bins={bins} max_bins={maxBins}";
        Assert.True(e.GetProperty("min").GetDouble() == h.Min, what + " min");
        Assert.True(e.GetProperty("max").GetDouble() == h.Max, what + " max");
        Assert.True(e.GetProperty("num").GetDouble() == h.Num, what + " num");
        Assert.True(Math.Abs(e.GetProperty("sum").GetDouble() - h.Sum) <= 1e-9 * (1 + Math.Abs(h.Sum)), what + " sum");
        Assert.True(Math.Abs(e.GetProperty("sum_squares").GetDouble() - h.SumSquares) <= 1e-9 * h.SumSquares, what + " sum_squares");
        Assert.Equal(e.GetProperty("bucket_limit").EnumerateArray().Select(x => x.GetDouble()), h.BucketLimit);
        Assert.Equal(e.GetProperty("bucket").EnumerateArray().Select(x => x.GetDouble()), h.Bucket);
    }

    [Fact]
    public void HistogramOfNothingIsAnError()
    {
        using var w = new SummaryWriter(_dir);
        Assert.Equal("The input has no element.", Assert.Throws<ArgumentException>(() => w.AddHistogram("h", Torch.Zeros(0))).Message);
    }

    [Fact]
    public void HparamsWriteThePluginsThreeSummariesAndTheMetrics()
    {
        using (var w = new SummaryWriter(_dir))
            w.AddHparams(new Dictionary<string, object?> { ["lr"] = 0.01, ["batch_size"] = 32, ["optimizer"] = "adam", ["amsgrad"] = false },
                new Dictionary<string, double> { ["hparam/accuracy"] = 0.97 }, runName: "trial1");
        var events = ReadEvents(Path.Combine(_dir, "trial1"));
        Assert.Equal(new[] { "_hparams_/experiment", "_hparams_/session_start_info", "_hparams_/session_end_info", "hparam/accuracy" },
            events.Skip(1).Select(e => e.Summary.Value[0].Tag));
        HParamsPluginData Data(int i)
        {
            var v = events[i].Summary.Value[0];
            Assert.Equal("hparams", v.Metadata.PluginData.PluginName);
            return HParamsPluginData.Parser.ParseFrom(v.Metadata.PluginData.Content);
        }
        var experiment = Data(1).Experiment;
        Assert.Equal(new[] { "lr", "batch_size", "optimizer", "amsgrad" }, experiment.HparamInfos.Select(h => h.Name));
        Assert.Equal(new[] { Tensorboard.Hparams.DataType.Float64, Tensorboard.Hparams.DataType.Float64, Tensorboard.Hparams.DataType.String, Tensorboard.Hparams.DataType.Float64 },
            experiment.HparamInfos.Select(h => h.Type));
        Assert.Equal("hparam/accuracy", Assert.Single(experiment.MetricInfos).Name.Tag);
        var start = Data(2).SessionStartInfo;
        Assert.Equal(0.01, start.Hparams["lr"].NumberValue);
        Assert.Equal(32, start.Hparams["batch_size"].NumberValue);
        Assert.Equal("adam", start.Hparams["optimizer"].StringValue);
        Assert.Equal(0, start.Hparams["amsgrad"].NumberValue); // a bool is an int to PyTorch
        Assert.Equal(Status.Success, Data(3).SessionEndInfo.Status);
        Assert.Equal(0.97f, events[4].Summary.Value[0].SimpleValue);
        Assert.Throws<ArgumentException>(() => new SummaryWriter(Path.Combine(_dir, "x")).AddHparams(
            new Dictionary<string, object?> { ["bad"] = new object() }, new Dictionary<string, double>()));
    }

    [Fact]
    public void EventsWaitForTheQueueOrFlush()
    {
        using var w = new SummaryWriter(_dir, maxQueue: 3);
        w.AddScalar("a", 1, 1);
        Assert.Single(ReadEvents(_dir)); // only the version event so far
        w.Flush();
        Assert.Equal(2, ReadEvents(_dir).Count);
        w.AddScalar("a", 2, 2);
        w.AddScalar("a", 3, 3);
        Assert.Equal(2, ReadEvents(_dir).Count);
        w.AddScalar("a", 4, 4); // the third pending event writes the queue
        Assert.Equal(5, ReadEvents(_dir).Count);
        w.Close();
        Assert.Throws<ObjectDisposedException>(() => w.AddScalar("a", 5, 5));
    }

    [Fact]
    public void CorruptRecordsAreDetected()
    {
        using (var w = new SummaryWriter(_dir)) w.AddScalar("a", 1, 1);
        var file = Directory.GetFiles(_dir)[0];
        var bytes = File.ReadAllBytes(file);
        bytes[^3] ^= 0x40; // inside the last record's data CRC
        using var s = new MemoryStream(bytes);
        Assert.Contains("has corrupt data", Assert.Throws<InvalidDataException>(() => TfRecord.ReadAll(s)).Message);
        using var cut = new MemoryStream(bytes[..^2]);
        Assert.Contains("is truncated", Assert.Throws<InvalidDataException>(() => TfRecord.ReadAll(cut)).Message);
    }
}
