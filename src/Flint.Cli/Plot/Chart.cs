using System.Globalization;

namespace Flint.Cli.Plot;

/// <summary>One named series of y values over epochs 1..n.</summary>
public sealed record Series(string Name, IReadOnlyList<double> Values, (byte R, byte G, byte B) Color);

/// <summary>Line charts drawn on a <see cref="Canvas"/>: panels with axes, ticks, labels and a legend.</summary>
public static class Chart
{
    static readonly (byte, byte, byte) White = (255, 255, 255), Black = (20, 20, 20), Grid = (225, 225, 225), Gray = (90, 90, 90);
    public static readonly (byte R, byte G, byte B) Blue = (31, 119, 180), Orange = (255, 127, 14), Green = (44, 160, 44);

    /// <summary>The training report: loss on the left, accuracy on the right, as a PNG file.</summary>
    public static void SaveTrainingCurves(string path, string title, IReadOnlyList<double> loss, IReadOnlyList<double> trainAcc, IReadOnlyList<double> testAcc)
    {
        var c = new Canvas(960, 420, White);
        c.Text((c.Width - Canvas.TextWidth(title, 2)) / 2, 10, title, Black, 2);
        Panel(c, 10, 36, 470, 374, "loss", [new Series("train loss", loss, Blue)], fixedRange: null);
        Panel(c, 480, 36, 470, 374, "accuracy", [new Series("train", trainAcc, Green), new Series("test", testAcc, Orange)], fixedRange: (0, 1), legendBottom: true);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir != null) Directory.CreateDirectory(dir);
        File.WriteAllBytes(path, c.ToPng());
    }

    /// <summary>Draws one panel: frame, grid, y ticks, x ticks (epochs), the series, and a legend.</summary>
    public static void Panel(Canvas c, int x0, int y0, int w, int h, string yLabel, IReadOnlyList<Series> series, (double Min, double Max)? fixedRange, bool legendBottom = false)
    {
        int left = x0 + 58, right = x0 + w - 12, top = y0 + 10, bottom = y0 + h - 34;
        int n = series.Max(s => s.Values.Count);
        double lo, hi;
        if (fixedRange is { } fr) (lo, hi) = fr;
        else
        {
            lo = double.PositiveInfinity; hi = double.NegativeInfinity;
            foreach (var s in series) foreach (var v in s.Values) if (double.IsFinite(v)) { lo = Math.Min(lo, v); hi = Math.Max(hi, v); }
            if (!double.IsFinite(lo)) { lo = 0; hi = 1; }
            lo = Math.Min(lo, 0);
            if (hi <= lo) hi = lo + 1;
            double tick = NiceStep((hi - lo) / 5, fractional: true);
            hi = lo + Math.Ceiling((hi - lo) / tick - 1e-9) * tick;
        }
        // y grid and ticks: 5 intervals
        for (int i = 0; i <= 5; i++)
        {
            double v = lo + (hi - lo) * i / 5;
            int y = (int)Math.Round(bottom - (bottom - top) * (double)i / 5);
            c.Line(left, y, right, y, Grid);
            string label = FormatTick(v, hi - lo);
            c.Text(left - 6 - Canvas.TextWidth(label), y - 3, label, Gray);
        }
        // x ticks: epochs
        int maxX = Math.Max(1, n);
        double step = NiceStep(maxX / 5.0);
        for (double e = 0; e <= maxX + 1e-9; e += step)
        {
            int x = (int)Math.Round(left + (right - left) * e / maxX);
            c.Line(x, bottom, x, bottom + 4, Gray);
            string label = ((long)e).ToString(CultureInfo.InvariantCulture);
            c.Text(x - Canvas.TextWidth(label) / 2, bottom + 8, label, Gray);
        }
        c.Text((left + right - Canvas.TextWidth("epoch")) / 2, bottom + 20, "epoch", Black);
        c.TextVertical(x0 + 4, (top + bottom) / 2 + Canvas.TextWidth(yLabel) / 2, yLabel, Black);
        // frame
        c.Line(left, top, left, bottom, Black); c.Line(left, bottom, right, bottom, Black);
        c.Line(right, top, right, bottom, Gray); c.Line(left, top, right, top, Gray);
        // series
        foreach (var s in series)
        {
            double px = double.NaN, py = double.NaN;
            for (int i = 0; i < s.Values.Count; i++)
            {
                double v = s.Values[i];
                if (!double.IsFinite(v)) { px = double.NaN; continue; }
                double x = left + (right - left) * (i + 1.0) / maxX;
                double y = bottom - (bottom - top) * (Math.Clamp(v, lo, hi) - lo) / (hi - lo);
                if (!double.IsNaN(px)) c.Line(px, py, x, y, s.Color, 2);
                else c.Set((int)x, (int)y, s.Color);
                px = x; py = y;
            }
        }
        // legend (top right, or bottom right where the curves rise to the top)
        int ly = legendBottom ? bottom - series.Count * 14 - 6 : top + 8;
        int lw = series.Max(s => Canvas.TextWidth(s.Name)) + 34;
        int lx = right - lw - 8;
        c.Fill(lx - 4, ly - 4, lw + 8, series.Count * 14 + 6, White);
        foreach (var s in series)
        {
            c.Line(lx, ly + 3, lx + 20, ly + 3, s.Color, 3);
            c.Text(lx + 26, ly, s.Name, Black);
            ly += 14;
        }
    }

    private static double NiceStep(double raw, bool fractional = false)
    {
        if (raw <= 0) return 1;
        if (raw <= 1 && !fractional) return 1;
        double mag = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double f = raw / mag;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
    }

    private static string FormatTick(double v, double range)
        => range >= 5 ? v.ToString("0", CultureInfo.InvariantCulture)
         : range >= 0.5 ? v.ToString("0.0#", CultureInfo.InvariantCulture)
         : v.ToString("0.###", CultureInfo.InvariantCulture);
}
