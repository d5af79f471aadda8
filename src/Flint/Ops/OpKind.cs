namespace Flint.Ops;

/// <summary>
/// What an op is to the compiler (PrimTorch's split of aten into primitives and composites): the primitive kinds a
/// code generator lowers (pointwise loops, reductions, views, indexing, random draws, extern library calls), or
/// <see cref="Composite"/> for an op the compiler first rewrites into primitives with its decomposition
/// (Flint.Compiler.Decompositions). Eager execution never looks at it.
/// </summary>
public enum OpKind
{
    /// <summary>Elementwise over broadcast inputs, one output element from the inputs' elements at the same index:
    /// unary, binary and ternary math, comparisons, casts and copies, <c>where</c>.</summary>
    Pointwise,
    /// <summary>Combines the elements along some dims into one (sum, prod, amax, argmax, all, any …).</summary>
    Reduction,
    /// <summary>Reinterprets an input's data without computing: view, reshape, expand (broadcast), permute, slice,
    /// select, squeeze, unsqueeze, as_strided, diagonal.</summary>
    View,
    /// <summary>Reads or writes elements at positions given by an index tensor or mask (gather, scatter,
    /// index_select, index, index_put, masked ops, nonzero).</summary>
    Indexing,
    /// <summary>Draws from a generator (bernoulli_, uniform_, normal_ …): kept as an op so that a compiled graph
    /// draws exactly the numbers eager draws, in the same order.</summary>
    Random,
    /// <summary>Stays a library call that a code generator does not fuse into its loops: matrix products,
    /// convolution, pooling, sorting and scans, data movement kernels (cat, pad, flip …), custom functions.</summary>
    Extern,
    /// <summary>Not primitive: has a decomposition into the kinds above (gelu, softmax, layer_norm, mean, var …).</summary>
    Composite,
}
