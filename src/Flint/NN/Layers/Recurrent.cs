namespace Flint.NN;

/// <summary>
/// The shared body of RNN, LSTM and GRU (PyTorch's RNNBase): per layer and direction the parameters weight_ih_l{k},
/// weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k} (suffix _reverse for the backward direction), all initialized
/// uniform(±1/√hidden) in that order. The input projection of every time step is one GEMM; the recurrence then
/// runs step by step. Accepts padded input ([T, B, I], [B, T, I] with batchFirst, or unbatched [T, I]) and
/// PackedSequence.
/// </summary>
public abstract class RNNBase : Module
{
    public string Mode { get; }
    public long InputSize { get; }
    public long HiddenSize { get; }
    public int NumLayers { get; }
    public bool Bias { get; }
    public bool BatchFirst { get; }
    public double Dropout { get; }
    public bool Bidirectional { get; }
    private readonly int _gates;

    protected RNNBase(string mode, long inputSize, long hiddenSize, int numLayers, bool bias, bool batchFirst, double dropout, bool bidirectional, DType? dtype)
    {
        if (dropout < 0 || dropout > 1) throw new ArgumentException("dropout should be a number in range [0, 1] representing the probability of an element being zeroed");
        if (hiddenSize <= 0) throw new ArgumentException("hidden_size must be greater than zero");
        if (numLayers <= 0) throw new ArgumentException("num_layers must be greater than zero");
        Mode = mode; InputSize = inputSize; HiddenSize = hiddenSize; NumLayers = numLayers; Bias = bias;
        BatchFirst = batchFirst; Dropout = dropout; Bidirectional = bidirectional;
        _gates = mode switch { "LSTM" => 4, "GRU" => 3, _ => 1 };
        var dt = dtype ?? Torch.DefaultDType;
        int dirs = bidirectional ? 2 : 1;
        for (int layer = 0; layer < numLayers; layer++)
            for (int d = 0; d < dirs; d++)
            {
                long inSize = layer == 0 ? inputSize : hiddenSize * dirs;
                var sfx = $"_l{layer}{(d == 1 ? "_reverse" : "")}";
                RegisterParameter("weight_ih" + sfx, new Parameter(Torch.Empty([_gates * hiddenSize, inSize], dt)));
                RegisterParameter("weight_hh" + sfx, new Parameter(Torch.Empty([_gates * hiddenSize, hiddenSize], dt)));
                if (bias)
                {
                    RegisterParameter("bias_ih" + sfx, new Parameter(Torch.Empty([_gates * hiddenSize], dt)));
                    RegisterParameter("bias_hh" + sfx, new Parameter(Torch.Empty([_gates * hiddenSize], dt)));
                }
            }
        ResetParameters();
    }

    public void ResetParameters()
    {
        double stdv = 1.0 / Math.Sqrt(HiddenSize);
        foreach (var p in Parameters()) Init.Uniform_(p, -stdv, stdv);
    }

    private Parameter? P(string name) => LocalParameters().FirstOrDefault(kv => kv.Key == name).Value;

    public override string ExtraRepr()
    {
        var s = $"{InputSize}, {HiddenSize}";
        if (NumLayers != 1) s += $", num_layers={NumLayers}";
        if (!Bias) s += ", bias=False";
        if (BatchFirst) s += ", batch_first=True";
        if (Dropout != 0) s += $", dropout={Py(Dropout)}";
        if (Bidirectional) s += ", bidirectional=True";
        return s + ExtraReprTail();
    }

    protected virtual string ExtraReprTail() => "";

    /// <summary>One cell step: the new (h, c) from the projected input xp = x W_ihᵀ + b_ih and the previous state.</summary>
    protected abstract (Tensor h, Tensor? c) Cell(Tensor xp, Tensor h, Tensor? c, Tensor wHh, Tensor? bHh);

