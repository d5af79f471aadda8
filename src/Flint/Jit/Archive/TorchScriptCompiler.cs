using Flint.Graphs;
using Node = Flint.Graphs.Node;

namespace Flint.Jit.Archive;

/// <summary>
/// Compiles one method of an archive's code into a graph: every call becomes a node of a registered schema (chosen
/// by <see cref="OverloadResolver"/>) or one of the prim nodes the interpreter runs; <c>if</c> becomes prim::If,
/// <c>for … in range</c> and <c>while</c> become prim::Loop with the variables they change carried through.
/// Nothing else can be expressed, so a loaded graph runs only registered ops.
/// </summary>
internal sealed class TorchScriptCompiler
{
    private readonly Graph _g = new();
    private string _file;
    private readonly ScriptClass? _class;
    private readonly Func<string, ScriptClass?> _classes;
    private readonly Func<string, (FuncDef Def, string File)?> _functions;
    private int _inlineDepth;
    private readonly IReadOnlyList<Tensor> _constants;
    private Block _block;

    private TorchScriptCompiler(string file, ScriptClass? cls, Func<string, ScriptClass?> classes,
        Func<string, (FuncDef, string)?> functions, IReadOnlyList<Tensor> constants)
    {
        _file = file; _class = cls; _classes = classes; _functions = functions; _constants = constants;
        _block = _g.Block;
    }

    /// <summary>The graph of method <paramref name="def"/> (self first when it belongs to a class).</summary>
    public static Graph Compile(FuncDef def, string file, ScriptClass? cls, Func<string, ScriptClass?> classes,
        Func<string, (FuncDef, string)?> functions, IReadOnlyList<Tensor> constants)
    {
        var c = new TorchScriptCompiler(file, cls, classes, functions, constants);
        c.Function(def);
        return c._g;
    }

    private InvalidDataException Error(int line, string message) => TorchScriptError.At(_file, line, message);

    public JitType TypeOf(Expr e) => TorchScriptTypes.Parse(e, n => _classes(n)?.Type, _file);

    // ------------------------------------------------------------------ functions and statements

    private void Function(FuncDef def)
    {
        var env = new Scope(null);
        for (int i = 0; i < def.Params.Count; i++)
        {
            var p = def.Params[i];
            JitType type = i == 0 && _class is not null && p.Name == "self" ? _class.Type
                : p.Type is null ? throw Error(def.Line, $"parameter '{p.Name}' has no type") : TypeOf(p.Type);
            env.Set(p.Name, _g.AddInput(type, SafeName(p.Name)));
        }
        var returned = Statements(def.Body, env, isFunctionBody: true);
        if (returned is null) _g.AddOutput(Constant(null, def.Line));
        else _g.AddOutput(returned);
    }

    /// <summary>Compiles statements; returns the returned value when the last one is a return.</summary>
    private Value? Statements(IReadOnlyList<Stmt> body, Scope env, bool isFunctionBody = false)
    {
        for (int i = 0; i < body.Count; i++)
        {
            var s = body[i];
            if (s is ReturnStmt r)
            {
                if (!isFunctionBody || i != body.Count - 1)
                    throw Error(s.Line, "unsupported construct 'return' before the end of the function");
                return r.Value is null ? Constant(null, r.Line) : Expression(r.Value, env);
            }
            Statement(s, env);
        }
        return null;
    }

    private void Statement(Stmt s, Scope env)
    {
        switch (s)
        {
            case AssignStmt a: Assign(a, env); break;
            case ExprStmt e: Expression(e.Value, env); break;
            case PassStmt: break;
            case IfStmt i: If(i, env); break;
            case ForStmt f: For(f, env); break;
            case WhileStmt w: While(w, env); break;
            default: throw Error(s.Line, $"unsupported statement {s.GetType().Name}");
        }
    }

