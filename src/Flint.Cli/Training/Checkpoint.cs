using Flint.NN;
using Flint.Optim;
using Flint.Serialization;

namespace Flint.Cli.Training;

/// <summary>The curves of a run, per epoch, from <see cref="FirstEpoch"/> on.</summary>
public sealed class History
{
    /// <summary>The epoch (1-based) of each list's first value.</summary>
    public int FirstEpoch { get; set; } = 1;
    /// <summary>Mean training loss per epoch.</summary>
    public List<double> Loss { get; } = new();
    /// <summary>Training accuracy per epoch.</summary>
    public List<double> TrainAcc { get; } = new();
    /// <summary>Test accuracy per epoch.</summary>
    public List<double> TestAcc { get; } = new();
}

/// <summary>A checkpoint that cannot be resumed from: the message says why, in one sentence.</summary>
public sealed class CheckpointException(string message) : Exception(message);

/// <summary>
/// The training checkpoint <c>{epoch, state_dict, opt, rng_state, history}</c> in PyTorch's format (torch.load reads
/// it). Reading one checks every entry before training goes on from it: a checkpoint that loads but does not fit
/// (another model or optimizer, an epoch that is not a whole number of epochs, curves that are not numbers) is
/// refused with a <see cref="CheckpointException"/> that names the entry.
/// </summary>
public static class Checkpoint
{
    /// <summary>Writes the checkpoint with Torch.Save (atomically).</summary>
    public static void Save(string path, int epoch, Module model, Optimizer opt, History history)
    {
        var state = new OrderedDict(isOrderedDict: false)
        {
            ["epoch"] = (long)epoch,
            ["state_dict"] = model.StateDict(),
            ["opt"] = opt.StateDict(),
            ["rng_state"] = Torch.FromArray(Torch.GetRngState()),
            ["history"] = new OrderedDict(isOrderedDict: false)
            {
                ["first_epoch"] = (long)history.FirstEpoch,
                ["loss"] = new List<double>(history.Loss),
                ["train_acc"] = new List<double>(history.TrainAcc),
                ["test_acc"] = new List<double>(history.TestAcc),
            },
        };
        Torch.Save(state, path);
    }

    /// <summary>
    /// Restores model, optimizer, generator and curves; returns the number of epochs the checkpoint had done.
    /// </summary>
    public static int Load(string path, Module model, Optimizer opt, History history)
    {
        string where = $"cannot resume from '{path}'";
        object? loaded;
        try { loaded = Torch.Load(path); }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException($"{where}: {e.Message}");
        }
        if (loaded is not OrderedDict ck)
            throw new CheckpointException($"{where}: it holds a {TypeName(loaded)}, not a training checkpoint (a dict)");
        foreach (var key in new[] { "epoch", "state_dict", "opt" })
            if (!ck.ContainsKey(key))
                throw new CheckpointException($"{where}: it has no '{key}' entry (a training checkpoint has epoch, state_dict and opt)");
        try
        {
            int epoch = ck.Get<int>("epoch");
            if (epoch < 0) throw new CheckpointException($"{where}: its epoch is {epoch}, and a count of epochs cannot be negative");
            model.LoadStateDict(ck.Get<OrderedDict>("state_dict"));
            opt.LoadStateDict(ck.Get<OrderedDict>("opt"));
            CheckOptimizer(opt);
            if (ck.TryGetValue("rng_state", out var rng) && rng is not null)
            {
                if (rng is not Tensor t || t.DType != DType.UInt8)
                    throw new CheckpointException($"{where}: its rng_state is not a uint8 tensor");
                Torch.SetRngState(t.ToArray<byte>());
            }
            ReadHistory(ck, epoch, history);
            return epoch;
        }
        catch (Exception e) when (e is InvalidCastException or KeyNotFoundException or ArgumentException
                                      or InvalidOperationException or InvalidDataException)
        {
            throw new CheckpointException($"{where}: {OneLine(e.Message)}");
        }
    }

    /// <summary>
    /// The loaded Adam state must fit the parameters it will update: finite options, moment buffers of the
    /// parameter's shape. (A state dict of the right optimizer type can still hold anything.)
    /// </summary>
    private static void CheckOptimizer(Optimizer opt)
    {
        foreach (var g in opt.ParamGroups)
        {
            double lr = g.GetDouble("lr");
            if (!double.IsFinite(lr) || lr <= 0) throw new ArgumentException($"its optimizer's learning rate is {lr}, not a finite positive number");
            var (b1, b2) = g.GetPair("betas");
            if (!(b1 >= 0 && b1 < 1 && b2 >= 0 && b2 < 1)) throw new ArgumentException($"its optimizer's betas ({b1}, {b2}) are not in [0, 1)");
            double eps = g.GetDouble("eps"), wd = g.GetDouble("weight_decay");
            if (!(eps >= 0) || !(wd >= 0)) throw new ArgumentException($"its optimizer's eps ({eps}) or weight_decay ({wd}) is not a non-negative number");
            for (int i = 0; i < g.Params.Count; i++)
            {
                var p = g.Params[i];
                if (!opt.State.TryGetValue(p, out var s)) continue;
                foreach (var (key, value) in s)
                {
                    if (key == "step")
                    {
                        if (!(value is long or double || value is Tensor st && st.Numel() == 1))
                            throw new ArgumentException($"its optimizer's 'step' for parameter {i} is a {TypeName(value)}, not a number");
                        continue;
                    }
                    if (value is not Tensor t || !t.Shape.SequenceEqual(p.Shape))
                        throw new ArgumentException($"its optimizer's '{key}' for parameter {i} does not have the parameter's shape");
                }
            }
        }
    }

    private static void ReadHistory(OrderedDict ck, int epoch, History history)
    {
        history.Loss.Clear(); history.TrainAcc.Clear(); history.TestAcc.Clear();
        history.FirstEpoch = epoch + 1;
        if (!ck.TryGetValue("history", out var h) || h is null) return; // a checkpoint from elsewhere: curves start now
        var d = h as OrderedDict ?? throw new ArgumentException($"its history is a {TypeName(h)}, not a dict");
        var lists = new[] { ("loss", history.Loss), ("train_acc", history.TrainAcc), ("test_acc", history.TestAcc) };
        foreach (var (key, dst) in lists)
        {
            var values = d.Get<List<object?>>(key);
            foreach (var v in values)
            {
                double x = v switch
                {
                    double f => f,
                    long l => l,
                    _ => throw new ArgumentException($"its history '{key}' holds a {TypeName(v)}, not a number"),
                };
                dst.Add(x);
            }
        }
        int first = d.TryGet<int>("first_epoch", out var f0) ? f0 : 1;
        if (history.Loss.Count != history.TrainAcc.Count || history.Loss.Count != history.TestAcc.Count
            || first < 1 || first + history.Loss.Count - 1 != epoch)
            throw new ArgumentException($"its history does not cover epochs {first}..{epoch} (loss, train_acc and test_acc hold "
                + $"{history.Loss.Count}, {history.TrainAcc.Count} and {history.TestAcc.Count} values)");
        history.FirstEpoch = first;
    }

    private static string TypeName(object? o) => o switch
    {
        null => "None",
        OrderedDict => "dict",
        List<object?> => "list",
        object?[] => "tuple",
        string => "str",
        long => "int",
        double => "float",
        bool => "bool",
        Tensor => "tensor",
        _ => o.GetType().Name,
    };

    private static string OneLine(string message) => string.Join(" ", message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
}
