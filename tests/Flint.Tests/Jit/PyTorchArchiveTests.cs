using Flint.Jit;
using Flint.Serialization;

namespace Flint.Tests.Jit;

/// <summary>
/// Archives written by torch.jit.save in PyTorch 1.13 and 2.6 (tools/fixtures/gen_torchscript_archives.sh) load
/// into ScriptModules that give PyTorch's outputs on PyTorch's input, without Python.
/// </summary>
[Collection("DefaultGenerator")]
public class PyTorchArchiveTests
{
    public static IEnumerable<object[]> Archives()
    {
        foreach (var version in new[] { "1.13", "2.6" })
            foreach (var (model, kinds) in new (string, string[])[]
                     {
                         ("custom_model", ["trace", "script"]), ("mlp", ["trace", "script"]), ("lenet", ["trace", "script"]),
                         ("control_flow", ["script"]), ("python_if", ["trace"]),
                     })
                foreach (var kind in kinds) yield return [version, model, kind];
    }

    internal static string FixturePath(string version, string file)
        => Path.Combine(AppContext.BaseDirectory, "Fixtures", "torchscript", version, file);

    internal static (Tensor Input, Tensor[] Output) ReadIo(string version, string model)
    {
        var io = (OrderedDict)Torch.Load(FixturePath(version, model + ".io.pt"))!;
        var outputs = ((List<object?>)io["output"]!).Cast<Tensor>().ToArray();
        return ((Tensor)io["input"]!, outputs);
    }

    internal static Tensor[] Flatten(object? result) => result switch
    {
        Tensor t => [t],
        Tensor[] ts => ts,
        object?[] items => items.SelectMany(Flatten).ToArray(),
        _ => throw new InvalidOperationException($"unexpected result {result?.GetType().Name}"),
    };

    [Theory]
    [MemberData(nameof(Archives))]
    public void Loads_and_gives_pytorchs_outputs(string version, string model, string kind)
    {
        var m = Torch.Jit.Load(FixturePath(version, $"{model}.{kind}.pt"));
        var (x, expected) = ReadIo(version, model);
        Tensor[] actual;
        using (Torch.NoGrad()) actual = Flatten(m.Invoke(x));
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Shape, actual[i].Shape);
            Assert.True(Torch.AllClose(actual[i], expected[i], rtol: 1e-5, atol: 1e-5),
                $"{version} {model}.{kind} output {i}: {actual[i]} vs {expected[i]}");
        }
    }
}
