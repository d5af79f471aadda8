namespace Flint.Cli;

/// <summary>The parsed command line.</summary>
public sealed class CliOptions
{
    /// <summary>iris (the default), digits or csv.</summary>
    public string Command = "iris";
    /// <summary>csv: the file.</summary>
    public string? CsvPath;
    /// <summary>csv: the target column (name or 0-based index); null for the last column.</summary>
    public string? Target;
    /// <summary>csv: whether the first row is a header.</summary>
    public bool CsvHeader = true;
    /// <summary>--epochs: the total to reach.</summary>
    public int? Epochs;
    /// <summary>--lr: Adam's learning rate (replaces a resumed checkpoint's).</summary>
    public double? Lr;
    /// <summary>--batch-size.</summary>
    public int? BatchSize;
    /// <summary>--seed.</summary>
    public long Seed;
    /// <summary>--out: where the checkpoint and plots go.</summary>
    public string? OutDir;
    /// <summary>False with --no-resume.</summary>
    public bool Resume = true;
    /// <summary>digits: cnn or mlp.</summary>
    public string Model = "cnn";
    /// <summary>--tensorboard: a directory for TensorBoard event files.</summary>
    public string? TensorBoard;
    /// <summary>--detect-anomaly: autograd's anomaly detection.</summary>
    public bool DetectAnomaly;
}
