using System.Diagnostics;
using Flint.Jit;
using Flint.NN;
using Flint.Serialization;
using Flint.Tests.Graphs;
using Flint.Tests.NN;

namespace Flint.Tests.Jit;

/// <summary>
/// Archives Flint writes load in PyTorch: tools/fixtures/check_flint_torchscript.py runs them with torch.jit.load
/// and compares the outputs. The test writes the archives (traced seed model, W3 MLP, LeNet, W5 block; and
/// PyTorch's scripted control-flow model and traced Python-side if, loaded and saved again by Flint) and runs
/// the script with /usr/bin/python3 when that has torch; where it has not, the check is skipped (the test passes
/// after writing and reloading the archives in Flint). FLINT_TORCHSCRIPT_OUT keeps the files.
/// </summary>
[Collection("DefaultGenerator")]
[Trait("Category", "Heavy")]
public class FlintToPyTorchTests
{
    private const string Python = "/usr/bin/python3";

    [Fact]
    public void PyTorchLoadsFlintArchivesAndGivesTheSameOutputs()
    {
        string? keep = Environment.GetEnvironmentVariable("FLINT_TORCHSCRIPT_OUT");
        string dir = keep ?? Directory.CreateTempSubdirectory("flint-ts-").FullName;
        Directory.CreateDirectory(dir);
        try
        {
            Torch.ManualSeed(11);
            foreach (var row in TraceTests.Models())
            {
                var (id, make, shape) = ((string)row[0], (Func<Module<Tensor, Tensor>>)row[1], (long[])row[3]);
                var model = make();
                model.Eval();
                var x = Torch.Randn(shape);
                Write(dir, "flint_trace_" + id, Torch.Jit.Trace(model, x), x);
            }
            foreach (var (model, kind) in new[] { ("control_flow", "script"), ("python_if", "trace") })
            {
                var loaded = Torch.Jit.Load(PyTorchArchiveTests.FixturePath("1.13", $"{model}.{kind}.pt"));
                Write(dir, $"resaved_{model}_{kind}", loaded, PyTorchArchiveTests.ReadIo("1.13", model).Input);
            }
            if (!HasTorch()) return; // skipped: no PyTorch here (the archives were still written and reloaded)
            var (code, output) = Run(Python, Path.Combine(RepoRoot(), "tools", "fixtures", "check_flint_torchscript.py"), dir);
            Assert.True(code == 0, output);
            Assert.Contains("Flint archives load and match", output);
        }
        finally
        {
            if (keep is null) Directory.Delete(dir, true);
        }
    }

    private static void Write(string dir, string name, ScriptModule m, Tensor x)
    {
        var path = Path.Combine(dir, name + ".pt");
        Torch.Jit.Save(m, path);
        Tensor[] outputs;
        using (Torch.NoGrad()) outputs = PyTorchArchiveTests.Flatten(m.Invoke(x));
        // every archive Flint writes loads back in Flint with the same outputs
        Tensor[] again;
        using (Torch.NoGrad()) again = PyTorchArchiveTests.Flatten(Torch.Jit.Load(path).Invoke(x));
        Assert.Equal(outputs.Length, again.Length);
        for (int i = 0; i < outputs.Length; i++) Assert.True(again[i].Equal(outputs[i]), $"{name}: reloaded output {i} differs");
        Torch.Save(new Dictionary<string, object?> { ["input"] = x, ["output"] = outputs.Cast<object?>().ToList() },
            Path.Combine(dir, name + ".io.pt"));
    }

    private static bool HasTorch()
        => File.Exists(Python) && Run(Python, "-c", "import torch").Code == 0;

    private static (int Code, string Output) Run(string exe, params string[] args)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(300_000)) { p.Kill(true); return (-1, "timed out"); }
        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    private static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Flint.slnx"))) return d.FullName;
        throw new DirectoryNotFoundException("Flint.slnx not found above the test binaries");
    }
}
