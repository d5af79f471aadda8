namespace Flint.Cli.Plot;

/// <summary>An RGB raster with the few drawing primitives a line chart needs.</summary>
public sealed class Canvas
{
    public int Width { get; }
    public int Height { get; }
    public byte[] Pixels { get; }

    public Canvas(int width, int height, (byte R, byte G, byte B) background)
    {
        Width = width; Height = height;
        Pixels = new byte[width * height * 3];
        Fill(0, 0, width, height, background);
    }

    public void Set(int x, int y, (byte R, byte G, byte B) c)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height) return;
        int i = (y * Width + x) * 3;
        Pixels[i] = c.R; Pixels[i + 1] = c.G; Pixels[i + 2] = c.B;
    }

    public void Fill(int x0, int y0, int w, int h, (byte R, byte G, byte B) c)
    {
        for (int y = y0; y < y0 + h; y++)
            for (int x = x0; x < x0 + w; x++) Set(x, y, c);
    }

    /// <summary>A line of the given thickness (Bresenham, with a square brush).</summary>
    public void Line(double x0, double y0, double x1, double y1, (byte R, byte G, byte B) c, int thickness = 1)
    {
        int ax = (int)Math.Round(x0), ay = (int)Math.Round(y0), bx = (int)Math.Round(x1), by = (int)Math.Round(y1);
        int dx = Math.Abs(bx - ax), dy = -Math.Abs(by - ay), sx = ax < bx ? 1 : -1, sy = ay < by ? 1 : -1, err = dx + dy;
        int r0 = -(thickness - 1) / 2, r1 = thickness / 2;
        while (true)
        {
            for (int oy = r0; oy <= r1; oy++) for (int ox = r0; ox <= r1; ox++) Set(ax + ox, ay + oy, c);
            if (ax == bx && ay == by) break;
            int e2 = 2 * err;
            if (e2 >= dy) { err += dy; ax += sx; }
            if (e2 <= dx) { err += dx; ay += sy; }
        }
    }

    /// <summary>Text in the built-in 5×7 font, scaled by an integer factor; returns the width drawn.</summary>
    public int Text(int x, int y, string s, (byte R, byte G, byte B) c, int scale = 1)
    {
        int cx = x;
        foreach (char ch in s)
        {
            var glyph = Font5x7.Glyph(ch);
            for (int row = 0; row < 7; row++)
                for (int col = 0; col < 5; col++)
                    if ((glyph[row] & (0x10 >> col)) != 0)
                        Fill(cx + col * scale, y + row * scale, scale, scale, c);
            cx += 6 * scale;
        }
        return cx - x;
    }

    public static int TextWidth(string s, int scale = 1) => s.Length * 6 * scale;

    /// <summary>Text rotated 90° counter-clockwise (for a y-axis label), reading bottom to top.</summary>
    public void TextVertical(int x, int y, string s, (byte R, byte G, byte B) c, int scale = 1)
    {
        int cy = y;
        foreach (char ch in s)
        {
            var glyph = Font5x7.Glyph(ch);
            for (int row = 0; row < 7; row++)
                for (int col = 0; col < 5; col++)
                    if ((glyph[row] & (0x10 >> col)) != 0)
                        Fill(x + row * scale, cy - col * scale, scale, scale, c);
            cy -= 6 * scale;
        }
    }

    public byte[] ToPng() => Png.Encode(Width, Height, Pixels);
}
