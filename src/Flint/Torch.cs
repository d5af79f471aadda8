namespace Flint; public static partial class Torch { }
