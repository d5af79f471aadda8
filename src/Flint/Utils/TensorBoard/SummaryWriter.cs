using Google.Protobuf;
using Tensorboard;

namespace Flint.Utils.TensorBoard;

/// <summary>
/// torch.utils.tensorboard.SummaryWriter: writes scalars, histograms, text, hyperparameters and a traced model's
/// graph to event files that TensorBoard reads (<c>tensorboard --logdir runs</c>). The files are TensorBoard's own
/// format: TFRecord framing with masked CRC-32C around <c>Event</c> protocol buffers, built from TensorBoard's
/// <c>.proto</c> files (src/Flint/Protos). Events are buffered and written every <c>maxQueue</c> events or
/// <c>flushSecs</c> seconds, and by <see cref="Flush"/> and <see cref="Close"/> (or Dispose).
/// </summary>
/// <example><code>
/// using var writer = new SummaryWriter("runs/iris");
/// for (int epoch = 1; epoch &lt;= 100; epoch++)
/// {
///     writer.AddScalar("loss/train", loss, epoch);
///     writer.AddScalars("accuracy", new Dictionary&lt;string, double&gt; { ["train"] = trainAcc, ["test"] = testAcc }, epoch);
/// }
/// writer.AddHistogram("hidden.weight", model.hidden.weight, 100);
/// </code></example>
public sealed class SummaryWriter : IDisposable
{
    private readonly EventFileWriter _writer;
    private readonly Dictionary<string, EventFileWriter> _scalarWriters = new();
    private readonly int _maxQueue;
    private readonly double _flushSecs;
    private readonly string _suffix;

    /// <summary>
    /// Opens a new event file in <paramref name="logDir"/> (created if needed; default
    /// <c>runs/{MonDD_HH-MM-SS}_{host}{comment}</c>, as PyTorch's).
    /// </summary>
    public SummaryWriter(string? logDir = null, string comment = "", int maxQueue = 10, double flushSecs = 120,
        string filenameSuffix = "")
    {
        logDir ??= Path.Combine("runs", DateTime.Now.ToString("MMMdd_HH-mm-ss", System.Globalization.CultureInfo.InvariantCulture)
            + "_" + Environment.MachineName + comment);
        _maxQueue = maxQueue;
        _flushSecs = flushSecs;
        _suffix = filenameSuffix;
        _writer = new EventFileWriter(logDir, maxQueue, flushSecs, filenameSuffix);
    }

    /// <summary>The directory this writer writes to.</summary>
    public string LogDir => _writer.LogDir;

    /// <summary>The event file this writer writes (the sub-writers of AddScalars and AddHparams have their own).</summary>
    public string FilePath => _writer.FilePath;

    internal static double Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

    private static Event At(long? globalStep, double? walltime) => new() { WallTime = walltime ?? Now(), Step = globalStep ?? 0 };

    private static void Write(EventFileWriter w, Summary summary, long? globalStep, double? walltime)
    {
        var e = At(globalStep, walltime);
        e.Summary = summary;
        w.Add(e);
    }

    private static Summary One(Summary.Types.Value value)
    {
        var s = new Summary();
        s.Value.Add(value);
        return s;
    }

    /// <summary>add_scalar: one value of the curve <paramref name="tag"/> at <paramref name="globalStep"/>.</summary>
    public void AddScalar(string tag, double scalarValue, long? globalStep = null, double? walltime = null)
    {
        ArgumentNullException.ThrowIfNull(tag);
        Write(_writer, One(new Summary.Types.Value { Tag = tag, SimpleValue = (float)scalarValue }), globalStep, walltime);
    }

    /// <summary>add_scalar with a 0-dim (or one-element) tensor.</summary>
    public void AddScalar(string tag, Tensor scalarValue, long? globalStep = null, double? walltime = null)
    {
        ArgumentNullException.ThrowIfNull(scalarValue);
        if (scalarValue.Numel() != 1)
            throw new ArgumentException($"Tensor with {scalarValue.Numel()} elements cannot be converted to Scalar");
        AddScalar(tag, scalarValue.Item(), globalStep, walltime);
    }

    /// <summary>
    /// add_scalars: several curves on one chart. As PyTorch's, each one goes to its own event file in the
    /// sub-directory <c>{logDir}/{mainTag}_{tag}</c> ('/' in the main tag becomes '_') under the tag
    /// <paramref name="mainTag"/>, so TensorBoard shows them as runs of one chart.
    /// </summary>
    public void AddScalars(string mainTag, IReadOnlyDictionary<string, double> tagScalarDict, long? globalStep = null,
        double? walltime = null)
    {
        ArgumentNullException.ThrowIfNull(mainTag);
        ArgumentNullException.ThrowIfNull(tagScalarDict);
        double wall = walltime ?? Now();
        foreach (var (tag, value) in tagScalarDict)
        {
            string dir = Path.Combine(LogDir, mainTag.Replace('/', '_') + "_" + tag);
            EventFileWriter w;
            lock (_scalarWriters)
                if (!_scalarWriters.TryGetValue(dir, out w!))
                    _scalarWriters[dir] = w = new EventFileWriter(dir, _maxQueue, _flushSecs, _suffix);
            Write(w, One(new Summary.Types.Value { Tag = mainTag, SimpleValue = (float)value }), globalStep, wall);
        }
    }

