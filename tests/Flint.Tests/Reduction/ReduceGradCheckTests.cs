using Flint;

namespace Flint.Tests.Reductions;

/// <summary>gradcheck and gradgradcheck in float64 for every differentiable reduction, cumulative and ordering op.</summary>
public class ReduceGradCheckTests
{
    private static Tensor X(int seed, params long[] shape) => ReduceErrorAndSearchTests.Rand(seed, DType.Float64, shape).RequiresGrad_();

    public static IEnumerable<object[]> Ops() => Fns.Keys.Select(k => new object[] { k });

    private static readonly Dictionary<string, Func<Tensor, Tensor>> Fns = new()
    {
        ["sum_dims"] = x => x.Sum([0, 2], keepdim: true),
        ["mean"] = x => x.Mean(1),
        ["mean_all"] = x => x.Mean(),
        ["nansum"] = x => x.Nansum(1),
        ["prod_dim"] = x => x.Prod(1),
        ["prod_all"] = x => x.Prod(),
        ["amax"] = x => x.Amax([0, 1]),
        ["amin"] = x => x.Amin(2, keepdim: true),
        ["max_all"] = x => x.Max(),
        ["max_dim"] = x => x.Max(1).Values,
        ["min_dim_keep"] = x => x.Min(0, keepdim: true).Values,
        ["var"] = x => x.Var(1),
        ["std"] = x => x.Std([0, 2], correction: 0),
        ["var_mean"] = x => { var (v, m) = Torch.VarMean(x, [1]); return v + m * 3; },
        ["std_mean"] = x => { var (v, m) = Torch.StdMean(x, [2]); return v * 2 + m; },
        ["logsumexp"] = x => x.Logsumexp([1, 2]),
        ["norm2"] = x => x.Norm(2, [1]),
        ["norm1"] = x => x.Norm(1, [2]),
        ["norm3"] = x => x.Norm(3),
        ["norm_half"] = x => x.Norm(0.5, [0]),
        ["norm_inf"] = x => x.Norm(double.PositiveInfinity, [1]),
        ["cumsum"] = x => x.Cumsum(1),
        ["cumprod"] = x => x.Cumprod(2),
        ["cummax"] = x => x.Cummax(1).Values,
        ["cummin"] = x => x.Cummin(0).Values,
        ["softmax_last"] = x => x.Softmax(-1),
        ["softmax_mid"] = x => x.Softmax(1),
        ["log_softmax"] = x => x.LogSoftmax(0),
        ["sort"] = x => x.Sort(1, descending: true).Values,
        ["topk"] = x => x.Topk(2, 2).Values,
        ["kthvalue"] = x => x.Kthvalue(2, 1).Values,
        ["median_dim"] = x => x.Median(2).Values,
        ["median_all"] = x => x.Median(),
        ["mode"] = x => x.Mode(1).Values,
    };

    [Theory]
    [MemberData(nameof(Ops))]
    public void GradCheckAndGradGradCheck(string name)
    {
        var f = Fns[name];
        var x = X(name.GetHashCode() & 0xffff, 2, 3, 4);
        Assert.True(Torch.Autograd.GradCheck(a => f(a[0]), [x]));
        Assert.True(Torch.Autograd.GradGradCheck(a => f(a[0]), [x]));
    }

    [Fact]
    public void ProdAndCumprodWithZerosMatchFiniteDifferences()
    {
        var x = Torch.Tensor(new[,] { { 2.0, 0.0, 3.0, 0.5 }, { 0.0, 0.0, 1.5, 2.0 }, { 1.0, 2.0, 0.0, -1.0 } }, DType.Float64).RequiresGrad_();
        Assert.True(Torch.Autograd.GradCheck(a => a[0].Prod(1), [x]));
        Assert.True(Torch.Autograd.GradCheck(a => a[0].Prod(), [x]));
        Assert.True(Torch.Autograd.GradCheck(a => a[0].Cumprod(1), [x]));
    }

    [Fact]
    public void AmaxSplitsTheGradientAmongTies()
    {
        var x = Torch.Tensor(new[] { 1.0, 3.0, 3.0, 0.0 }, DType.Float64).RequiresGrad_();
        x.Amax().Backward();
        Assert.Equal(new[] { 0, 0.5, 0.5, 0 }, x.Grad!.ToArray<double>());
        var y = Torch.Tensor(new[] { 1.0, 3.0, 3.0, 0.0 }, DType.Float64).RequiresGrad_();
        y.Max(0).Values.Backward();
        Assert.Equal(new[] { 0, 1.0, 0, 0 }, y.Grad!.ToArray<double>()); // max with dim: the first index takes it all
    }

    [Fact]
    public void SoftmaxBackwardIsItselfDifferentiable()
    {
        // the fused _softmax_backward_data: gradcheck it in both inputs (grad and output) through a softmax
        var x = X(11, 3, 5);
        var g = X(12, 3, 5);
        foreach (var log in new[] { false, true })
        {
            Func<Tensor[], Tensor> f = a =>
            {
                using var _ = Torch.EnableGrad(); // gradcheck's finite differences run under no_grad
                var xi = a[0].RequiresGrad ? a[0] : a[0].Detach().RequiresGrad_();
                var y = log ? xi.LogSoftmax(1) : xi.Softmax(1);
                return Torch.Autograd.Grad(y, [xi], a[1], createGraph: true)[0]!;
            };
            Assert.True(Torch.Autograd.GradCheck(f, [x, g]));
            Assert.Equal(log ? "LogSoftmaxBackwardDataBackward0" : "SoftmaxBackwardDataBackward0", f([x, g]).GradFn!.Name);
        }
    }
}