    private void Assign(AssignStmt a, Scope env)
    {
        var targets = a.Targets;
        if (targets.Count == 1 && targets[0] is NameExpr single)
        {
            if (FunctionNamed(a.Value, env) is { } fn) { env.Functions[single.Id] = fn; return; }
            var v = Expression(a.Value, env);
            Name(v, single.Id);
            env.Set(single.Id, v);
            return;
        }
        var names = targets.Select(t => t is NameExpr n ? n.Id
            : throw Error(a.Line, $"unsupported construct 'assignment to {Describe(t)}'")).ToArray();
        if (a.Value is TupleExpr te && te.Items.Count == names.Length)
        {
            // a, b = x, y: every right side is read before any name is bound
            var values = te.Items.Select(x => Expression(x, env)).ToArray();
            for (int i = 0; i < names.Length; i++) { Name(values[i], names[i]); env.Set(names[i], values[i]); }
            return;
        }
        var value = Expression(a.Value, env);
        var outs = Unpack(value, names.Length, a.Line);
        for (int i = 0; i < names.Length; i++) { Name(outs[i], names[i]); env.Set(names[i], outs[i]); }
    }

    private Value[] Unpack(Value value, int count, int line)
    {
        Node n;
        switch (value.Type)
        {
            case TupleType t when t.Elements.Count == count:
                n = Append(_g.Create("prim::TupleUnpack", [value], 0));
                foreach (var e in t.Elements) n.AddOutput(e);
                break;
            case ListType l:
                n = Append(_g.Create("prim::ListUnpack", [value], 0));
                for (int i = 0; i < count; i++) n.AddOutput(l.Element);
                break;
            default:
                throw Error(line, $"cannot unpack a value of type {value.Type} into {count} names");
        }
        return n.Outputs.ToArray();
    }

    private static string? SafeName(string n) => char.IsAsciiDigit(n[0]) ? null : n;

    private static void Name(Value v, string name)
    {
        if (!v.HasDebugName && v.Node?.Kind != "prim::Constant" && SafeName(name) is { } s) v.SetDebugName(s);
    }

    // ------------------------------------------------------------------ control flow

    private void If(IfStmt s, Scope env)
    {
        var cond = Condition(Expression(s.Cond, env), s.Line);
        var node = Append(_g.Create("prim::If", [cond], 0));
        var thenB = node.AddBlock();
        var elseB = node.AddBlock();
        var thenEnv = new Scope(env);
        var elseEnv = new Scope(env);
        InBlock(thenB, () => Statements(s.Then, thenEnv));
        InBlock(elseB, () => Statements(s.Else, elseEnv));
        bool thenRaises = Raises(s.Then), elseRaises = Raises(s.Else);
        var names = thenEnv.Assigned.Union(elseEnv.Assigned).ToList();
        foreach (var name in names)
        {
            var before = env.Find(name);
            var tv = thenEnv.Find(name);
            var ev = elseEnv.Find(name);
            bool inThen = thenEnv.Assigned.Contains(name), inElse = elseEnv.Assigned.Contains(name);
            if (before is null && !(inThen && inElse) && !(inThen && elseRaises) && !(inElse && thenRaises)) continue;
            JitType type = (inThen ? tv! : ev!).Type;
            tv ??= InBlock(thenB, () => Uninitialized(type));
            ev ??= InBlock(elseB, () => Uninitialized(type));
            thenB.AddReturn(tv);
            elseB.AddReturn(ev);
            var o = node.AddOutput(Unify(tv.Type, ev.Type, thenRaises, elseRaises));
            Name(o, name);
            env.Set(name, o);
        }
    }

    private static bool Raises(IReadOnlyList<Stmt> body)
        => body.Count > 0 && body[^1] is ExprStmt { Value: CallExpr c } && TorchScriptTypes.Dotted(c.Func) == "ops.prim.RaiseException";