    /// <summary>
    /// add_histogram: the distribution of <paramref name="values"/> at <paramref name="globalStep"/>. By default
    /// (PyTorch's <c>bins="tensorflow"</c>) the buckets grow exponentially from ±1e-12 to ±1e20 and are trimmed to the
    /// values' range; <paramref name="bins"/> = n takes n equal-width bins over the range instead (numpy's bins=n).
    /// <paramref name="maxBins"/> merges neighbouring bins down to at most that many.
    /// </summary>
    public void AddHistogram(string tag, Tensor values, long? globalStep = null, int? bins = null, double? walltime = null,
        int? maxBins = null)
    {
        var data = Doubles(values);
        var edges = bins is { } n ? Histogram.EqualWidthEdges(data, n) : Histogram.DefaultEdges;
        AddHistogramOf(tag, data, edges, globalStep, walltime, maxBins);
    }

    private void AddHistogramOf(string tag, double[] data, double[] edges, long? globalStep, double? walltime, int? maxBins)
    {
        ArgumentNullException.ThrowIfNull(tag);
        var histo = Histogram.Make(data, edges, maxBins);
        Write(_writer, One(new Summary.Types.Value { Tag = tag, Histo = histo }), globalStep, walltime);
    }

    private static double[] Doubles(Tensor values)
    {
        ArgumentNullException.ThrowIfNull(values);
        using (Torch.NoGrad()) return values.Detach().Reshape(-1).To(DType.Float64).ToArray<double>();
    }

    /// <summary>
    /// add_text: a text (Markdown) shown in TensorBoard's text tab, as the tensor summary
    /// <c>{tag}/text_summary</c> of the text plugin.
    /// </summary>
    public void AddText(string tag, string textString, long? globalStep = null, double? walltime = null)
    {
        ArgumentNullException.ThrowIfNull(tag);
        ArgumentNullException.ThrowIfNull(textString);
        var meta = new SummaryMetadata
        {
            PluginData = new SummaryMetadata.Types.PluginData { PluginName = "text", Content = ByteString.Empty },
        };
        var tensor = new TensorProto
        {
            Dtype = Tensorboard.DataType.DtString,
            TensorShape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dim { Size = 1 } } },
        };
        tensor.StringVal.Add(ByteString.CopyFromUtf8(textString));
        Write(_writer, One(new Summary.Types.Value { Tag = tag + "/text_summary", Metadata = meta, Tensor = tensor }), globalStep, walltime);
    }

    /// <summary>
    /// add_hparams: this run's hyperparameters (numbers, bools, strings or one-element tensors) and the metrics they
    /// reached, for TensorBoard's HPARAMS tab. As PyTorch's, they go to a sub-directory <paramref name="runName"/>
    /// (default: the current time in seconds) with the hparams plugin's experiment, session-start and session-end
    /// summaries and one scalar per metric.
    /// </summary>
    public void AddHparams(IReadOnlyDictionary<string, object?> hparamDict, IReadOnlyDictionary<string, double> metricDict,
        IReadOnlyDictionary<string, IReadOnlyList<object>>? hparamDomainDiscrete = null, string? runName = null,
        long? globalStep = null)
    {
        ArgumentNullException.ThrowIfNull(hparamDict);
        ArgumentNullException.ThrowIfNull(metricDict);
        var (experiment, start, end) = HParams.Make(hparamDict, metricDict, hparamDomainDiscrete);
        runName ??= Now().ToString("0.0######", System.Globalization.CultureInfo.InvariantCulture);
        using var run = new EventFileWriter(Path.Combine(LogDir, runName), _maxQueue, _flushSecs, _suffix);
        Write(run, experiment, globalStep, null);
        Write(run, start, globalStep, null);
        Write(run, end, globalStep, null);
        foreach (var (tag, value) in metricDict)
            Write(run, One(new Summary.Types.Value { Tag = tag, SimpleValue = (float)value }), globalStep, null);
    }

    /// <summary>Writes the pending events of every file of this writer.</summary>
    public void Flush()
    {
        _writer.Flush();
        lock (_scalarWriters) foreach (var w in _scalarWriters.Values) w.Flush();
    }

    /// <summary>Flushes and closes every file; the writer cannot be used afterwards.</summary>
    public void Close()
    {
        _writer.Dispose();
        lock (_scalarWriters)
        {
            foreach (var w in _scalarWriters.Values) w.Dispose();
            _scalarWriters.Clear();
        }
    }

    /// <summary>Same as <see cref="Close"/>.</summary>
    public void Dispose() => Close();
}
