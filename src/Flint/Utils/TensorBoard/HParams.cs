using Google.Protobuf;
using Tensorboard;
using Tensorboard.Hparams;
using ProtoValue = Google.Protobuf.WellKnownTypes.Value;

namespace Flint.Utils.TensorBoard;

/// <summary>
/// The three summaries of TensorBoard's hparams plugin that PyTorch's <c>hparams()</c> writes: the experiment
/// (which hyperparameters and metrics there are), the session start (this run's values) and the session end.
/// </summary>
internal static class HParams
{
    private const string Plugin = "hparams";

    public static (Summary Experiment, Summary SessionStart, Summary SessionEnd) Make(
        IReadOnlyDictionary<string, object?> hparams, IReadOnlyDictionary<string, double> metrics,
        IReadOnlyDictionary<string, IReadOnlyList<object>>? discreteDomains)
    {
        var start = new SessionStartInfo();
        var infos = new List<HParamInfo>();
        foreach (var (name, value) in hparams)
        {
            if (value is null) continue;
            var info = new HParamInfo { Name = name };
            switch (value)
            {
                case bool b:
                    info.Type = Tensorboard.Hparams.DataType.Float64; // PyTorch: bool is an int, so a number
                    start.Hparams[name] = ProtoValue.ForNumber(b ? 1 : 0);
                    break;
                case string s:
                    start.Hparams[name] = ProtoValue.ForString(s);
                    info.Type = Tensorboard.Hparams.DataType.String;
                    break;
                case Tensor t:
                    start.Hparams[name] = ProtoValue.ForNumber(t.Reshape(-1)[0].Item());
                    info.Type = Tensorboard.Hparams.DataType.Float64;
                    break;
                case byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal:
                    start.Hparams[name] = ProtoValue.ForNumber(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture));
                    info.Type = Tensorboard.Hparams.DataType.Float64;
                    break;
                default:
                    throw new ArgumentException($"hparam '{name}': value should be one of int, float, str, bool, or torch.Tensor, got {value.GetType().Name}");
            }
            if (discreteDomains is not null && discreteDomains.TryGetValue(name, out var domain))
            {
                var list = new Google.Protobuf.WellKnownTypes.ListValue();
                foreach (var d in domain)
                    list.Values.Add(d is string ds ? ProtoValue.ForString(ds)
                        : d is bool db ? ProtoValue.ForBool(db)
                        : ProtoValue.ForNumber(Convert.ToDouble(d, System.Globalization.CultureInfo.InvariantCulture)));
                info.DomainDiscrete = list;
            }
            infos.Add(info);
        }
        var experiment = new Experiment();
        experiment.HparamInfos.AddRange(infos);
        foreach (var metric in metrics.Keys) experiment.MetricInfos.Add(new MetricInfo { Name = new MetricName { Tag = metric } });

        return (Tagged("_hparams_/experiment", new HParamsPluginData { Experiment = experiment }),
                Tagged("_hparams_/session_start_info", new HParamsPluginData { SessionStartInfo = start }),
                Tagged("_hparams_/session_end_info",
                    new HParamsPluginData { SessionEndInfo = new SessionEndInfo { Status = Status.Success } }));
    }

    private static Summary Tagged(string tag, HParamsPluginData content)
    {
        content.Version = 0;
        var meta = new SummaryMetadata
        {
            PluginData = new SummaryMetadata.Types.PluginData { PluginName = Plugin, Content = content.ToByteString() },
        };
        var summary = new Summary();
        summary.Value.Add(new Summary.Types.Value { Tag = tag, Metadata = meta });
        return summary;
    }
}
