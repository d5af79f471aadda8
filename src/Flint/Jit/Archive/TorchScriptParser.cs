namespace Flint.Jit.Archive;

/// <summary>
/// Parses one code file of a TorchScript archive into classes (and free functions): TorchScript's Python subset as
/// PyTorch's serializer writes it. What is outside that subset (lambda, with, try, comprehensions …) is an error
/// naming the construct and its line.
/// </summary>
internal sealed class TorchScriptParser
{
    private readonly List<Token> _t;
    private readonly string _file;
    private int _p;
    private int _depth;

    private TorchScriptParser(List<Token> tokens, string file) { _t = tokens; _file = file; }

    /// <summary>The classes and top-level functions of a code file.</summary>
    public static (List<ClassDef> Classes, List<FuncDef> Functions) ParseFile(string source, string file)
    {
        var p = new TorchScriptParser(TorchScriptLexer.Lex(source, file), file);
        var classes = new List<ClassDef>();
        var functions = new List<FuncDef>();
        while (p.Peek.Kind != Tok.End)
        {
            if (p.Peek.Kind == Tok.Newline) { p.Next(); continue; }
            if (p.IsName("class")) classes.Add(p.Class());
            else if (p.IsName("def")) functions.Add(p.Def());
            else if (p.IsName("import") || p.IsName("from")) p.SkipLine();
            else if (p.Peek.Kind == Tok.Name && p.PeekAt(1) is { Kind: Tok.Op, Text: "=" }) p.SkipLine(); // op_version_set = N
            else throw p.Error($"unsupported top-level statement starting with {p.Peek}");
        }
        return (classes, functions);
    }

    // ------------------------------------------------------------------ tokens

    private Token Peek => _t[_p];
    private Token PeekAt(int k) => _t[Math.Min(_p + k, _t.Count - 1)];
    private Token Next() => _t[_p < _t.Count - 1 ? _p++ : _p];
    private bool IsName(string s) => Peek.Kind == Tok.Name && Peek.Text == s;
    private bool IsOp(string s) => Peek.Kind == Tok.Op && Peek.Text == s;

    private bool Accept(string op)
    {
        if (!IsOp(op)) return false;
        _p++;
        return true;
    }

    private void Expect(string op)
    {
        if (!Accept(op)) throw Error($"expected '{op}', found {Peek}");
    }

    private void ExpectKind(Tok k)
    {
        if (Peek.Kind != k) throw Error($"expected {new Token(k, "", 0)}, found {Peek}");
        Next();
    }

    private string Name()
    {
        if (Peek.Kind != Tok.Name) throw Error($"expected a name, found {Peek}");
        return Next().Text;
    }

    private void SkipLine() { while (Peek.Kind is not (Tok.Newline or Tok.End)) Next(); Next(); }

    private InvalidDataException Error(string message) => TorchScriptError.At(_file, Peek.Line, message);

    // ------------------------------------------------------------------ classes and defs

    private ClassDef Class()
    {
        int line = Next().Line;
        var name = Name();
        string? baseName = null;
        if (Accept("(")) { baseName = DottedName(); Expect(")"); }
        Expect(":");
        ExpectKind(Tok.Newline);
        ExpectKind(Tok.Indent);
        var attrs = new List<AttrDecl>();
        var methods = new List<FuncDef>();
        List<string> parameters = [], buffers = [];
        while (Peek.Kind != Tok.Dedent && Peek.Kind != Tok.End)
        {
            if (Peek.Kind == Tok.Newline) { Next(); continue; }
            if (IsName("def")) { methods.Add(Def()); continue; }
            int l = Peek.Line;
            if (IsName("__parameters__") || IsName("__buffers__") || IsName("__constants__"))
            {
                var which = Next().Text;
                Expect("=");
                var names = ((ListExpr)ExpectList()).Items.Select(e => e is ConstExpr { Value: string s } ? s
                    : throw TorchScriptError.At(_file, l, $"{which} must list strings")).ToList();
                if (which == "__parameters__") parameters = names;
                else if (which == "__buffers__") buffers = names;
                ExpectKind(Tok.Newline);
                continue;
            }
            string attr;
            if (IsName("__annotations__"))
            {
                // __annotations__["0"] = Type: an attribute whose name is not an identifier (Sequential's children)
                Next();
                Expect("[");
                if (Peek.Kind != Tok.Str) throw Error("expected a string key in __annotations__[...]");
                attr = Next().Text;
                Expect("]");
                Expect("=");
                attrs.Add(new AttrDecl(l, attr, Expression(), null));
                ExpectKind(Tok.Newline);
                continue;
            }
            attr = Name();
            if (!Accept(":")) throw Error($"unsupported statement in a class body after '{attr}'");
            var type = Expression();
            Expr? value = Accept("=") ? Expression() : null;
            attrs.Add(new AttrDecl(l, attr, type, value));
            ExpectKind(Tok.Newline);
        }
        if (Peek.Kind == Tok.Dedent) Next();
        return new ClassDef(line, name, baseName, attrs, parameters, buffers, methods);
    }

    private Expr ExpectList()
    {
        var e = Expression();
        return e is ListExpr ? e : throw Error("expected a list");
    }

