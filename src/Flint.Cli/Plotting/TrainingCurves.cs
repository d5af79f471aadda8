using ScottPlot;

namespace Flint.Cli.Plotting;

/// <summary>
/// The training report drawn by ScottPlot: the loss above, train and test accuracy below, over epoch numbers, saved
/// as PNG and SVG (anti-aliased, with the system's fonts and rotated axis labels).
/// </summary>
public static class TrainingCurves
{
    private const int Width = 960, PanelHeight = 340;

    /// <summary>Writes <paramref name="pngPath"/> and, if given, <paramref name="svgPath"/>; x values are epochs.</summary>
    public static void Save(string pngPath, string? svgPath, string title, int firstEpoch,
        IReadOnlyList<double> loss, IReadOnlyList<double> trainAcc, IReadOnlyList<double> testAcc)
    {
        var epochs = Enumerable.Range(firstEpoch, loss.Count).Select(e => (double)e).ToArray();
        var lossPlot = NewPlot();
        lossPlot.Title(title);
        AddLine(lossPlot, epochs, loss, "train loss", Colors.C0);
        lossPlot.YLabel("loss");
        lossPlot.Axes.Bottom.Label.Text = "";
        lossPlot.ShowLegend(Alignment.UpperRight);

        var accPlot = NewPlot();
        AddLine(accPlot, epochs, trainAcc, "train accuracy", Colors.C2);
        AddLine(accPlot, epochs, testAcc, "test accuracy", Colors.C1);
        accPlot.YLabel("accuracy");
        accPlot.XLabel("epoch");
        accPlot.Axes.SetLimitsY(0, 1.02);
        accPlot.ShowLegend(Alignment.LowerRight);

        foreach (var path in new[] { pngPath, svgPath })
        {
            if (path is null) continue;
            var dir = Path.GetDirectoryName(Path.GetFullPath(path));
            if (dir != null) Directory.CreateDirectory(dir);
        }
        // Two panels stacked in one image, their x axes (epochs) shared.
        var figure = new Multiplot(lossPlot); // a new Multiplot holds one plot already: this one
        figure.AddPlot(accPlot);
        figure.Layout = new ScottPlot.MultiplotLayouts.Rows();
        figure.SharedAxes.ShareX([lossPlot, accPlot]);
        figure.SavePng(pngPath, Width, 2 * PanelHeight);
        if (svgPath is null) return;
        // Multiplot saves PNG only; SVG by rendering the same figure onto Skia's SVG canvas.
        using (var stream = new SkiaSharp.SKFileWStream(svgPath))
        using (var canvas = SkiaSharp.SKSvgCanvas.Create(new SkiaSharp.SKRect(0, 0, Width, 2 * PanelHeight), stream))
            figure.Render(canvas, new PixelRect(0, Width, 2 * PanelHeight, 0));
    }

    // ScottPlot's own default sans family (Open Sans, Segoe UI …) is often missing on Linux, and Skia's fallback is a
    // serif face; DejaVu Sans ships with most distributions.
    private static readonly string SansFamily =
        SkiaSharp.SKFontManager.Default.MatchFamily("DejaVu Sans") is { } dejavu ? dejavu.FamilyName : Fonts.Sans;

    private static Plot NewPlot()
    {
        var plot = new Plot();
        plot.Font.Set(SansFamily);

        return plot;
    }

    private static void AddLine(Plot plot, double[] x, IReadOnlyList<double> y, string label, Color color)
    {
        var line = plot.Add.ScatterLine(x, y.ToArray());
        line.LegendText = label;
        line.Color = color;
        line.LineWidth = 2;
    }
}
