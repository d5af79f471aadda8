using Flint.Data;
using Flint.NN;
using Flint.Optim;
using Flint.Serialization;
using F = Flint.NN.Functional;

namespace Flint.Tests;

/// <summary>The README's code, as a new user would paste it: it compiles, runs, and reads its checkpoint back.</summary>
[Collection("DefaultGenerator")]
public sealed class ReadmeSnippetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("flint-readme-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public sealed class CustomModel : Module<Tensor, Tensor>
    {
        public Linear hidden = new(4, 10);
        public Dropout drop = new(0.2);
        public Linear @out = new(10, 3);

        public override Tensor Forward(Tensor x) => @out.Call(drop.Call(F.Relu(hidden.Call(x))));
    }

    [Fact]
    public void DefineTrainSaveAndReadBack()
    {
        string path = Path.Combine(_dir, "checkpoint.pth.tar");
        Torch.ManualSeed(0);
        var iris = Datasets.Iris();
        var model = new CustomModel();
        var opt = new Adam(model.Parameters(), lr: 0.01);
        var loader = new DataLoader(new TensorDataset(iris.Features, iris.Targets), batchSize: 32, shuffle: true);
        for (int epoch = 1; epoch <= 100; epoch++)
            foreach (var (x, y) in loader)
            {
                opt.ZeroGrad();
                F.CrossEntropy(model.Call(x), y).Backward();
                opt.Step();
            }
        Torch.Save(new Dictionary<string, object?> { ["epoch"] = 100, ["state_dict"] = model.StateDict(), ["opt"] = opt.StateDict() },
                   path);

        var model2 = new CustomModel();
        var opt2 = new Adam(model2.Parameters(), lr: 0.5);
        var ckpt = Torch.Load<OrderedDict>(path);
        model2.LoadStateDict(ckpt.Get<OrderedDict>("state_dict"));
        opt2.LoadStateDict(ckpt.Get<OrderedDict>("opt"));
        int done = ckpt.Get<int>("epoch");

        Assert.Equal(100, done);
        Assert.Equal(model.hidden.weight.ToArray<float>(), model2.hidden.weight.ToArray<float>());
        model2.Eval();
        using (Torch.NoGrad())
        {
            double acc = model2.Call(iris.Features).Argmax(1).Eq(iris.Targets).Sum().Item() / 150.0;
            Assert.True(acc > 0.9, $"accuracy after 100 epochs {acc}"); // it trained
        }
    }
}