    private string DottedName()
    {
        var s = Name();
        while (Accept(".")) s += "." + Name();
        return s;
    }

    private FuncDef Def()
    {
        int line = Next().Line;
        var name = Name();
        Expect("(");
        var ps = new List<Param>();
        while (!IsOp(")"))
        {
            var pn = Name();
            Expr? type = Accept(":") ? Expression() : null;
            Expr? def = Accept("=") ? Expression() : null;
            ps.Add(new Param(pn, type, def));
            if (!Accept(",")) break;
        }
        Expect(")");
        Expr? ret = Accept("->") ? Expression() : null;
        Expect(":");
        return new FuncDef(line, name, ps, ret, Suite());
    }

    private List<Stmt> Suite()
    {
        ExpectKind(Tok.Newline);
        ExpectKind(Tok.Indent);
        var body = new List<Stmt>();
        while (Peek.Kind != Tok.Dedent && Peek.Kind != Tok.End)
        {
            if (Peek.Kind == Tok.Newline) { Next(); continue; }
            body.Add(Statement());
        }
        if (Peek.Kind == Tok.Dedent) Next();
        return body;
    }

    // ------------------------------------------------------------------ statements

    private Stmt Statement()
    {
        int line = Peek.Line;
        if (Peek.Kind == Tok.Name)
            switch (Peek.Text)
            {
                case "if": Next(); return If(line);
                case "for":
                {
                    Next();
                    var targets = new List<string> { Name() };
                    while (Accept(",")) targets.Add(Name());
                    if (!IsName("in")) throw Error("expected 'in'");
                    Next();
                    var iter = Expression();
                    Expect(":");
                    return new ForStmt(line, targets, iter, Suite());
                }
                case "while":
                {
                    Next();
                    var cond = Expression();
                    Expect(":");
                    return new WhileStmt(line, cond, Suite());
                }
                case "return":
                {
                    Next();
                    Expr? v = Peek.Kind == Tok.Newline ? null : ExpressionList();
                    ExpectKind(Tok.Newline);
                    return new ReturnStmt(line, v);
                }
                case "pass": Next(); ExpectKind(Tok.Newline); return new PassStmt(line);
                case "lambda" or "with" or "try" or "except" or "finally" or "yield" or "global" or "nonlocal"
                    or "del" or "assert" or "raise" or "class" or "def" or "async" or "await" or "break" or "continue":
                    throw Error($"unsupported construct '{Peek.Text}'");
            }
        var first = ExpressionList();
        if (Accept("="))
        {
            var targets = first is TupleExpr t ? t.Items : [first];
            var value = ExpressionList();
            ExpectKind(Tok.Newline);
            return new AssignStmt(line, targets, value);
        }
        if (Peek.Kind == Tok.Op && Peek.Text is "+=" or "-=" or "*=" or "/=")
            throw Error($"unsupported construct 'augmented assignment {Peek.Text}'");
        ExpectKind(Tok.Newline);
        return new ExprStmt(line, first);
    }

    private Stmt If(int line)
    {
        var cond = Expression();
        Expect(":");
        var then = Suite();
        IReadOnlyList<Stmt> els = [];
        if (IsName("elif")) { int l = Next().Line; els = [If(l)]; }
        else if (IsName("else")) { Next(); Expect(":"); els = Suite(); }
        return new IfStmt(line, cond, then, els);
    }

    // ------------------------------------------------------------------ expressions

    private Expr ExpressionList()
    {
        int line = Peek.Line;
        var e = Expression();
        if (!IsOp(",")) return e;
        var items = new List<Expr> { e };
        while (Accept(","))
        {
            if (Peek.Kind == Tok.Newline || IsOp("=")) break;
            items.Add(Expression());
        }
        return new TupleExpr(line, items);
    }

    private Expr Expression()
    {
        if (++_depth > 200) throw Error("expression nested too deeply");
        try
        {
            var e = Or();
            if (!IsName("if")) return e;
            int line = Next().Line;
            var cond = Or();
            if (!IsName("else")) throw Error("expected 'else'");
            Next();
            return new TernaryExpr(line, cond, e, Expression());
        }
        finally { _depth--; }
    }

    private Expr Or()
    {
        var e = And();
        while (IsName("or")) { int l = Next().Line; e = new BinaryExpr(l, "or", e, And()); }
        return e;
    }

    private Expr And()
    {
        var e = Not();
        while (IsName("and")) { int l = Next().Line; e = new BinaryExpr(l, "and", e, Not()); }
        return e;
    }

    private Expr Not()
    {
        if (!IsName("not")) return Comparison();
        int l = Next().Line;
        return new UnaryExpr(l, "not", Not());
    }

    private Expr Comparison()
    {
        var e = Arith();
        while (true)
        {
            int l = Peek.Line;
            string? op = Peek.Kind == Tok.Op && Peek.Text is "==" or "!=" or "<" or ">" or "<=" or ">=" ? Peek.Text : null;
            if (op is not null) Next();
            else if (IsName("is")) { Next(); op = IsName("not") ? "is not" : "is"; if (op == "is not") Next(); }
            else if (IsName("in")) { Next(); op = "in"; }
            else if (IsName("not") && PeekAt(1) is { Kind: Tok.Name, Text: "in" }) { Next(); Next(); op = "not in"; }
            else return e;
            e = new BinaryExpr(l, op, e, Arith());
        }
    }

