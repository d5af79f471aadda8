namespace Flint;

/// <summary>
/// torch.linalg.LinAlgError: a decomposition or solve that cannot be completed for the values given (a singular
/// matrix, one that is not positive-definite, an iteration that does not converge). Shape and dtype errors stay
/// <see cref="ArgumentException"/>s.
/// </summary>
public sealed class LinAlgException(string message) : InvalidOperationException(message);