    /// <summary>Runs all layers. h0/c0: [layers·dirs, B, H] or null (zeros).</summary>
    protected (Tensor Output, Tensor H, Tensor? C) Run(Tensor input, Tensor? h0, Tensor? c0)
    {
        bool unbatched = input.Dim == 2;
        if (input.Dim != 2 && input.Dim != 3)
            throw new ArgumentException($"{GetName()}: Expected input to be 2D or 3D, got {input.Dim}D instead");
        var x = unbatched ? input.Unsqueeze(1) : BatchFirst ? input.Transpose(0, 1) : input;
        if (x.Size(2) != InputSize)
            throw new ArgumentException($"input.size(-1) must be equal to input_size. Expected {InputSize}, got {x.Size(2)}");
        if (unbatched) { h0 = h0?.Unsqueeze(1); c0 = c0?.Unsqueeze(1); }
        long T = x.Size(0), B = x.Size(1);
        var batchSizes = new long[T];
        Array.Fill(batchSizes, B);
        var (outPacked, h, c) = RunPacked(x.Reshape(T * B, x.Size(2)), batchSizes, h0, c0);
        var output = outPacked.View(T, B, outPacked.Size(1));
        if (unbatched) return (output.Squeeze(1), h.Squeeze(1), c?.Squeeze(1));
        return (BatchFirst ? output.Transpose(0, 1) : output, h, c);
    }

    protected (PackedSequence Output, Tensor H, Tensor? C) RunPacked(PackedSequence seq, Tensor? h0, Tensor? c0)
    {
        if (seq.SortedIndices is { } si)
        {
            h0 = h0?.IndexSelect(1, si);
            c0 = c0?.IndexSelect(1, si);
        }
        var (data, h, c) = RunPacked(seq.Data, seq.BatchSizes, h0, c0);
        if (seq.UnsortedIndices is { } ui)
        {
            h = h.IndexSelect(1, ui);
            c = c?.IndexSelect(1, ui);
        }
        return (seq with { Data = data }, h, c);
    }

    /// <summary>The recurrence over packed data [Σ bs_t, I] with decreasing batch sizes bs_t.</summary>
    private (Tensor Data, Tensor H, Tensor? C) RunPacked(Tensor data, long[] batchSizes, Tensor? h0, Tensor? c0)
    {
        int dirs = Bidirectional ? 2 : 1;
        long B = batchSizes[0];
        bool lstm = Mode == "LSTM";
        long expectedLayers = NumLayers * dirs;
        if (h0 is not null && (h0.Dim != 3 || h0.Size(0) != expectedLayers || h0.Size(1) != B || h0.Size(2) != HiddenSize))
            throw new ArgumentException($"Expected hidden size ({expectedLayers}, {B}, {HiddenSize}), got {ShapeUtil.Format(h0._sizes)}");
        h0 ??= Torch.Zeros([expectedLayers, B, HiddenSize], data.DType);
        if (lstm) c0 ??= Torch.Zeros([expectedLayers, B, HiddenSize], data.DType);
        var offsets = new long[batchSizes.Length + 1];
        for (int t = 0; t < batchSizes.Length; t++) offsets[t + 1] = offsets[t] + batchSizes[t];

        var hn = new List<Tensor>(); var cn = new List<Tensor>();
        var layerInput = data;
        for (int layer = 0; layer < NumLayers; layer++)
        {
            var dirOutputs = new Tensor[dirs];
            for (int d = 0; d < dirs; d++)
            {
                var sfx = $"_l{layer}{(d == 1 ? "_reverse" : "")}";
                var xp = Torch.Linear(layerInput, P("weight_ih" + sfx)!, P("bias_ih" + sfx)); // every step at once
                int idx = layer * dirs + d;
                var (o, h, c) = Direction(xp, batchSizes, offsets, h0.Select(0, idx), c0?.Select(0, idx), P("weight_hh" + sfx)!, P("bias_hh" + sfx), reverse: d == 1);
                dirOutputs[d] = o; hn.Add(h); if (c is not null) cn.Add(c);
            }
            layerInput = dirs == 1 ? dirOutputs[0] : Torch.Cat(dirOutputs, 1);
            if (Dropout > 0 && Training && layer < NumLayers - 1) layerInput = Functional.Dropout(layerInput, Dropout, true);
        }
        return (layerInput, Torch.Stack(hn.ToArray(), 0), lstm ? Torch.Stack(cn.ToArray(), 0) : null);
    }

