using Flint.Bench;

// Usage: Flint.Bench [W1 W2 ...] [--compiled] [--threads N] [--sizes a,b,...]   (no ids = all workloads)
//        Flint.Bench linalg [threads]   (inv, solve and svd of a 512×512 float64 matrix; not a WORKLOADS.md row)
// --threads: threads for kernels and peers (default 2, as WORKLOADS.md runs everything);
// --sizes: override a workload's size list (W1: N values), for quick tuning runs.
// Prints one line per result, as WORKLOADS.md describes.

if (args.Length > 0 && args[0] == OpenBlas.ChildFlag) return OpenBlas.ChildMain(args[1..]);
if (args.Length > 0 && args[0] == LinalgBench.Mode) { LinalgBench.Run(args.Length > 1 ? int.Parse(args[1]) : 2); return 0; }

IWorkload[] workloads =
[
    new W1Gemm(),
    new W2IrisMlp(),
    new W3MnistMlp(),
    new W4LeNet(),
    new W5TransformerBlock(),
    new W6PointwiseChain(),
    new W7OpOverhead(),
    new W8InferenceMlp(),
    // W2..W5 are added here as they are written.
];

bool compiled = false;
var wanted = new List<string>();
for (int i = 0; i < args.Length; i++)
{
    string a = args[i];
    if (a == "--compiled") compiled = true;
    else if (a == "--threads" && i + 1 < args.Length) BenchOptions.Threads = int.Parse(args[++i]);
    else if (a == "--sizes" && i + 1 < args.Length) BenchOptions.Sizes = Array.ConvertAll(args[++i].Split(','), int.Parse);
    else if (a.Length >= 2 && (a[0] == 'W' || a[0] == 'w') && int.TryParse(a.AsSpan(1), out _)) wanted.Add(a.ToUpperInvariant());
    else { Console.Error.WriteLine($"unknown argument '{a}'. Usage: Flint.Bench [W1 W2 ...] [--compiled] [--threads N] [--sizes a,b]"); return 2; }
}

foreach (var id in wanted)
    if (Array.FindIndex(workloads, w => w.Id == id) < 0) Console.WriteLine($"{id} not implemented yet");

foreach (var w in workloads)
    if (wanted.Count == 0 || wanted.Contains(w.Id)) w.Run(compiled);
return 0;
