using Flint.NN;

namespace Flint.Tests.NN;

/// <summary>The seed tutorial's model (shared/seeds/003), ported line by line.</summary>
public sealed class CustomModel : Module<Tensor, Tensor>
{
    public Linear hidden = new(4, 10);
    public ReLU relu = new();
    public Dropout drop = new(0.2);
    public Linear @out = new(10, 3);

    public override Tensor Forward(Tensor x)
    {
        x = relu.Call(hidden.Call(x));
        return @out.Call(drop.Call(x));
    }
}