    private (Tensor Out, Tensor H, Tensor? C) Direction(Tensor xp, long[] bs, long[] offsets, Tensor h0, Tensor? c0, Tensor wHh, Tensor? bHh, bool reverse)
    {
        int T = bs.Length;
        var outs = new Tensor[T];
        if (!reverse)
        {
            // Finished sequences (the tail of the batch) keep their last state: collect it as the batch shrinks.
            Tensor h = h0, c = c0!;
            var doneH = new List<Tensor>(); var doneC = new List<Tensor>();
            for (int t = 0; t < T; t++)
            {
                long n = bs[t];
                if (n < h.Size(0))
                {
                    doneH.Insert(0, h.Narrow(0, n, h.Size(0) - n)); h = h.Narrow(0, 0, n);
                    if (c0 is not null) { doneC.Insert(0, c.Narrow(0, n, c.Size(0) - n)); c = c.Narrow(0, 0, n); }
                }
                var (hNew, cNew) = Cell(xp.Narrow(0, offsets[t], n), h, c0 is null ? null : c, wHh, bHh);
                h = hNew; if (cNew is not null) c = cNew;
                outs[t] = h;
            }
            var hFinal = doneH.Count == 0 ? h : Torch.Cat([h, .. doneH], 0);
            var cFinal = c0 is null ? null : doneC.Count == 0 ? c : Torch.Cat([c, .. doneC], 0);
            return (Torch.Cat(outs, 0), hFinal, cFinal);
        }
        else
        {
            // Backwards in time the batch grows: sequences join with their initial state when they start.
            long n0 = bs[T - 1];
            Tensor h = h0.Narrow(0, 0, n0), c = c0?.Narrow(0, 0, n0)!;
            for (int t = T - 1; t >= 0; t--)
            {
                long n = bs[t];
                if (n > h.Size(0))
                {
                    long have = h.Size(0);
                    h = Torch.Cat([h, h0.Narrow(0, have, n - have)], 0);
                    if (c0 is not null) c = Torch.Cat([c, c0.Narrow(0, have, n - have)], 0);
                }
                var (hNew, cNew) = Cell(xp.Narrow(0, offsets[t], n), h, c0 is null ? null : c, wHh, bHh);
                h = hNew; if (cNew is not null) c = cNew;
                outs[t] = h;
            }
            return (Torch.Cat(outs, 0), h, c0 is null ? null : c);
        }
    }
}

/// <summary>Elman RNN: h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh) (or relu).</summary>
public sealed class RNN : RNNBase
{
    public string Nonlinearity { get; }

    public RNN(long inputSize, long hiddenSize, int numLayers = 1, string nonlinearity = "tanh", bool bias = true, bool batchFirst = false,
        double dropout = 0, bool bidirectional = false, DType? dtype = null)
        : base(nonlinearity == "relu" ? "RNN_RELU" : nonlinearity == "tanh" ? "RNN_TANH" : throw new ArgumentException($"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'."),
            inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, dtype)
        => Nonlinearity = nonlinearity;

    // PyTorch's RNNBase.extra_repr does not show the nonlinearity (RNNCell's does).

    protected override (Tensor h, Tensor? c) Cell(Tensor xp, Tensor h, Tensor? c, Tensor wHh, Tensor? bHh)
    {
        var pre = xp + Torch.Linear(h, wHh, bHh);
        return (Nonlinearity == "relu" ? pre.Relu() : pre.Tanh(), null);
    }

    /// <summary>(output, h_n) for input [T, B, I] (or [B, T, I] with batchFirst, or [T, I]).</summary>
    public (Tensor Output, Tensor HN) Forward(Tensor input, Tensor? h0 = null) { var r = Run(input, h0, null); return (r.Output, r.H); }
    public (PackedSequence Output, Tensor HN) Forward(PackedSequence input, Tensor? h0 = null) { var r = RunPacked(input, h0, null); return (r.Output, r.H); }
    public (Tensor Output, Tensor HN) Call(Tensor input, Tensor? h0 = null) => Forward(input, h0);
}