    private static JitType Unify(JitType a, JitType b, bool aRaises, bool bRaises)
    {
        if (aRaises) return b;
        if (bRaises) return a;
        if (a.ToString() == b.ToString()) return a;
        if (a.IsTensor && b.IsTensor) return JitType.AnyTensor;
        if (a == JitType.None) return b is OptionalType ? b : JitType.OptionalOf(b);
        if (b == JitType.None) return a is OptionalType ? a : JitType.OptionalOf(a);
        if (a is OptionalType oa && oa.Element.Accepts(b)) return a;
        if (b is OptionalType ob && ob.Element.Accepts(a)) return b;
        return a;
    }

    private Value Uninitialized(JitType type)
    {
        var n = Append(_g.Create("prim::Uninitialized", null, 0));
        return n.AddOutput(type);
    }

    private void For(ForStmt s, Scope env)
    {
        if (s.Targets.Count != 1) throw Error(s.Line, "unsupported construct 'for with several targets'");
        Value trips;
        Value? list = null;
        if (s.Iter is CallExpr { Func: NameExpr { Id: "range" } } rc)
        {
            if (rc.Args.Count != 1 || rc.Kwargs.Count > 0) throw Error(s.Line, "unsupported construct 'range with a start or step'");
            trips = Expression(rc.Args[0], env);
            if (trips.Type != JitType.Int) throw Error(s.Line, $"range() needs an int, got {trips.Type}");
        }
        else
        {
            list = Expression(s.Iter, env);
            if (list.Type is not ListType) throw Error(s.Line, $"unsupported construct 'for over a {list.Type}'");
            trips = Call("aten::len", [list], [], s.Line);
        }
        Loop(s.Line, env, trips, Constant(true, s.Line), s.Body, null, (bodyEnv, i) =>
        {
            if (list is null) { Name(i, s.Targets[0]); bodyEnv.Set(s.Targets[0], i); }
            else bodyEnv.Set(s.Targets[0], Call("aten::__getitem__", [list, i], [], s.Line));
        });
    }

    private void While(WhileStmt s, Scope env)
    {
        var cond = Condition(Expression(s.Cond, env), s.Line);
        Loop(s.Line, env, Constant(long.MaxValue, s.Line), cond, s.Body, s.Cond, (_, _) => { });
    }

    private void Loop(int line, Scope env, Value trips, Value cond, IReadOnlyList<Stmt> body, Expr? condAgain,
        Action<Scope, Value> bindIndex)
    {
        var carriedNames = AssignedIn(body).Where(n => env.Find(n) is not null).Distinct().ToList();
        var node = Append(_g.Create("prim::Loop", [trips, cond, .. carriedNames.Select(n => env.Find(n)!)], 0));
        var b = node.AddBlock();
        var i = b.AddInput(JitType.Int);
        var bodyEnv = new Scope(env);
        foreach (var n in carriedNames) bodyEnv.Set(n, b.AddInput(env.Find(n)!.Type, SafeName(n)), assigned: false);
        InBlock(b, () =>
        {
            bindIndex(bodyEnv, i);
            Statements(body, bodyEnv);
            var next = condAgain is null ? Constant(true, line) : Condition(Expression(condAgain, bodyEnv), line);
            b.AddReturn(next);
            foreach (var n in carriedNames) b.AddReturn(bodyEnv.Find(n)!);
            return next;
        });
        foreach (var n in carriedNames)
        {
            var o = node.AddOutput(env.Find(n)!.Type);
            Name(o, n);
            env.Set(n, o);
        }
    }

    private static IEnumerable<string> AssignedIn(IReadOnlyList<Stmt> body)
    {
        foreach (var s in body)
            switch (s)
            {
                case AssignStmt a:
                    foreach (var t in a.Targets) if (t is NameExpr n) yield return n.Id;
                    break;
                case IfStmt i:
                    foreach (var n in AssignedIn(i.Then).Concat(AssignedIn(i.Else))) yield return n;
                    break;
                case ForStmt f:
                    foreach (var n in AssignedIn(f.Body)) yield return n;
                    break;
                case WhileStmt w:
                    foreach (var n in AssignedIn(w.Body)) yield return n;
                    break;
            }
    }

