namespace Flint;

public static partial class Torch
{
    /// <summary>torch.autograd: Grad, anomaly detection, GradCheck.</summary>
    public static class Autograd
    {
        /// <summary>torch.autograd.grad: the gradients of outputs with respect to inputs, without touching .Grad.</summary>
        public static Tensor?[] Grad(Tensor[] outputs, Tensor[] inputs, Tensor?[]? gradOutputs = null,
            bool? retainGraph = null, bool createGraph = false, bool allowUnused = false)
            => Flint.Autograd.Engine.Grad(outputs, inputs, gradOutputs, retainGraph ?? createGraph, createGraph, allowUnused);

        public static Tensor?[] Grad(Tensor output, Tensor[] inputs, Tensor? gradOutput = null,
            bool? retainGraph = null, bool createGraph = false, bool allowUnused = false)
            => Grad([output], inputs, gradOutput is null ? null : [gradOutput], retainGraph, createGraph, allowUnused);

        public static void Backward(Tensor[] tensors, Tensor?[]? gradTensors = null, bool retainGraph = false, bool createGraph = false)
            => Flint.Autograd.Engine.Backward(tensors, gradTensors, retainGraph, createGraph);

        /// <summary>using (Torch.Autograd.DetectAnomaly()) { … }: backward names the op whose gradient became NaN.</summary>
        public static IDisposable DetectAnomaly() => new Flint.Autograd.AnomalyScope(true);
        public static void SetDetectAnomaly(bool enabled) => Flint.Autograd.GradMode.IsAnomalyEnabled = enabled;

        /// <summary>torch.autograd.gradcheck: analytical vs finite-difference Jacobians (use float64 inputs).</summary>
        public static bool GradCheck(Func<Flint.Tensor[], Flint.Tensor> fn, Flint.Tensor[] inputs, double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3, bool raiseException = true)
            => Flint.Autograd.GradCheck.Check(fn, inputs, eps, atol, rtol, raiseException);

        /// <summary>torch.autograd.gradgradcheck.</summary>
        public static bool GradGradCheck(Func<Flint.Tensor[], Flint.Tensor> fn, Flint.Tensor[] inputs, double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3, bool raiseException = true)
            => Flint.Autograd.GradCheck.CheckGradGrad(fn, inputs, eps, atol, rtol, raiseException);
    }
}

