using System.Globalization;
using System.IO.Compression;
using System.Buffers.Binary;

namespace Flint.Data;

/// <summary>Features (float32, N×F) and class targets (int64, N) of a classification data set.</summary>
public sealed record ClassificationData(Tensor Features, Tensor Targets, string[] FeatureNames, string[] ClassNames)
{
    public long Count => Features.Size(0);
    public int NumClasses => ClassNames.Length;
    public TensorDataset ToDataset() => new(Features, Targets);
}

/// <summary>
/// Data sets: Iris and Digits shipped inside the library, readers for MNIST / Fashion-MNIST IDX files and for a
/// user's CSV file.
/// </summary>
public static class Datasets
{
    /// <summary>Fisher's Iris: 150 rows, 4 features (cm), classes setosa / versicolor / virginica.</summary>
    public static ClassificationData Iris()
        => ReadCsv(OpenBundled("iris.csv"), "target", hasHeader: true, classNames: ["setosa", "versicolor", "virginica"]);

    /// <summary>UCI optical digits as scikit-learn ships them: 1797 images of 8×8 pixels (0–16) as 64 features, classes 0–9.</summary>
    public static ClassificationData Digits()
        => ReadCsv(OpenBundled("digits.csv"), "target", hasHeader: true, classNames: Enumerable.Range(0, 10).Select(i => i.ToString()).ToArray());

    private static Stream OpenBundled(string name)
        => typeof(Datasets).Assembly.GetManifestResourceStream("Flint.Data.Bundled." + name)
           ?? throw new InvalidOperationException($"bundled data set {name} is missing from the assembly");

