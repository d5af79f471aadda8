namespace Flint.Tests;

/// <summary>
/// Tests that seed and draw from Generator.Default (Torch.ManualSeed, default layer init, dropout) belong to this
/// collection: it never runs in parallel with other tests, so no other test draws between a seed and its check.
/// </summary>
[CollectionDefinition("DefaultGenerator", DisableParallelization = true)]
public sealed class DefaultGeneratorCollection { }
