using Flint.NN;
using Flint.Tests.NN;

namespace Flint.Tests.Graphs;

/// <summary>torch.jit.freeze / optimize_for_inference: constants instead of attributes, folding, same results.</summary>
[Collection("DefaultGenerator")] // seeds and draws from the default generator
public class FreezeTests
{
    private sealed class ConvBnNet : Module<Tensor, Tensor>
    {
        public Conv2d conv = new(2, 4, 3, padding: 1);
        public BatchNorm2d bn = new(4);
        public ReLU relu = new();
        public Flatten flat = new();
        public Linear fc = new(4 * 6 * 6, 5);
        public BatchNorm1d bn1 = new(5);
        public Dropout drop = new(0.3);
        public override Tensor Forward(Tensor x) => drop.Call(bn1.Call(fc.Call(flat.Call(relu.Call(bn.Call(conv.Call(x)))))));
    }

    private static ConvBnNet TrainedNet()
    {
        Torch.ManualSeed(5);
        var m = new ConvBnNet();
        for (int i = 0; i < 3; i++) m.Call(Torch.Randn(8, 2, 6, 6) * 2 + 1); // running statistics away from 0 and 1
        foreach (var p in m.Parameters()) using (Torch.NoGrad()) p.Add_(Torch.RandnLike(p) * 0.1);
        m.Eval();
        return m;
    }

    [Fact]
    public void FrozenEqualsEagerAndFoldsBatchNormAndDropout()
    {
        var m = TrainedNet();
        var frozen = Torch.Jit.Freeze(Torch.Jit.Trace(m, Torch.Randn(3, 2, 6, 6)));
        var text = frozen.Graph.ToString();
        Assert.DoesNotContain("aten::batch_norm", text);
        Assert.DoesNotContain("aten::dropout", text);
        Assert.DoesNotContain("prim::GetAttr", text);
        Assert.DoesNotContain("prim::CallMethod", text);
        Assert.Contains("aten::convolution", text);
        Assert.Contains("%self.conv.weight_fused_bn : Float(4, 2, 3, 3, strides=[18, 9, 3, 1], requires_grad=0, device=cpu) = prim::Constant[value=<Tensor>]()", text);
        Assert.Empty(frozen.Parameters());
        foreach (var n in new[] { 3, 7 })
        {
            var x = Torch.Randn(n, 2, 6, 6);
            Tensor expected;
            using (Torch.NoGrad()) expected = m.Call(x);
            Assert.True(frozen.Call(x).AllClose(expected, rtol: 1e-5, atol: 1e-5));
        }
    }

    [Fact]
    public void FreezingIsIndependentOfLaterTraining()
    {
        var m = TrainedNet();
        var frozen = Torch.Jit.Freeze(Torch.Jit.Trace(m, Torch.Randn(2, 2, 6, 6)));
        var x = Torch.Randn(2, 2, 6, 6);
        var before = frozen.Call(x);
        using (Torch.NoGrad()) m.fc.weight.Add_(1.0);
        Assert.True(frozen.Call(x).Equal(before));
    }

    [Fact]
    public void FreezingATrainingModuleFailsWithPyTorchsMessage()
    {
        var traced = Torch.Jit.Trace(new CustomModel(), Torch.Randn(1, 4), checkTrace: false);
        var e = Assert.Throws<InvalidOperationException>(() => Torch.Jit.Freeze(traced));
        Assert.Equal("Freezing is currently only implemented for modules in eval mode. Please call .eval() on your module before freezing.", e.Message);
    }

    [Fact]
    public void OptimizeForInferenceOfTheSeedModelIsTwoLinearsAndARelu()
    {
        var m = new CustomModel();
        m.Eval();
        var opt = Torch.Jit.OptimizeForInference(Torch.Jit.Trace(m, Torch.Randn(1, 4)));
        var kinds = opt.Graph.Nodes.Where(n => n.Kind.StartsWith("aten::")).Select(n => n.Kind).ToArray();
        Assert.Equal(["aten::linear", "aten::relu", "aten::linear"], kinds);
        var x = Torch.Randn(4, 4);
        using (Torch.NoGrad()) Assert.True(opt.Call(x).Equal(m.Call(x)));
        Assert.Contains("torch.linear(x, CONSTANTS.c0, CONSTANTS.c1)", opt.Code);
    }
}
