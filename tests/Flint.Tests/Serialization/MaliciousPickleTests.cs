using System.Text;
using System.Text.Json;

namespace Flint.Tests.Serialization;

/// <summary>
/// Hostile checkpoints are refused by name and nothing in them runs. The evil_*.pt fixtures (gen_checkpoints.py)
/// hold live payloads — os.system via GLOBAL and via STACK_GLOBAL, builtins.eval, a payload nested deep inside a
/// plausible checkpoint, and one in the legacy format — each of which would create a marker file if executed.
/// </summary>
public class MaliciousPickleTests
{
    public static IEnumerable<object[]> EvilCases()
        => Fixture.Load("checkpoints/evil").Cases.Select(c => new object[] { c.GetProperty("file").GetString()!, c.GetProperty("global").GetString()!, c.GetProperty("marker").GetString()! });

    [Theory]
    [MemberData(nameof(EvilCases))]
    public void RejectsPayloadNamingTheGlobalAndRunsNothing(string file, string global, string marker)
    {
        if (File.Exists(marker)) File.Delete(marker);
        var e = Assert.ThrowsAny<InvalidDataException>(() => Torch.Load(CheckpointExpect.PathOf(file)));
        Assert.Contains("Unsupported global: GLOBAL " + global, e.Message);
        Assert.Contains("Nothing in the file was run", e.Message);
        Assert.False(File.Exists(marker), $"the payload of {file} ran: {marker} exists");
    }

    [Fact]
    public void StackGlobalIsNamedAsSuch()
    {
        var e = Assert.ThrowsAny<InvalidDataException>(() => Torch.Load(CheckpointExpect.PathOf("evil_stack_global.pt")));
        Assert.Contains("STACK_GLOBAL", e.Message);
    }

    // ---- hand-made pickles exercising each refused opcode ----

    private static byte[] Pickle(params object[] parts)
    {
        var ms = new MemoryStream();
        ms.Write([0x80, 2]);
        foreach (var p in parts)
        {
            if (p is string s) ms.Write(Encoding.Latin1.GetBytes(s));
            else if (p is byte b) ms.WriteByte(b);
            else ms.Write((byte[])p);
        }
        ms.WriteByte((byte)'.');
        return ms.ToArray();
    }

    private static string LoadError(byte[] pkl)
        => Assert.ThrowsAny<InvalidDataException>(() => ZipHelper.LoadBytes(ZipHelper.WithPickle(pkl))).Message;

    [Fact]
    public void RefusesConstructionOpcodes()
    {
        // INST subprocess Popen
        Assert.Contains("subprocess.Popen", LoadError(Pickle("(", "isubprocess\nPopen\n")));
        // OBJ
        Assert.Contains("OBJ", LoadError(Pickle("(", "ccollections\nOrderedDict\n", "o")));
        // NEWOBJ on an allowed class is still refused: only data is built
        Assert.Contains("NEWOBJ", LoadError(Pickle("ccollections\nOrderedDict\n", ")", (byte)0x81)));
        // EXT1 (copyreg extension registry)
        Assert.Contains("EXT", LoadError(Pickle((byte)0x82, (byte)1)));
    }

    [Fact]
    public void RefusesCallsOnAllowedNonFunctions()
    {
        // REDUCE on a storage class (torch.FloatStorage(...)) is not a rebuild function.
        Assert.Contains("unrecognized function torch.FloatStorage", LoadError(Pickle("ctorch\nFloatStorage\n", ")", "R")));
        // BUILD on a list (setstate on arbitrary objects).
        Assert.Contains("Can only build", LoadError(Pickle("]", "}", "b")));
        // A persistent id that is not a storage.
        Assert.Contains("Only persistent_load of storage", LoadError(Pickle("X\u0004\0\0\0evil", (byte)0x85, "Q")));
    }

    [Theory]
    [InlineData("os", "system")]
    [InlineData("builtins", "eval")]
    [InlineData("builtins", "exec")]
    [InlineData("builtins", "getattr")]
    [InlineData("torch", "load")]
    [InlineData("torch._utils", "_import_dotted_name")]
    [InlineData("collections", "namedtuple")]
    [InlineData("numpy.core.multiarray", "_reconstruct")]
    public void RefusesGlobalsOutsideTheAllowList(string module, string name)
    {
        var msg = LoadError(Pickle($"c{module}\n{name}\n", ")", "R"));
        Assert.Contains($"Unsupported global: GLOBAL {module}.{name}", msg);
    }

    [Fact]
    public void RefusesAGlobalEvenWhenNeverCalled()
    {
        // Merely naming os.system (then dropping it) is refused: resolution happens at GLOBAL, before any REDUCE.
        Assert.Contains("os.system", LoadError(Pickle("cos\nsystem\n", "0", "N")));
    }
}