    private Expr Arith()
    {
        var e = Term();
        while (Peek.Kind == Tok.Op && Peek.Text is "+" or "-" or "&" or "|" or "^" or "<<" or ">>")
        {
            var t = Next();
            e = new BinaryExpr(t.Line, t.Text, e, Term());
        }
        return e;
    }

    private Expr Term()
    {
        var e = Unary();
        while (Peek.Kind == Tok.Op && Peek.Text is "*" or "/" or "//" or "%" or "@")
        {
            var t = Next();
            e = new BinaryExpr(t.Line, t.Text, e, Unary());
        }
        return e;
    }

    private Expr Unary()
    {
        if (Peek.Kind == Tok.Op && Peek.Text is "-" or "+" or "~")
        {
            var t = Next();
            var operand = Unary();
            if (t.Text == "-" && operand is ConstExpr { Value: long l }) return new ConstExpr(t.Line, -l);
            if (t.Text == "-" && operand is ConstExpr { Value: double d }) return new ConstExpr(t.Line, -d);
            return new UnaryExpr(t.Line, t.Text, operand);
        }
        var e = Postfix();
        if (IsOp("**")) { var t = Next(); e = new BinaryExpr(t.Line, "**", e, Unary()); }
        return e;
    }

    private Expr Postfix()
    {
        var e = Atom();
        while (true)
        {
            int l = Peek.Line;
            if (Accept(".")) e = new AttrExpr(l, e, Name());
            else if (Accept("(")) e = Call(e, l);
            else if (Accept("["))
            {
                var idx = Subscript();
                Expect("]");
                e = new SubscriptExpr(l, e, idx);
            }
            else return e;
        }
    }

    private Expr Subscript()
    {
        int l = Peek.Line;
        var items = new List<Expr>();
        do
        {
            if (IsOp("]")) break;
            if (IsOp(":")) throw Error("unsupported construct 'slice'");
            var e = Expression();
            if (IsOp(":")) throw Error("unsupported construct 'slice'");
            items.Add(e);
        } while (Accept(","));
        return items.Count == 1 ? items[0] : new TupleExpr(l, items);
    }

    private Expr Call(Expr func, int line)
    {
        var args = new List<Expr>();
        var kwargs = new List<(string, Expr)>();
        while (!IsOp(")"))
        {
            if (Peek.Kind == Tok.Name && PeekAt(1) is { Kind: Tok.Op, Text: "=" })
            {
                var n = Next().Text;
                Next();
                kwargs.Add((n, Expression()));
            }
            else
            {
                if (IsOp("*") || IsOp("**")) throw Error("unsupported construct 'argument unpacking'");
                if (kwargs.Count > 0) throw Error("positional argument follows keyword argument");
                args.Add(Expression());
            }
            if (IsName("for")) throw Error("unsupported construct 'generator expression'");
            if (!Accept(",")) break;
        }
        Expect(")");
        return new CallExpr(line, func, args, kwargs);
    }

    private Expr Atom()
    {
        var t = Peek;
        switch (t.Kind)
        {
            case Tok.Int or Tok.Float: Next(); return new ConstExpr(t.Line, t.Value);
            case Tok.Str:
            {
                Next();
                var s = (string)t.Value!;
                while (Peek.Kind == Tok.Str) s += (string)Next().Value!; // adjacent literals concatenate
                return new ConstExpr(t.Line, s);
            }
            case Tok.Name:
                Next();
                return t.Text switch
                {
                    "True" => new ConstExpr(t.Line, true),
                    "False" => new ConstExpr(t.Line, false),
                    "None" => new ConstExpr(t.Line, null),
                    "lambda" or "yield" or "await" => throw TorchScriptError.At(_file, t.Line, $"unsupported construct '{t.Text}'"),
                    _ => new NameExpr(t.Line, t.Text),
                };
            case Tok.Op when t.Text == "(":
            {
                Next();
                if (Accept(")")) return new TupleExpr(t.Line, []);
                var e = Expression();
                if (IsName("for")) throw Error("unsupported construct 'generator expression'");
                if (!IsOp(",")) { Expect(")"); return e; }
                var items = new List<Expr> { e };
                while (Accept(",") && !IsOp(")")) items.Add(Expression());
                Expect(")");
                return new TupleExpr(t.Line, items);
            }
            case Tok.Op when t.Text == "[":
            {
                Next();
                var items = new List<Expr>();
                while (!IsOp("]"))
                {
                    items.Add(Expression());
                    if (IsName("for")) throw Error("unsupported construct 'list comprehension'");
                    if (!Accept(",")) break;
                }
                Expect("]");
                return new ListExpr(t.Line, items);
            }
            case Tok.Op when t.Text == "{":
                throw Error("unsupported construct 'dict literal'");
        }
        throw Error($"unexpected {t}");
    }
}
