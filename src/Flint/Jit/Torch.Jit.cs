using Flint.Graphs;
using Flint.Jit;
using Flint.NN;

namespace Flint;

public static partial class Torch
{
    /// <summary>torch.jit: tracing modules and functions into graphs, freezing them for inference.</summary>
    public static partial class Jit
    {
        /// <summary>
        /// Runs <paramref name="module"/> once on <paramref name="example"/> while recording every op, and returns a
        /// <see cref="ScriptModule"/> that replays the recorded graph (torch.jit.trace). Control flow is not
        /// recorded: the graph is the path this input took. With <paramref name="checkTrace"/>, the traced module
        /// is run again and compared with eager, and a TracerWarning says if they differ.
        /// </summary>
        public static ScriptModule Trace<TOut>(Module<Tensor, TOut> module, Tensor example, bool checkTrace = true)
            => TraceModule(module, [example], xs => module.Call(xs[0]), checkTrace);

        /// <summary>torch.jit.trace of a module with two tensor inputs.</summary>
        public static ScriptModule Trace<TOut>(Module<Tensor, Tensor, TOut> module, Tensor example1, Tensor example2, bool checkTrace = true)
            => TraceModule(module, [example1, example2], xs => module.Call(xs[0], xs[1]), checkTrace);

        /// <summary>torch.jit.trace of a function of one tensor.</summary>
        public static ScriptFunction Trace(Func<Tensor, Tensor> fn, Tensor example, bool checkTrace = true)
            => TraceFunction(fn.Method.Name, [example], xs => fn(xs[0]), ["x"], checkTrace);

        /// <summary>torch.jit.trace of a function of two tensors.</summary>
        public static ScriptFunction Trace<TOut>(Func<Tensor, Tensor, TOut> fn, Tensor example1, Tensor example2, bool checkTrace = true)
            => TraceFunction(fn.Method.Name, [example1, example2], xs => fn(xs[0], xs[1]), ["x", "y"], checkTrace);

        /// <summary>
        /// torch.jit.freeze: a copy of an eval-mode ScriptModule whose parameters and buffers are constants in one
        /// inlined graph, with dropout removed and batch norm folded into the convolution or linear before it.
        /// </summary>
        public static ScriptModule Freeze(ScriptModule module) => Freezer.Freeze(module);

        /// <summary>
        /// torch.jit.optimize_for_inference: freezes the module (if it still has parameters) and runs the graph
        /// clean-up passes. PyTorch also converts convolutions to MKLDNN layouts here; Flint's CPU kernels have no
        /// such layout, so freezing and the passes are the whole of it.
        /// </summary>
        public static ScriptModule OptimizeForInference(ScriptModule module)
        {
            var frozen = module.Parameters().Any() || module.Buffers().Any() ? Freezer.Freeze(module) : module;
            Freezer.Optimize(frozen.Graph);
            return frozen;
        }

        private static ScriptModule TraceModule(Module module, Tensor[] examples, Func<Tensor[], object?> run, bool check)
        {
            var root = ModuleMirror.Build(module);
            var names = Tracer.ForwardParameterNames(module);
            var graph = Record(new Tracer(module, root), examples, names, run);
            root.DefineMethod("forward", graph);
            if (check) TraceCheck.Compare(examples, run, xs => root.Invoke(xs));
            return root;
        }

        private static ScriptFunction TraceFunction(string name, Tensor[] examples, Func<Tensor[], object?> run, string[] names, bool check)
        {
            var graph = Record(new Tracer(null, null), examples, names, run);
            var fn = new ScriptFunction(name, graph);
            if (check) TraceCheck.Compare(examples, run, xs => fn.Invoke(xs));
            return fn;
        }

        private static Graph Record(Tracer tracer, Tensor[] examples, string[] names, Func<Tensor[], object?> run)
        {
            for (int i = 0; i < examples.Length; i++)
                tracer.AddInput(examples[i], i < names.Length ? names[i] : "input");
            object? output;
            using (tracer.Push())
            using (ModuleCalls.Install(tracer))
                output = run(examples);
            return tracer.Finish(output);
        }
    }
}
