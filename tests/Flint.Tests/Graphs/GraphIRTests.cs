using Flint.Graphs;
using Flint.Graphs.Passes;
using Flint.Ops;
using Node = Flint.Graphs.Node;

namespace Flint.Tests.Graphs;

/// <summary>The IR built by hand: printing, schemas, the interpreter (If/Loop, autograd, modes) and the passes.</summary>
public class GraphIRTests
{
    private static Value Const(Graph g, object? v) => g.Block.Append(g.CreateConstant(v)).Output();

    private static Node Aten(Graph g, string schema, params Value[] args)
        => g.Block.Append(g.CreateAten(OpRegistry.Get(schema), args));

    /// <summary>graph(x, y): relu(x + 2·y), built by hand.</summary>
    private static Graph AddRelu()
    {
        var g = new Graph();
        var x = g.AddInput(JitType.AnyTensor, "x");
        var y = g.AddInput(JitType.AnyTensor, "y");
        var sum = Aten(g, "aten::add.Tensor", x, y, Const(g, 2L)).Output();
        g.AddOutput(Aten(g, "aten::relu", sum).Output());
        return g;
    }

    [Fact]
    public void PrintsInTorchScriptForm()
    {
        Assert.Equal(
            "graph(%x : Tensor,\n      %y : Tensor):\n"
            + "  %2 : int = prim::Constant[value=2]()\n"
            + "  %3 : Tensor = aten::add(%x, %y, %2)\n"
            + "  %4 : Tensor = aten::relu(%3)\n"
            + "  return (%4)\n", AddRelu().ToString());
        var t = new TensorType(DType.Float32, [1, SymInt.Sym("s0")], [10, 1], Device.CPU, true);
        Assert.Equal("Float(1, s0, strides=[10, 1], requires_grad=1, device=cpu)", t.ToString());
        Assert.Equal("0.20000000000000001", Constants.FormatDouble(0.2));
        Assert.Equal("1.0000000000000001e-05", Constants.FormatDouble(1e-5));
    }

    [Fact]
    public void CodeIsTorchScriptPython()
    {
        Assert.Equal("def forward(x: Tensor,\n    y: Tensor) -> Tensor:\n  _0 = torch.add(x, y, alpha=2)\n  _1 = torch.relu(_0)\n  return _1\n",
            CodePrinter.Print(AddRelu(), "forward"));
    }

    [Fact]
    public void ParsesATenSchemas()
    {
        var s = OpSchema.Parse("aten::max_pool2d(Tensor self, int[2] kernel_size, int[2] stride=[], int[2] padding=0, int[2] dilation=1, bool ceil_mode=False) -> Tensor");
        Assert.Equal("aten::max_pool2d", s.Name);
        Assert.Equal(new long[] { 0, 0 }, (long[])s.Arguments[3].Default!);
        Assert.Equal("int[]", s.Arguments[1].Type.ToString());
        var add = OpSchema.Parse("aten::add_.Tensor(Tensor(a!) self, Tensor other, *, Scalar alpha=1) -> Tensor(a!)");
        Assert.True(add.IsInPlace);
        Assert.True(add.Arguments[2].KwargOnly);
        Assert.Equal("aten::add_.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor", add.ToString());
        Assert.Equal(3, OpSchema.Parse("aten::native_layer_norm(Tensor input, SymInt[] normalized_shape, Tensor? weight, Tensor? bias, float eps) -> (Tensor, Tensor, Tensor)").Returns.Count);
    }

    [Fact]
    public void InterpreterRunsThroughTheDispatcherWithAutogradAndNoGrad()
    {
        var g = AddRelu();
        var x = Torch.Randn(3).RequiresGrad_(); var y = Torch.Randn(3);
        var r = (Tensor)Interpreter.Run(g, x, y)[0]!;
        Assert.True(r.Equal((x + y * 2).Relu()));
        r.Sum().Backward();
        Assert.True(x.Grad!.Equal((x + y * 2 > 0).To(DType.Float32)));
        using (Torch.NoGrad()) Assert.False(((Tensor)Interpreter.Run(g, x, y)[0]!).RequiresGrad);
    }

