using Flint;

namespace Flint.Cli;

/// <summary>`demo`: the seed overview's first example — tensors, w = log(x·y), its gradients.</summary>
public static class Demo
{
    public static int Run()
    {
        var x = Torch.Tensor(new[] { 1.0f, 2.0f, 3.0f }, requiresGrad: true);
        var y = Torch.Tensor(new[] { 4.0f, 5.0f, 6.0f }, requiresGrad: true);
        var w = (x * y).Log();
        Console.WriteLine($"x = {x}");
        Console.WriteLine($"y = {y}");
        Console.WriteLine($"w = log(x * y) = {w}");
        w.Sum().Backward();
        Console.WriteLine($"dw/dx = {x.Grad}   (1/x)");
        Console.WriteLine($"dw/dy = {y.Grad}   (1/y)");
        return 0;
    }
}