/// <summary>LSTM with PyTorch's gate order (input, forget, cell, output).</summary>
public sealed class LSTM(long inputSize, long hiddenSize, int numLayers = 1, bool bias = true, bool batchFirst = false,
    double dropout = 0, bool bidirectional = false, DType? dtype = null)
    : RNNBase("LSTM", inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, dtype)
{
    protected override (Tensor h, Tensor? c) Cell(Tensor xp, Tensor h, Tensor? c, Tensor wHh, Tensor? bHh)
        => RecurrentCells.LstmStep(xp + Torch.Linear(h, wHh, bHh), c!);

    /// <summary>(output, (h_n, c_n)).</summary>
    public (Tensor Output, (Tensor HN, Tensor CN) State) Forward(Tensor input, (Tensor H0, Tensor C0)? state = null)
    {
        var r = Run(input, state?.H0, state?.C0);
        return (r.Output, (r.H, r.C!));
    }

    public (PackedSequence Output, (Tensor HN, Tensor CN) State) Forward(PackedSequence input, (Tensor H0, Tensor C0)? state = null)
    {
        var r = RunPacked(input, state?.H0, state?.C0);
        return (r.Output, (r.H, r.C!));
    }

    public (Tensor Output, (Tensor HN, Tensor CN) State) Call(Tensor input, (Tensor H0, Tensor C0)? state = null) => Forward(input, state);
}

/// <summary>GRU with PyTorch's gate order (reset, update, new) and n = tanh(x_n + r ⊙ (h W_hnᵀ + b_hn)).</summary>
public sealed class GRU(long inputSize, long hiddenSize, int numLayers = 1, bool bias = true, bool batchFirst = false,
    double dropout = 0, bool bidirectional = false, DType? dtype = null)
    : RNNBase("GRU", inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, dtype)
{
    protected override (Tensor h, Tensor? c) Cell(Tensor xp, Tensor h, Tensor? c, Tensor wHh, Tensor? bHh)
        => (RecurrentCells.GruStep(xp, Torch.Linear(h, wHh, bHh), h), null);

    public (Tensor Output, Tensor HN) Forward(Tensor input, Tensor? h0 = null) { var r = Run(input, h0, null); return (r.Output, r.H); }
    public (PackedSequence Output, Tensor HN) Forward(PackedSequence input, Tensor? h0 = null) { var r = RunPacked(input, h0, null); return (r.Output, r.H); }
    public (Tensor Output, Tensor HN) Call(Tensor input, Tensor? h0 = null) => Forward(input, h0);
}

/// <summary>The gate arithmetic shared by the sequence modules and the cells.</summary>
internal static class RecurrentCells
{
    public static (Tensor h, Tensor c) LstmStep(Tensor gates, Tensor c)
    {
        var g = gates.Chunk(4, 1);
        var i = g[0].Sigmoid(); var f = g[1].Sigmoid(); var cand = g[2].Tanh(); var o = g[3].Sigmoid();
        var cNew = f * c + i * cand;
        return (o * cNew.Tanh(), cNew);
    }

    public static Tensor GruStep(Tensor xp, Tensor hp, Tensor h)
    {
        var x = xp.Chunk(3, 1); var hh = hp.Chunk(3, 1);
        var r = (x[0] + hh[0]).Sigmoid();
        var z = (x[1] + hh[1]).Sigmoid();
        var n = (x[2] + r * hh[2]).Tanh();
        return (1 - z) * n + z * h;
    }
}

/// <summary>The shared body of the single-step cells: weight_ih, weight_hh, bias_ih, bias_hh, init uniform(±1/√hidden).</summary>
public abstract class RNNCellBase : Module
{
    public Parameter weight_ih;
    public Parameter weight_hh;
    public Parameter? bias_ih;
    public Parameter? bias_hh;
    public long InputSize { get; }
    public long HiddenSize { get; }
    public bool Bias { get; }