    private sealed class CountOps : DispatchMode
    {
        public readonly List<string> Names = new();
        public override Tensor[] Dispatch(Op op, Tensor?[] inputs) { Names.Add(op.Name); return Dispatcher.Redispatch(op, inputs); }
    }

    [Fact]
    public void DispatchModesSeeTheInterpretersOps()
    {
        var mode = new CountOps();
        Tensor a = Torch.Randn(2), b = Torch.Randn(2);
        using (mode.Push()) Interpreter.Run(AddRelu(), a, b);
        Assert.Equal(["add", "relu"], mode.Names);
    }

    /// <summary>graph(x, n, flag): y = x; for i in range(n): y = y * y if flag else -y (an If inside a Loop).</summary>
    private static Graph LoopWithIf()
    {
        var g = new Graph();
        var x = g.AddInput(JitType.AnyTensor, "x");
        var n = g.AddInput(JitType.Int, "n");
        var flag = g.AddInput(JitType.Bool, "flag");
        var loop = g.Block.Append(g.Create("prim::Loop", [n, Const(g, true), x], 0));
        var y = loop.AddOutput(JitType.AnyTensor);
        var body = loop.AddBlock();
        body.AddInput(JitType.Int, "i");
        var carried = body.AddInput(JitType.AnyTensor, "y");
        var branch = g.Create("prim::If", [flag], 0);
        body.Append(branch);
        var chosen = branch.AddOutput(JitType.AnyTensor);
        var then = branch.AddBlock();
        var twice = then.Append(g.CreateAten(OpRegistry.Get("aten::mul.Tensor"), [carried, carried])).Output();
        then.AddReturn(twice);
        var otherwise = branch.AddBlock();
        otherwise.AddReturn(otherwise.Append(g.CreateAten(OpRegistry.Get("aten::neg"), [carried])).Output());
        body.AddReturn(body.Append(g.CreateConstant(true)).Output());
        body.AddReturn(chosen);
        g.AddOutput(y);
        return g;
    }

    [Fact]
    public void InterpreterRunsLoopsAndIfs()
    {
        var g = LoopWithIf();
        Lint.Check(g);
        var x = Torch.Tensor(new float[] { 1, -2 });
        Assert.True(((Tensor)Interpreter.Run(g, x, 3L, true)[0]!).Equal(Torch.Tensor(new float[] { 1, 256 }))); // y·y three times: x⁸
        Assert.True(((Tensor)Interpreter.Run(g, x, 3L, false)[0]!).Equal(-x));
        Assert.True(((Tensor)Interpreter.Run(g, x, 0L, false)[0]!).Equal(x));
        var text = g.ToString();
        Assert.Contains("prim::Loop(%n, %", text);
        Assert.Contains("    block0(%i : int, %y : Tensor):\n", text);
        Assert.Contains("        block0():\n", text);
        Assert.Contains("          -> (%", text);
    }

    [Fact]
    public void DeadCodeEliminationRemovesUnusedPureNodesOnly()
    {
        var g = AddRelu();
        var x = g.Inputs[0];
        Aten(g, "aten::neg", x); // unused
        var dropped = Aten(g, "aten::dropout", x, Const(g, 0.5), Const(g, true)); // random but unused: dead too
        DeadCodeElimination.Run(g);
        Assert.Equal(["prim::Constant", "aten::add", "aten::relu"], g.Nodes.Select(n => n.Kind));
        Lint.Check(g);
    }