    private Value Condition(Value v, int line)
    {
        if (v.Type == JitType.Bool) return v;
        if (v.Type.IsTensor) return Call("aten::Bool", [v], [], line);
        throw Error(line, $"a condition must be a bool, got {v.Type}");
    }

    private T InBlock<T>(Block b, Func<T> f)
    {
        var saved = _block;
        _block = b;
        try { return f(); }
        finally { _block = saved; }
    }

    private Node Append(Node n) => _block.Append(n);

    // ------------------------------------------------------------------ expressions

    private Value Constant(object? value, int line)
    {
        try { return Append(_g.CreateConstant(value)).Output(); }
        catch (ArgumentException e) { throw Error(line, e.Message); }
    }

    private Value Expression(Expr e, Scope env, JitType? expected = null)
    {
        switch (e)
        {
            case ConstExpr c: return Constant(c.Value, c.Line);
            case NameExpr n:
                return env.Find(n.Id) ?? DTypeOrNamed(n) ?? throw Error(n.Line, $"undefined value {n.Id}");
            case AttrExpr a: return Attribute(a, env);
            case CallExpr c: return CallExpression(c, env);
            case TupleExpr t:
            {
                var items = t.Items.Select(x => Expression(x, env)).ToArray();
                return Append(_g.CreateTuple(items)).Output();
            }
            case ListExpr l: return List(l, env, expected);
            case SubscriptExpr s: return Subscript(s, env);
            case BinaryExpr b: return Binary(b, env);
            case UnaryExpr u:
            {
                var v = Expression(u.Operand, env);
                return u.Op switch
                {
                    "not" => Call("aten::__not__", [v], [], u.Line),
                    "-" => Call("aten::neg", [v], [], u.Line),
                    "~" => Call("aten::bitwise_not", [v], [], u.Line),
                    _ => v,
                };
            }
            case TernaryExpr t:
            {
                var cond = Condition(Expression(t.Cond, env), t.Line);
                var node = Append(_g.Create("prim::If", [cond], 0));
                var tb = node.AddBlock();
                var eb = node.AddBlock();
                var tv = InBlock(tb, () => Expression(t.Then, env));
                var ev = InBlock(eb, () => Expression(t.Else, env));
                tb.AddReturn(tv);
                eb.AddReturn(ev);
                return node.AddOutput(Unify(tv.Type, ev.Type, false, false));
            }
        }
        throw Error(e.Line, $"unsupported construct '{Describe(e)}'");
    }

    private Value? DTypeOrNamed(NameExpr n) => null;

    private static string Describe(Expr e) => e switch
    {
        SliceExpr => "slice",
        AttrExpr a => TorchScriptTypes.Dotted(a) ?? "attribute",
        SubscriptExpr => "subscript",
        _ => e.GetType().Name.Replace("Expr", "").ToLowerInvariant(),
    };

    private Value List(ListExpr l, Scope env, JitType? expected)
    {
        var items = l.Items.Select(x => Expression(x, env)).ToArray();
        JitType element = expected is ListType lt ? lt.Element
            : items.Length == 0 ? throw Error(l.Line, "an empty list needs annotate(List[T], [])")
            : items.All(v => v.Type.IsTensor) ? JitType.AnyTensor
            : items.All(v => v.Type.ToString() == items[0].Type.ToString()) ? items[0].Type
            : items.All(v => v.Type == JitType.Int || v.Type == JitType.Float) ? JitType.Float
            : items.All(v => v.Type.IsTensor || v.Type == JitType.None) ? JitType.OptionalOf(JitType.AnyTensor)
            : throw Error(l.Line, "a list's items must have one type");
        return Append(_g.CreateList(element, items)).Output();
    }

