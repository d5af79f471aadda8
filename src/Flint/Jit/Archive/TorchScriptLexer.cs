using System.Globalization;
using System.Text;

namespace Flint.Jit.Archive;

internal enum Tok { Name, Int, Float, Str, Op, Newline, Indent, Dedent, End }

internal readonly record struct Token(Tok Kind, string Text, int Line, object? Value = null)
{
    public override string ToString() => Kind switch
    {
        Tok.Newline => "end of line", Tok.Indent => "indent", Tok.Dedent => "dedent", Tok.End => "end of file",
        _ => $"'{Text}'",
    };
}

/// <summary>
/// Splits TorchScript source into tokens the way Python does: indentation becomes Indent/Dedent, line ends inside
/// brackets are ignored, comments are skipped. Any character outside the subset is an error naming its line.
/// </summary>
internal static class TorchScriptLexer
{
    private static readonly string[] Ops =
        ["->", "**", "//", "==", "!=", "<=", ">=", "<<", ">>", "+=", "-=", "*=", "/=",
         "(", ")", "[", "]", ",", ":", ".", "=", "+", "-", "*", "/", "%", "<", ">", "&", "|", "^", "~", "@"];

    public static List<Token> Lex(string src, string file)
    {
        var toks = new List<Token>();
        var indents = new Stack<int>();
        indents.Push(0);
        int i = 0, line = 1, depth = 0;
        bool lineStart = true;
        while (i < src.Length)
        {
            if (lineStart && depth == 0)
            {
                int col = 0;
                while (i < src.Length && (src[i] == ' ' || src[i] == '\t')) { col++; i++; }
                if (i >= src.Length) break;
                if (src[i] is '\n' or '\r' or '#') { SkipLine(src, ref i, ref line); continue; }
                if (col > indents.Peek()) { indents.Push(col); toks.Add(new(Tok.Indent, "", line)); }
                while (col < indents.Peek())
                {
                    indents.Pop();
                    toks.Add(new(Tok.Dedent, "", line));
                    if (col > indents.Peek()) throw Error(file, line, "unindent does not match any outer indentation level");
                }
                lineStart = false;
            }
            char c = src[i];
            if (c == '\n')
            {
                if (depth == 0) { toks.Add(new(Tok.Newline, "", line)); lineStart = true; }
                i++; line++;
                continue;
            }
            if (c is ' ' or '\t' or '\r') { i++; continue; }
            if (c == '\\' && i + 1 < src.Length && src[i + 1] == '\n') { i += 2; line++; continue; }
            if (c == '#') { while (i < src.Length && src[i] != '\n') i++; continue; }
            if (char.IsAsciiLetter(c) || c == '_')
            {
                int s = i;
                while (i < src.Length && (char.IsAsciiLetterOrDigit(src[i]) || src[i] == '_')) i++;
                toks.Add(new(Tok.Name, src[s..i], line));
                continue;
            }
            if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < src.Length && char.IsAsciiDigit(src[i + 1])))
            {
                toks.Add(Number(src, ref i, line, file));
                continue;
            }
            if (c is '"' or '\'') { toks.Add(String(src, ref i, line, file)); continue; }
            var op = Array.Find(Ops, o => string.CompareOrdinal(src, i, o, 0, o.Length) == 0)
                ?? throw Error(file, line, $"unexpected character '{c}'");
            if (op is "(" or "[") depth++;
            else if (op is ")" or "]") depth = Math.Max(0, depth - 1);
            toks.Add(new(Tok.Op, op, line));
            i += op.Length;
        }
        if (toks.Count > 0 && toks[^1].Kind != Tok.Newline) toks.Add(new(Tok.Newline, "", line));
        while (indents.Count > 1) { indents.Pop(); toks.Add(new(Tok.Dedent, "", line)); }
        toks.Add(new(Tok.End, "", line));
        return toks;
    }

    private static void SkipLine(string src, ref int i, ref int line)
    {
        while (i < src.Length && src[i] != '\n') i++;
        if (i < src.Length) { i++; line++; }
    }

    private static Token Number(string src, ref int i, int line, string file)
    {
        int s = i;
        bool isFloat = false;
        while (i < src.Length && (char.IsAsciiDigit(src[i]) || src[i] == '.'
               || ((src[i] is 'e' or 'E') && i + 1 < src.Length)
               || ((src[i] is '+' or '-') && (src[i - 1] is 'e' or 'E'))))
        {
            if (src[i] is '.' or 'e' or 'E') isFloat = true;
            i++;
        }
        var text = src[s..i];
        if (isFloat)
        {
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
                throw Error(file, line, $"malformed number '{text}'");
            return new(Tok.Float, text, line, d);
        }
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var l))
            throw Error(file, line, $"integer '{text}' is out of range");
        return new(Tok.Int, text, line, l);
    }

    private static Token String(string src, ref int i, int line, string file)
    {
        char q = src[i++];
        var sb = new StringBuilder();
        while (true)
        {
            if (i >= src.Length || src[i] == '\n') throw Error(file, line, "unterminated string");
            char c = src[i++];
            if (c == q) break;
            if (c != '\\') { sb.Append(c); continue; }
            if (i >= src.Length) throw Error(file, line, "unterminated string");
            char e = src[i++];
            sb.Append(e switch
            {
                'n' => '\n', 't' => '\t', 'r' => '\r', '0' => '\0', '\\' => '\\', '\'' => '\'', '"' => '"',
                _ => throw Error(file, line, $"unsupported escape '\\{e}' in a string"),
            });
        }
        return new(Tok.Str, sb.ToString(), line, sb.ToString());
    }

    public static InvalidDataException Error(string file, int line, string message) => TorchScriptError.At(file, line, message);
}

/// <summary>
/// Errors in an archive's code: an <see cref="InvalidDataException"/> (as every other failure to read an archive)
/// whose message names the construct, the archive record (code/__torch__.py …) and the line; the record and line
/// are also in the exception's Data ("file", "line").
/// </summary>
public static class TorchScriptError
{
    public static InvalidDataException At(string file, int line, string message)
    {
        var e = new InvalidDataException($"{message} ({file}, line {line})");
        e.Data["file"] = file;
        e.Data["line"] = line;
        return e;
    }
}
