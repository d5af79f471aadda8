using Spectre.Console;

namespace Flint.Cli.Training;

/// <summary>The end-of-run summary: a Spectre.Console table on a terminal, "name: value" lines otherwise.</summary>
public static class Report
{
    /// <summary>Prints the rows (name, value).</summary>
    public static void Summary(IAnsiConsole? live, TextWriter log, IReadOnlyList<(string Name, string Value)> rows)
    {
        if (live is null)
        {
            int w = rows.Max(r => r.Name.Length) + 1;
            foreach (var (name, value) in rows) log.WriteLine((name + ":").PadRight(w) + " " + value);
            return;
        }
        var table = new Table().Border(TableBorder.Rounded).AddColumn("result").AddColumn("value");
        foreach (var (name, value) in rows) table.AddRow(Markup.Escape(name), Markup.Escape(value));
        live.Write(table);
    }
}