    private Value Attribute(AttrExpr a, Scope env)
    {
        var dotted = TorchScriptTypes.Dotted(a);
        if (dotted is not null && dotted.StartsWith("CONSTANTS.c", StringComparison.Ordinal)
            && int.TryParse(dotted.AsSpan(11), out int k))
        {
            if (k < 0 || k >= _constants.Count) throw Error(a.Line, $"{dotted} is not in constants.pkl ({_constants.Count} constants)");
            return Constant(_constants[k], a.Line);
        }
        if (dotted is not null && dotted.StartsWith("torch.", StringComparison.Ordinal)
            && Serialization.StorageTypes.FromDTypeName(dotted[6..]) is DType dt && !IsBound(a, env))
            return Constant(ScalarTypes.Code(dt), a.Line);
        var target = Expression(a.Target, env);
        return GetAttr(target, a.Name, a.Line);
    }

    private static bool IsBound(AttrExpr a, Scope env) => a.Target is NameExpr n && env.Find(n.Id) is not null;

    private Value GetAttr(Value target, string name, int line)
    {
        if (target.Type is not ClassType ct) throw Error(line, $"unsupported construct 'attribute {name} of a {target.Type}'");
        var cls = _classes(ct.QualifiedName) ?? throw Error(line, $"unknown class {ct.QualifiedName}");
        JitType type;
        if (name == "training") type = JitType.Bool;
        else if (cls.Attribute(name) is { } decl) type = TypeOf(decl.Type);
        else throw Error(line, $"Module '{ct.QualifiedName}' has no attribute '{name}'");
        var v = Append(_g.CreateGetAttr(target, name, type)).Output();
        Name(v, name);
        return v;
    }

    private Value Subscript(SubscriptExpr s, Scope env)
    {
        var target = Expression(s.Target, env);
        var index = Expression(s.Index, env);
        switch (target.Type)
        {
            case TupleType t:
                if (index.Node is not { Kind: "prim::Constant" } c || c.Attribute("value") is not long i)
                    throw Error(s.Line, "a tuple index must be a constant int");
                if (i < 0) i += t.Elements.Count;
                if (i < 0 || i >= t.Elements.Count) throw Error(s.Line, $"tuple index {i} out of range");
                var n = Append(_g.Create("prim::TupleIndex", [target, Constant(i, s.Line)], 0));
                return n.AddOutput(t.Elements[(int)i]);
            case ListType:
                return Call("aten::__getitem__", [target, index], [], s.Line);
            default:
                if (target.Type.IsTensor) return Call("aten::select", [target, Constant(0L, s.Line), index], [], s.Line);
                throw Error(s.Line, $"cannot index a value of type {target.Type}");
        }
    }

    private static readonly Dictionary<string, string> BinaryOps = new()
    {
        ["+"] = "aten::add", ["-"] = "aten::sub", ["*"] = "aten::mul", ["/"] = "aten::div", ["//"] = "aten::floordiv",
        ["%"] = "aten::remainder", ["**"] = "aten::pow", ["=="] = "aten::eq", ["!="] = "aten::ne", ["<"] = "aten::lt",
        [">"] = "aten::gt", ["<="] = "aten::le", [">="] = "aten::ge", ["is"] = "aten::__is__",
        ["is not"] = "aten::__isnot__", ["and"] = "aten::__and__", ["or"] = "aten::__or__", ["@"] = "aten::matmul",
        ["in"] = "aten::__contains__", ["&"] = "aten::__and__", ["|"] = "aten::__or__",
    };

    private Value Binary(BinaryExpr b, Scope env)
    {
        if (!BinaryOps.TryGetValue(b.Op, out var op)) throw Error(b.Line, $"unsupported operator '{b.Op}'");
        var l = Expression(b.Left, env);
        var r = Expression(b.Right, env);
        if (op == "aten::__contains__") (l, r) = (r, l);
        return Call(op, [l, r], [], b.Line);
    }

    // ------------------------------------------------------------------ calls

    // A free function of the archive (__torch__.torch.nn.functional.relu), named directly or through a local alias.
    private (FuncDef Def, string File)? FunctionNamed(Expr e, Scope env)
    {
        if (e is NameExpr n && env.FindFunction(n.Id) is { } alias) return alias;
        return TorchScriptTypes.Dotted(e) is { } d && d.StartsWith("__torch__.", StringComparison.Ordinal) ? _functions(d) : null;
    }