    protected RNNCellBase(long inputSize, long hiddenSize, bool bias, int gates, DType? dtype)
    {
        InputSize = inputSize; HiddenSize = hiddenSize; Bias = bias;
        var dt = dtype ?? Torch.DefaultDType;
        weight_ih = new Parameter(Torch.Empty([gates * hiddenSize, inputSize], dt));
        weight_hh = new Parameter(Torch.Empty([gates * hiddenSize, hiddenSize], dt));
        bias_ih = bias ? new Parameter(Torch.Empty([gates * hiddenSize], dt)) : null;
        bias_hh = bias ? new Parameter(Torch.Empty([gates * hiddenSize], dt)) : null;
        double stdv = 1.0 / Math.Sqrt(hiddenSize);
        foreach (var p in Parameters()) Init.Uniform_(p, -stdv, stdv);
    }

    public override string ExtraRepr() => $"{InputSize}, {HiddenSize}" + (Bias ? "" : ", bias=False") + ExtraReprTail();
    protected virtual string ExtraReprTail() => "";

    /// <summary>Unbatched [I] inputs become a batch of one, and come back unbatched.</summary>
    protected (Tensor x, Tensor? h, bool unbatched) Batch(Tensor input, Tensor? h)
    {
        if (input.Dim != 1 && input.Dim != 2)
            throw new ArgumentException($"{GetName()}: Expected input to be 1D or 2D, got {input.Dim}D instead");
        bool unbatched = input.Dim == 1;
        return unbatched ? (input.Unsqueeze(0), h?.Unsqueeze(0), true) : (input, h, false);
    }

    protected Tensor ZerosState(Tensor x) => Torch.Zeros([x.Size(0), HiddenSize], x.DType);
}

public sealed class RNNCell(long inputSize, long hiddenSize, bool bias = true, string nonlinearity = "tanh", DType? dtype = null)
    : RNNCellBase(inputSize, hiddenSize, bias, 1, dtype)
{
    public string Nonlinearity { get; } = nonlinearity is "tanh" or "relu" ? nonlinearity : throw new ArgumentException($"Unknown nonlinearity: {nonlinearity}");
    protected override string ExtraReprTail() => Nonlinearity != "tanh" ? $", nonlinearity={Nonlinearity}" : "";

    public Tensor Forward(Tensor input, Tensor? hx = null)
    {
        var (x, h, unbatched) = Batch(input, hx);
        h ??= ZerosState(x);
        var pre = Torch.Linear(x, weight_ih, bias_ih) + Torch.Linear(h, weight_hh, bias_hh);
        var r = Nonlinearity == "relu" ? pre.Relu() : pre.Tanh();
        return unbatched ? r.Squeeze(0) : r;
    }
    public Tensor Call(Tensor input, Tensor? hx = null) => Forward(input, hx);
}

public sealed class LSTMCell(long inputSize, long hiddenSize, bool bias = true, DType? dtype = null)
    : RNNCellBase(inputSize, hiddenSize, bias, 4, dtype)
{
    public (Tensor H, Tensor C) Forward(Tensor input, (Tensor H, Tensor C)? state = null)
    {
        var (x, h, unbatched) = Batch(input, state?.H);
        var c = state?.C is { } c0 ? (unbatched ? c0.Unsqueeze(0) : c0) : ZerosState(x);
        h ??= ZerosState(x);
        var (hNew, cNew) = RecurrentCells.LstmStep(Torch.Linear(x, weight_ih, bias_ih) + Torch.Linear(h, weight_hh, bias_hh), c);
        return unbatched ? (hNew.Squeeze(0), cNew.Squeeze(0)) : (hNew, cNew);
    }
    public (Tensor H, Tensor C) Call(Tensor input, (Tensor H, Tensor C)? state = null) => Forward(input, state);
}

public sealed class GRUCell(long inputSize, long hiddenSize, bool bias = true, DType? dtype = null)
    : RNNCellBase(inputSize, hiddenSize, bias, 3, dtype)
{
    public Tensor Forward(Tensor input, Tensor? hx = null)
    {
        var (x, h, unbatched) = Batch(input, hx);
        h ??= ZerosState(x);
        var r = RecurrentCells.GruStep(Torch.Linear(x, weight_ih, bias_ih), Torch.Linear(h, weight_hh, bias_hh), h);
        return unbatched ? r.Squeeze(0) : r;
    }
    public Tensor Call(Tensor input, Tensor? hx = null) => Forward(input, hx);
}
