namespace Flint.Bench;

/// <summary>One row of WORKLOADS.md. Add a workload: one file implementing this, one line in Program.Workloads.</summary>
public interface IWorkload
{
    /// <summary>"W1".."W8".</summary>
    string Id { get; }
    /// <summary>Runs the workload and prints its result lines; compiled selects the Torch.Compile variant where there is one.</summary>
    void Run(bool compiled);
}