    /// <summary>
    /// A classifier's data from a CSV file: every column but the target is a numeric feature; the target column's
    /// distinct values become classes 0..K−1 (numbers in numeric order, otherwise text in first-seen order).
    /// targetColumn is a header name or a 0-based column index; null means the last column.
    /// </summary>
    public static ClassificationData FromCsv(string path, string? targetColumn = null, bool hasHeader = true)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"CSV file '{path}' not found", path);
        using var s = File.OpenRead(path);
        return ReadCsv(s, targetColumn, hasHeader, null);
    }

    internal static ClassificationData ReadCsv(Stream stream, string? targetColumn, bool hasHeader, string[]? classNames)
    {
        using var reader = new StreamReader(stream);
        string? line;
        string[]? header = null;
        var rows = new List<string[]>();
        int lineNo = 0;
        while ((line = reader.ReadLine()) != null)
        {
            lineNo++;
            if (line.Trim().Length == 0) continue;
            var cells = SplitCsvLine(line);
            if (header == null && hasHeader) { header = cells; continue; }
            if (rows.Count > 0 && cells.Length != rows[0].Length)
                throw new InvalidDataException($"CSV line {lineNo} has {cells.Length} columns, expected {rows[0].Length}");
            rows.Add(cells);
        }
        if (rows.Count == 0) throw new InvalidDataException("the CSV file has no data rows");
        int cols = rows[0].Length;
        if (cols < 2) throw new InvalidDataException("the CSV file needs at least one feature column and a target column");
        header ??= Enumerable.Range(0, cols).Select(i => $"column_{i}").ToArray();
        if (header.Length != cols) throw new InvalidDataException($"the CSV header has {header.Length} columns but the rows have {cols}");
        int target = cols - 1;
        if (targetColumn != null)
        {
            target = Array.FindIndex(header, h => string.Equals(h.Trim(), targetColumn, StringComparison.OrdinalIgnoreCase));
            if (target < 0 && int.TryParse(targetColumn, out int ti) && ti >= 0 && ti < cols) target = ti;
            if (target < 0) throw new ArgumentException($"target column '{targetColumn}' not found; columns are: {string.Join(", ", header)}");
        }

        // class labels: numeric values sorted numerically, otherwise strings in first-seen order
        var labels = rows.Select(r => r[target].Trim()).ToArray();
        int empty = Array.FindIndex(labels, l => l.Length == 0);
        if (empty >= 0) throw new InvalidDataException($"CSV row {empty + 1}: the target column '{header[target]}' is empty");
        bool numeric = labels.All(l => double.TryParse(l, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        var distinct = numeric
            ? labels.Distinct().OrderBy(l => double.Parse(l, CultureInfo.InvariantCulture)).ToList()
            : labels.Distinct().ToList();
        var classIndex = new Dictionary<string, long>();
        for (int i = 0; i < distinct.Count; i++) classIndex[distinct[i]] = i;

        int nf = cols - 1;
        var x = new float[rows.Count * nf];
        var y = new long[rows.Count];
        for (int r = 0; r < rows.Count; r++)
        {
            int f = 0;
            for (int c = 0; c < cols; c++)
            {
                if (c == target) continue;
                var cell = rows[r][c].Trim();
                if (!float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                    throw new InvalidDataException($"CSV row {r + 1}, column '{header[c]}': '{cell}' is not a number (feature columns must be numeric)");
                // NaN and infinities parse, but a model trained on them learns nothing (every loss turns NaN)
                if (!float.IsFinite(v))
                    throw new InvalidDataException($"CSV row {r + 1}, column '{header[c]}': '{cell}' is not a finite number");
                x[r * nf + f++] = v;
            }
            y[r] = classIndex[labels[r]];
        }
        var names = header.Where((_, i) => i != target).ToArray();
        return new ClassificationData(Torch.FromArray(x, rows.Count, nf), Torch.FromArray(y), names, classNames ?? distinct.ToArray());
    }

    private static string[] SplitCsvLine(string line)
    {
        if (!line.Contains('"')) return line.Split(',');
        var cells = new List<string>();
        var cur = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"') { cur.Append('"'); i++; }
                else if (ch == '"') quoted = false;
                else cur.Append(ch);
            }
            else if (ch == '"') quoted = true;
            else if (ch == ',') { cells.Add(cur.ToString()); cur.Clear(); }
            else cur.Append(ch);
        }
        cells.Add(cur.ToString());
        return cells.ToArray();
    }

    // ---- MNIST / Fashion-MNIST ----

    /// <summary>
    /// MNIST or Fashion-MNIST from the standard IDX files in root (train-images-idx3-ubyte, train-labels-idx1-ubyte,
    /// t10k-… for the test split; plain or .gz, directly in root or in root/MNIST/raw or root/FashionMNIST/raw).
    /// Images are uint8 N×28×28, labels int64 (torchvision's data/targets).
    /// </summary>
    public static (Tensor Images, Tensor Labels) Mnist(string root, bool train = true)
    {
        string prefix = train ? "train" : "t10k";
        var images = ReadIdx(Find(root, $"{prefix}-images-idx3-ubyte"));
        var labels = ReadIdx(Find(root, $"{prefix}-labels-idx1-ubyte"));
        if (images.Size(0) != labels.Size(0))
            throw new InvalidDataException($"MNIST files disagree: {images.Size(0)} images but {labels.Size(0)} labels");
        return (images, labels.To(DType.Int64));
    }

    /// <summary>Fashion-MNIST has the same file names and layout as MNIST.</summary>
    public static (Tensor Images, Tensor Labels) FashionMnist(string root, bool train = true) => Mnist(root, train);

    /// <summary>MNIST as a TensorDataset of float32 images scaled to [0, 1] (N×1×28×28) and int64 labels.</summary>
    public static TensorDataset MnistDataset(string root, bool train = true)
    {
        var (images, labels) = Mnist(root, train);
        var x = images.To(DType.Float32).Div(255.0).Unsqueeze(1);
        return new TensorDataset(x, labels);
    }

    private static string Find(string root, string name)
    {
        foreach (var dir in new[] { root, Path.Combine(root, "MNIST", "raw"), Path.Combine(root, "FashionMNIST", "raw"), Path.Combine(root, "raw") })
            foreach (var candidate in new[] { Path.Combine(dir, name), Path.Combine(dir, name + ".gz"), Path.Combine(dir, name.Replace("-idx", ".idx")) })
                if (File.Exists(candidate)) return candidate;
        throw new FileNotFoundException($"could not find {name} (or {name}.gz) under '{root}'");
    }

    /// <summary>Reads an IDX file (optionally gzip-compressed): magic 0x0000 TT DD, DD big-endian int32 sizes, then the data.</summary>
    public static Tensor ReadIdx(string path)
    {
        using var file = File.OpenRead(path);
        Stream s = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        var bytes = ms.ToArray();
        if (bytes.Length < 4 || bytes[0] != 0 || bytes[1] != 0) throw new InvalidDataException($"'{path}' is not an IDX file (bad magic number)");
        int typeCode = bytes[2], dims = bytes[3];
        if (bytes.Length < 4 + 4 * dims) throw new InvalidDataException($"'{path}' is truncated (header)");
        var shape = new long[dims];
        long n = 1;
        for (int d = 0; d < dims; d++) { shape[d] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * d)); n *= shape[d]; }
        int off = 4 + 4 * dims;
        int esize = typeCode switch { 0x08 or 0x09 => 1, 0x0B => 2, 0x0C or 0x0D => 4, 0x0E => 8, _ => throw new InvalidDataException($"'{path}': unknown IDX data type 0x{typeCode:X2}") };
        if (bytes.Length - off < n * esize) throw new InvalidDataException($"'{path}' is truncated: expected {n * esize} data bytes, found {bytes.Length - off}");
        var data = bytes.AsSpan(off);
        switch (typeCode)
        {
            case 0x08: return Torch.FromArray(data.Slice(0, (int)n).ToArray(), shape);
            case 0x09: { var a = new sbyte[n]; for (int i = 0; i < n; i++) a[i] = (sbyte)data[i]; return Torch.FromArray(a, shape); }
            case 0x0B: { var a = new short[n]; for (int i = 0; i < n; i++) a[i] = BinaryPrimitives.ReadInt16BigEndian(data.Slice(2 * i)); return Torch.FromArray(a, shape); }
            case 0x0C: { var a = new int[n]; for (int i = 0; i < n; i++) a[i] = BinaryPrimitives.ReadInt32BigEndian(data.Slice(4 * i)); return Torch.FromArray(a, shape); }
            case 0x0D: { var a = new float[n]; for (int i = 0; i < n; i++) a[i] = BinaryPrimitives.ReadSingleBigEndian(data.Slice(4 * i)); return Torch.FromArray(a, shape); }
            default: { var a = new double[n]; for (int i = 0; i < n; i++) a[i] = BinaryPrimitives.ReadDoubleBigEndian(data.Slice(8 * i)); return Torch.FromArray(a, shape); }
        }
    }
}