    // Free functions are inlined where they are called (the IR has no function values).
    private Value InlineCall((FuncDef Def, string File) fn, CallExpr c, Scope env)
    {
        if (++_inlineDepth > 32) throw Error(c.Line, $"functions nested more than 32 calls deep (recursion in {fn.Def.Name}?)");
        var def = fn.Def;
        var args = c.Args.Select(x => Expression(x, env)).ToList();
        var callee = new Scope(null);
        if (args.Count > def.Params.Count) throw Error(c.Line, $"{def.Name}() takes {def.Params.Count} argument(s), got {args.Count}");
        var saved = _file;
        try
        {
            for (int i = 0; i < def.Params.Count; i++)
            {
                var p = def.Params[i];
                var kw = c.Kwargs.FirstOrDefault(k => k.Name == p.Name).Value;
                Value v;
                if (i < args.Count) v = args[i];
                else if (kw is not null) v = Expression(kw, env);
                else if (p.Default is not null) { _file = fn.File; v = Expression(p.Default, callee, p.Type is null ? null : TypeOf(p.Type)); _file = saved; }
                else throw Error(c.Line, $"{def.Name}() missing argument '{p.Name}'");
                if (v.Node?.Kind == "prim::Constant" && v.Type == JitType.None && p.Type is not null) v.Type = TypeOf(p.Type);
                callee.Set(p.Name, v);
            }
            _file = fn.File;
            return Statements(def.Body, callee, isFunctionBody: true) ?? Constant(null, def.Line);
        }
        finally { _file = saved; _inlineDepth--; }
    }

    private Value CallExpression(CallExpr c, Scope env)
    {
        if (FunctionNamed(c.Func, env) is { } fn) return InlineCall(fn, c, env);
        var dotted = TorchScriptTypes.Dotted(c.Func);
        switch (dotted)
        {
            case "annotate":
            {
                Arity(c, 2);
                var type = TypeOf(c.Args[0]);
                var v = Expression(c.Args[1], env, type);
                if (v.Node?.Kind == "prim::Constant" && v.Type == JitType.None) v.Type = type;
                return v;
            }
            case "unchecked_cast":
            {
                Arity(c, 2);
                var type = TypeOf(c.Args[0]);
                var n = Append(_g.Create("prim::unchecked_cast", [Expression(c.Args[1], env)], 0));
                return n.AddOutput(type);
            }
            case "uninitialized":
                Arity(c, 1);
                return Uninitialized(TypeOf(c.Args[0]));
            case "getattr":
            {
                Arity(c, 2);
                if (c.Args[1] is not ConstExpr { Value: string name }) throw Error(c.Line, "getattr needs a constant name");
                return GetAttr(Expression(c.Args[0], env), name, c.Line);
            }
            case "int" or "float" or "bool" or "len" or "str":
            {
                Arity(c, 1);
                var v = Expression(c.Args[0], env);
                var want = dotted switch { "int" => JitType.Int, "float" => JitType.Float, "bool" => JitType.Bool, _ => null };
                if (want is not null && v.Type == want) return v;
                var op = dotted switch { "int" => "aten::Int", "float" => "aten::Float", "bool" => "aten::Bool", "len" => "aten::len", _ => "aten::str" };
                return Call(op, [v], [], c.Line);
            }
        }
        if (dotted is not null && dotted.StartsWith("torch.", StringComparison.Ordinal) && !dotted[6..].Contains('.')
            && !(c.Func is AttrExpr fa && IsBound(fa, env)))
            return CallOp("aten::" + dotted[6..], c, env);
        if (dotted is not null && dotted.StartsWith("ops.", StringComparison.Ordinal) && dotted.Count(ch => ch == '.') == 2)
        {
            var parts = dotted.Split('.');
            return CallOp(parts[1] + "::" + parts[2], c, env);
        }
        if (c.Func is AttrExpr method)
        {
            var target = Expression(method.Target, env);
            if (target.Type is ClassType ct) return CallMethod(target, ct, method.Name, c, env);
            if (target.Type.IsTensor)
                return CallOp("aten::" + method.Name, c with { Args = [method.Target, .. c.Args] }, env);
        }
        throw Error(c.Line, $"unsupported call '{dotted ?? Describe(c.Func)}'");
    }

