using Flint.Compiler;
using Flint.NN;

namespace Flint;

public static partial class Torch
{
    /// <summary>
    /// torch.compile: returns a module that runs <paramref name="model"/> through captured, guarded graphs.
    /// Parameters, buffers and training flags are the original module's; results equal eager's.
    /// </summary>
    /// <param name="model">The module to compile.</param>
    /// <param name="mode">"default", "reduce-overhead" or "max-autotune".</param>
    /// <param name="fullgraph">Make every graph break an error that names its C# line.</param>
    /// <param name="dynamic">Dynamic shapes: null (automatic), true or false.</param>
    /// <param name="backend">"inductor" (default), "eager", "aot_eager" or a registered name.</param>
    /// <param name="verify">Run eager beside each call and throw at the first difference.</param>
    public static CompiledModule<TIn, TOut> Compile<TIn, TOut>(Module<TIn, TOut> model, string mode = "default",
        bool fullgraph = false, bool? dynamic = null, string backend = "inductor", bool verify = false)
        => new(model, Options(mode, fullgraph, dynamic, backend, null, verify));

    /// <summary>torch.compile of a module with a user's backend function.</summary>
    public static CompiledModule<TIn, TOut> Compile<TIn, TOut>(Module<TIn, TOut> model, CompilerBackend backend,
        string mode = "default", bool fullgraph = false, bool? dynamic = null)
        => new(model, Options(mode, fullgraph, dynamic, "inductor", backend, false));

    /// <summary>torch.compile of a function of one tensor.</summary>
    public static Func<Tensor, TOut> Compile<TOut>(Func<Tensor, TOut> fn, string mode = "default",
        bool fullgraph = false, bool? dynamic = null, string backend = "inductor", bool verify = false,
        CompilerBackend? customBackend = null)
    {
        var f = new CompiledFunction(fn.Method.Name, null, Options(mode, fullgraph, dynamic, backend, customBackend, verify));
        return x => (TOut)f.Call([x], () => fn(x))!;
    }

    /// <summary>torch.compile of a function of two tensors.</summary>
    public static Func<Tensor, Tensor, TOut> Compile<TOut>(Func<Tensor, Tensor, TOut> fn, string mode = "default",
        bool fullgraph = false, bool? dynamic = null, string backend = "inductor", bool verify = false,
        CompilerBackend? customBackend = null)
    {
        var f = new CompiledFunction(fn.Method.Name, null, Options(mode, fullgraph, dynamic, backend, customBackend, verify));
        return (x, y) => (TOut)f.Call([x, y], () => fn(x, y))!;
    }

    private static CompileOptions Options(string mode, bool fullgraph, bool? dynamic, string backend,
        CompilerBackend? custom, bool verify)
    {
        var o = new CompileOptions
        {
            Mode = mode, Fullgraph = fullgraph, Dynamic = dynamic, Backend = backend, CustomBackend = custom,
        };
        return verify ? o with { Verify = true } : o;
    }

    /// <summary>torch.compiler: resetting caches and listing backends.</summary>
    public static class Compiler
    {
        /// <summary>torch.compiler.reset(): every compiled function forgets its graphs and recompiles on its next
        /// call.</summary>
        public static void Reset() => CompiledRegistry.ResetAll();

        /// <summary>torch.compiler.list_backends().</summary>
        public static IReadOnlyList<string> ListBackends() => Backends.Names;

        /// <summary>How many times a compiled function may recompile before it runs eagerly for good
        /// (torch._dynamo.config.cache_size_limit, 8). Read when a function is compiled.</summary>
        public static int CacheSizeLimit { get; set; } = 8;
    }

    /// <summary>torch._dynamo: explaining what capture does with a model.</summary>
    public static class Dynamo
    {
        /// <summary>torch._dynamo.explain(model)(x): runs <paramref name="model"/> once under capture and reports its
        /// graphs, graph breaks (reason and C# line), ops per graph, guards and compile times.</summary>
        public static Explanation Explain<TIn, TOut>(Module<TIn, TOut> model, TIn input)
        {
            var f = new CompiledFunction(model.GetType().Name + ".forward", model, new CompileOptions { Backend = "eager" });
            f.Call(Arguments.Flatten(input), () => model.Call(input));
            return f.Explain();
        }

        /// <summary>torch._dynamo.explain for a function of one tensor.</summary>
        public static Explanation Explain<TOut>(Func<Tensor, TOut> fn, Tensor input)
        {
            var f = new CompiledFunction(fn.Method.Name, null, new CompileOptions { Backend = "eager" });
            f.Call([input], () => fn(input));
            return f.Explain();
        }
    }
}