    [Fact]
    public void ConstantPropagationFoldsConstantSubgraphs()
    {
        var g = new Graph();
        var x = g.AddInput(JitType.AnyTensor, "x");
        var c = Const(g, Torch.Tensor(new float[] { 1, 2 }));
        var doubled = Aten(g, "aten::mul.Tensor", c, c).Output();
        g.AddOutput(Aten(g, "aten::add.Tensor", x, doubled, Const(g, 1L)).Output());
        ConstantPropagation.Run(g);
        Assert.Equal(["prim::Constant", "prim::Constant", "aten::add"], g.Nodes.Select(n => n.Kind));
        Assert.True(((Tensor)Interpreter.Run(g, Torch.Zeros(2))[0]!).Equal(Torch.Tensor(new float[] { 1, 4 })));
        Lint.Check(g);
    }

    [Fact]
    public void ConstantPropagationTakesTheKnownBranch()
    {
        var g = new Graph();
        var x = g.AddInput(JitType.AnyTensor, "x");
        var branch = g.Block.Append(g.Create("prim::If", [Const(g, false)], 0));
        var y = branch.AddOutput(JitType.AnyTensor);
        var a = branch.AddBlock(); a.AddReturn(a.Append(g.CreateAten(OpRegistry.Get("aten::relu"), [x])).Output());
        var b = branch.AddBlock(); b.AddReturn(b.Append(g.CreateAten(OpRegistry.Get("aten::neg"), [x])).Output());
        g.AddOutput(y);
        ConstantPropagation.Run(g);
        Assert.Equal(["aten::neg"], g.Nodes.Select(n => n.Kind));
        Lint.Check(g);
    }

    [Fact]
    public void CommonSubexpressionsMergeButRandomOpsDoNot()
    {
        var g = new Graph();
        var x = g.AddInput(JitType.AnyTensor, "x");
        var r1 = Aten(g, "aten::relu", x).Output();
        var r2 = Aten(g, "aten::relu", x).Output();
        var p = Const(g, 0.5); var t = Const(g, true);
        var d1 = Aten(g, "aten::dropout", x, p, t).Output();
        var d2 = Aten(g, "aten::dropout", x, Const(g, 0.5), Const(g, true)).Output();
        g.AddOutput(g.Block.Append(g.CreateTuple([r1, r2, d1, d2])).Output());
        CommonSubexpressionElimination.Run(g);
        Assert.Single(g.Nodes, n => n.Kind == "aten::relu");
        Assert.Equal(2, g.Nodes.Count(n => n.Kind == "aten::dropout"));
        Assert.Equal(2, g.Nodes.Count(n => n.Kind == "prim::Constant")); // 0.5 and True pooled
        Lint.Check(g);
    }

    [Fact]
    public void LintFindsUseBeforeDefinitionAndBadArity()
    {
        var g = new Graph();
        var x = g.AddInput(JitType.AnyTensor, "x");
        var late = g.CreateAten(OpRegistry.Get("aten::neg"), [x]);
        var early = g.Block.Append(g.CreateAten(OpRegistry.Get("aten::relu"), [late.Output()]));
        g.Block.Append(late);
        g.AddOutput(early.Output());
        var e = Assert.Throws<GraphLintException>(() => Lint.Check(g));
        Assert.Contains("is used before it is defined", e.Message);

        var h = new Graph();
        var y = h.AddInput(JitType.AnyTensor, "y");
        var bad = h.Block.Append(h.Create("aten::relu", [y, y]));
        bad.GetType().GetProperty("Schema")!.SetValue(bad, OpRegistry.Get("aten::relu"));
        h.AddOutput(bad.Output());
        Assert.Contains("takes 1 arguments, the node has 2", Assert.Throws<GraphLintException>(() => Lint.Check(h)).Message);
    }

    [Fact]
    public void DebugNamesStayUnique()
    {
        var g = new Graph();
        var a = g.AddInput(JitType.AnyTensor, "input");
        var b = g.AddInput(JitType.AnyTensor, "input");
        var c = g.AddInput(JitType.AnyTensor, "input.1");
        Assert.Equal(["input", "input.1", "input.2"], new[] { a.Name, b.Name, c.Name });
    }
}
