using Flint.NN;

namespace Flint.Cli.Training;

/// <summary>
/// The seed tutorial's network, field for field: <c>hidden</c> 4→10, ReLU, Dropout(0.2), <c>out</c> 10→3.
/// Its repr and state-dict keys are PyTorch's (hidden.weight, hidden.bias, out.weight, out.bias).
/// </summary>
public sealed class CustomModel : Module<Tensor, Tensor>
{
    public Linear hidden;
    public ReLU relu = new();
    public Dropout drop;
    public Linear @out;

    public CustomModel(int inFeatures = 4, int hiddenUnits = 10, int classes = 3, double dropout = 0.2)
    {
        hidden = new Linear(inFeatures, hiddenUnits);
        drop = new Dropout(dropout);
        @out = new Linear(hiddenUnits, classes);
    }

    public override Tensor Forward(Tensor x)
    {
        x = relu.Call(hidden.Call(x));
        return @out.Call(drop.Call(x));
    }
}

/// <summary>The models the command line trains.</summary>
public static class Models
{
    /// <summary>A small CNN for 8×8 digits: two 3×3 conv blocks with 2×2 max-pooling, then two linear layers.</summary>
    public static Sequential DigitsCnn() => new(
        new Unflatten(1, [1, 8, 8]),
        new Conv2d(1, 16, 3, padding: 1), new ReLU(), new MaxPool2d(2),
        new Conv2d(16, 32, 3, padding: 1), new ReLU(), new MaxPool2d(2),
        new Flatten(),
        new Linear(32 * 2 * 2, 64), new ReLU(),
        new Linear(64, 10));

    /// <summary>A one-hidden-layer perceptron with dropout.</summary>
    public static Sequential Mlp(int inFeatures, int hidden, int classes, double dropout = 0.1) => new(
        new Linear(inFeatures, hidden), new ReLU(), new Dropout(dropout), new Linear(hidden, classes));

    public static long ParameterCount(Module m)
    {
        long n = 0;
        foreach (var p in m.Parameters()) n += p.Numel();
        return n;
    }
}
