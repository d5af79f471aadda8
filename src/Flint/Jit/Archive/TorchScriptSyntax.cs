namespace Flint.Jit.Archive;

/// <summary>An expression of TorchScript's Python subset (what PyTorch writes in an archive's code/ files).</summary>
internal abstract record Expr(int Line);

internal sealed record NameExpr(int Line, string Id) : Expr(Line);

/// <summary>A literal: long, double, bool, string or null (None).</summary>
internal sealed record ConstExpr(int Line, object? Value) : Expr(Line);

internal sealed record AttrExpr(int Line, Expr Target, string Name) : Expr(Line);

internal sealed record CallExpr(int Line, Expr Func, IReadOnlyList<Expr> Args, IReadOnlyList<(string Name, Expr Value)> Kwargs)
    : Expr(Line);

internal sealed record SubscriptExpr(int Line, Expr Target, Expr Index) : Expr(Line);

/// <summary>a:b:c inside a subscript (TorchScript's printer never writes it; kept so it can be refused by name).</summary>
internal sealed record SliceExpr(int Line) : Expr(Line);

internal sealed record TupleExpr(int Line, IReadOnlyList<Expr> Items) : Expr(Line);

internal sealed record ListExpr(int Line, IReadOnlyList<Expr> Items) : Expr(Line);

internal sealed record BinaryExpr(int Line, string Op, Expr Left, Expr Right) : Expr(Line);

internal sealed record UnaryExpr(int Line, string Op, Expr Operand) : Expr(Line);

/// <summary>a if c else b.</summary>
internal sealed record TernaryExpr(int Line, Expr Cond, Expr Then, Expr Else) : Expr(Line);

/// <summary>A statement.</summary>
internal abstract record Stmt(int Line);

/// <summary>targets = value (a target list of several names unpacks a tuple).</summary>
internal sealed record AssignStmt(int Line, IReadOnlyList<Expr> Targets, Expr Value) : Stmt(Line);

internal sealed record ExprStmt(int Line, Expr Value) : Stmt(Line);

internal sealed record ReturnStmt(int Line, Expr? Value) : Stmt(Line);

internal sealed record IfStmt(int Line, Expr Cond, IReadOnlyList<Stmt> Then, IReadOnlyList<Stmt> Else) : Stmt(Line);

internal sealed record ForStmt(int Line, IReadOnlyList<string> Targets, Expr Iter, IReadOnlyList<Stmt> Body) : Stmt(Line);

internal sealed record WhileStmt(int Line, Expr Cond, IReadOnlyList<Stmt> Body) : Stmt(Line);

internal sealed record PassStmt(int Line) : Stmt(Line);

/// <summary>A parameter of a def: name, annotation (null for self), default.</summary>
internal sealed record Param(string Name, Expr? Type, Expr? Default);

internal sealed record FuncDef(int Line, string Name, IReadOnlyList<Param> Params, Expr? ReturnType, IReadOnlyList<Stmt> Body);

/// <summary>An attribute declaration in a class body: name : Type [= value] (Final constants carry a value).</summary>
internal sealed record AttrDecl(int Line, string Name, Expr Type, Expr? Value);

/// <summary>A class of a code file: its name, base, declared attributes, __parameters__/__buffers__, methods.</summary>
internal sealed record ClassDef(int Line, string Name, string? Base, IReadOnlyList<AttrDecl> Attributes,
    IReadOnlyList<string> Parameters, IReadOnlyList<string> Buffers, IReadOnlyList<FuncDef> Methods);
