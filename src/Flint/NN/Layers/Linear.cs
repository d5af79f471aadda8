namespace Flint.NN;

/// <summary>y = x Wᵀ + b. Weight [out, in] from kaiming_uniform_(a=√5), bias uniform(±1/√in), as PyTorch.</summary>
public class Linear : Module<Tensor, Tensor>
{
    public Parameter weight;
    public Parameter? bias;
    public long InFeatures { get; }
    public long OutFeatures { get; }

    public Linear(long inFeatures, long outFeatures, bool hasBias = true, DType? dtype = null)
    {
        InFeatures = inFeatures; OutFeatures = outFeatures;
        var dt = dtype ?? Torch.DefaultDType;
        weight = new Parameter(Torch.Empty([outFeatures, inFeatures], dt));
        bias = hasBias ? new Parameter(Torch.Empty([outFeatures], dt)) : null;
        ResetParameters();
    }

    public void ResetParameters()
    {
        Init.KaimingUniform_(weight, a: Math.Sqrt(5));
        if (bias is not null)
        {
            var (fanIn, _) = Init.CalculateFanInAndFanOut(weight);
            double bound = fanIn > 0 ? 1 / Math.Sqrt(fanIn) : 0;
            Init.Uniform_(bias, -bound, bound);
        }
    }

    public override Tensor Forward(Tensor input) => Functional.Linear(input, weight, bias);

    public override string ExtraRepr() => $"in_features={InFeatures}, out_features={OutFeatures}, bias={Py(bias is not null)}";
}

/// <summary>Returns its input unchanged (a placeholder layer).</summary>
public sealed class Identity : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => input;
}

/// <summary>Flattens dims start_dim..end_dim into one.</summary>
public sealed class Flatten(int startDim = 1, int endDim = -1) : Module<Tensor, Tensor>
{
    public int StartDim { get; } = startDim;
    public int EndDim { get; } = endDim;
    public override Tensor Forward(Tensor input) => input.Flatten(StartDim, EndDim);
    public override string ExtraRepr() => $"start_dim={StartDim}, end_dim={EndDim}";
}

/// <summary>Splits one dim into the given sizes.</summary>
public sealed class Unflatten(int dim, long[] unflattenedSize) : Module<Tensor, Tensor>
{
    public int DimIndex { get; } = dim;
    public long[] UnflattenedSize { get; } = unflattenedSize;
    public override Tensor Forward(Tensor input)
    {
        int d = ShapeUtil.WrapDim(DimIndex, input.Dim);
        var s = new List<long>();
        for (int i = 0; i < d; i++) s.Add(input._sizes[i]);
        s.AddRange(UnflattenedSize);
        for (int i = d + 1; i < input.Dim; i++) s.Add(input._sizes[i]);
        return input.View(s.ToArray());
    }
    public override string ExtraRepr() => $"dim={DimIndex}, unflattened_size=({string.Join(", ", UnflattenedSize)}{(UnflattenedSize.Length == 1 ? "," : "")})";
}
