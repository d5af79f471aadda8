using Flint;
using Flint.NN;

namespace Flint.Tests.Conv;

[Collection("DefaultGenerator")] // seeds the default generator
public class ConvModuleTests
{
    private static readonly Dictionary<string, Func<Module>> Ctors = new()
    {
        ["conv2d_lenet1"] = () => new Conv2d(1, 6, 5, padding: 2),
        ["conv2d_lenet2"] = () => new Conv2d(6, 16, 5),
        ["conv2d_full"] = () => new Conv2d(4, 6, 3, stride: 2, padding: 1, dilation: 2, groups: 2, bias: false),
        ["conv1d"] = () => new Conv1d(3, 5, 3),
        ["conv3d"] = () => new Conv3d(2, 4, 3, padding: 1),
        ["conv2d_same"] = () => new Conv2d(3, 4, 3, "same"),
        ["conv2d_reflect"] = () => new Conv2d(2, 3, 3, padding: 1, paddingMode: "reflect"),
        ["conv2d_replicate"] = () => new Conv2d(2, 3, 3, padding: 2, paddingMode: "replicate"),
        ["conv2d_circular"] = () => new Conv2d(2, 3, 3, padding: 1, paddingMode: "circular"),
        ["convT2d"] = () => new ConvTranspose2d(4, 2, 3, stride: 2, padding: 1, outputPadding: 1),
        ["convT1d"] = () => new ConvTranspose1d(3, 3, 2),
        ["maxpool2d"] = () => new MaxPool2d(2),
        ["maxpool2d_full"] = () => new MaxPool2d(3, stride: 2, padding: 1, dilation: 1, ceilMode: true),
        ["avgpool2d"] = () => new AvgPool2d(2),
        ["avgpool1d"] = () => new AvgPool1d(3, stride: 2),
        ["adaptiveavg2d"] = () => new AdaptiveAvgPool2d((5, 7)),
        ["adaptiveavg2d_1"] = () => new AdaptiveAvgPool2d(1),
        ["adaptivemax2d"] = () => new AdaptiveMaxPool2d(2),
        ["maxunpool2d"] = () => new MaxUnpool2d(2),
    };

    public static IEnumerable<object[]> Names() => Fixture.Load("conv_modules").Cases.Select(c => new object[] { c.GetProperty("name").GetString()! });

    [Theory]
    [MemberData(nameof(Names))]
    public void ReprAndSeededInitMatchPyTorch(string name)
    {
        var c = Fixture.Load("conv_modules").Cases.First(x => x.GetProperty("name").GetString() == name);
        Torch.ManualSeed(0);
        var m = Ctors[name]();
        Assert.Equal(c.GetProperty("repr").GetString(), m.ToString());
        var sd = m.StateDict();
        var expected = c.GetProperty("params").EnumerateObject().ToList();
        Assert.Equal(expected.Select(p => p.Name), sd.Keys.Cast<string>());
        foreach (var p in expected) TensorAssert.Close(Fixture.Tensor(p.Value), sd.Get<Tensor>(p.Name), 1e-6, 1e-7, what: p.Name);

        if (c.TryGetProperty("x", out var xj))
        {
            var x = Fixture.Tensor(xj).RequiresGrad_();
            var y = ((Module<Tensor, Tensor>)m).Call(x);
            TensorAssert.Close(Fixture.Tensor(c.GetProperty("y")), y, 1e-5, 1e-5, what: "y");
            y.Sum().Backward();
            TensorAssert.Close(Fixture.Tensor(c.GetProperty("dx")), x.Grad!, 1e-5, 1e-5, what: "dx");
        }
    }

    [Fact]
    public void LeNetForwardShapes()
    {
        var x = Torch.Ones([64, 1, 28, 28]);
        var c1 = new Conv2d(1, 6, 5, padding: 2); var p = new MaxPool2d(2); var c2 = new Conv2d(6, 16, 5);
        var y = p.Call(c2.Call(p.Call(c1.Call(x))));
        Assert.Equal(new long[] { 64, 16, 5, 5 }, y.Shape);
    }
}
