namespace Flint.Jit;

/// <summary>check_trace: the traced code run again on the example inputs must give eager's results.</summary>
internal static class TraceCheck
{
    public static void Compare(Tensor[] inputs, Func<Tensor[], object?> eager, Func<Tensor[], object?> traced)
    {
        Tensor[] expected, actual;
        using (Torch.NoGrad())
        {
            expected = Tracer.Tensors([eager(inputs)]).ToArray();
            actual = Tracer.Tensors([traced(inputs)]).ToArray();
        }
        for (int i = 0; i < expected.Length && i < actual.Length; i++)
        {
            if (Torch.AllClose(actual[i], expected[i], rtol: 1e-5, atol: 1e-5)) continue;
            Warnings.Warn("TracerWarning",
                $"Output nr {i + 1}. of the traced function does not match the corresponding output of the C# function. "
                + "Detailed error:\nTensor-likes are not close!", Tracer.CallerLocation());
        }
    }
}