    private void Arity(CallExpr c, int n)
    {
        if (c.Args.Count != n || c.Kwargs.Count != 0) throw Error(c.Line, $"{TorchScriptTypes.Dotted(c.Func)}() takes {n} argument(s)");
    }

    private Value CallMethod(Value target, ClassType ct, string name, CallExpr c, Scope env)
    {
        var cls = _classes(ct.QualifiedName) ?? throw Error(c.Line, $"unknown class {ct.QualifiedName}");
        var def = cls.Method(name) ?? throw Error(c.Line, $"'{ct.QualifiedName}' has no method '{name}'");
        if (c.Kwargs.Count > 0) throw Error(c.Line, "unsupported construct 'keyword arguments to a method'");
        var args = c.Args.Select(x => Expression(x, env)).ToList();
        for (int i = args.Count + 1; i < def.Params.Count; i++)
            args.Add(def.Params[i].Default is { } d ? Expression(d, env)
                : throw Error(c.Line, $"{name}() missing argument '{def.Params[i].Name}'"));
        if (args.Count != def.Params.Count - 1) throw Error(c.Line, $"{name}() takes {def.Params.Count - 1} argument(s), got {args.Count}");
        var n = Append(_g.Create("prim::CallMethod", [target, .. args], 0)).SetAttribute("name", name);
        var ret = def.ReturnType is null ? JitType.None : TypeOf(def.ReturnType);
        return n.AddOutput(ret);
    }

    private Value CallOp(string name, CallExpr c, Scope env)
    {
        var args = c.Args.Select(x => Expression(x, env)).ToList();
        var kwargs = c.Kwargs.Select(k => (k.Name, Expression(k.Value, env))).ToList();
        return Call(name, args, kwargs, c.Line);
    }

    private Value Call(string name, List<Value> args, List<(string Name, Value Value)> kwargs, int line)
    {
        var m = OverloadResolver.Resolve(name, args, kwargs);
        if (m is not { } match)
        {
            var known = OpRegistry.Overloads(name).Count > 0;
            var types = string.Join(", ", args.Select(a => a.Type.ToString()).Concat(kwargs.Select(k => k.Name + "=" + k.Value.Type)));
            throw Error(line, known
                ? $"no overload of {name} takes ({types}); Flint has: {string.Join("; ", OpRegistry.Overloads(name))}"
                : $"Unknown builtin op: {name} (Flint has no schema for it)");
        }
        var s = match.Schema;
        var inputs = new Value[s.Arguments.Count];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = match.Bound[i] ?? Constant(match.Defaults[i], line);
        var node = Append(_g.Create(s.Name, inputs, 0));
        node.Schema = s;
        for (int r = 0; r < s.Returns.Count; r++) node.AddOutput(OverloadResolver.ReturnType(s, r, match.Bound));
        if (s.Returns.Count == 1) return node.Output();
        var tuple = Append(_g.CreateTuple(node.Outputs.ToArray()));
        return tuple.Output();
    }

    /// <summary>Names visible in a block: its own assignments over its parent's.</summary>
    private sealed class Scope(Scope? parent)
    {
        private readonly Dictionary<string, Value> _vars = new();
        public readonly HashSet<string> Assigned = new();
        public readonly Dictionary<string, (FuncDef, string)> Functions = new();

        public (FuncDef, string)? FindFunction(string name)
            => Functions.TryGetValue(name, out var f) ? f : parent?.FindFunction(name);

        public void Set(string name, Value v, bool assigned = true)
        {
            _vars[name] = v;
            if (assigned) Assigned.Add(name);
        }

        public Value? Find(string name) => _vars.TryGetValue(name, out var v) ? v : parent?.Find(name);
    }
}
