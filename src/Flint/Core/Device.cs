namespace Flint;

public enum DeviceType : byte { CPU, CUDA, Meta }

/// <summary>Where a tensor's storage lives: "cpu", "cuda:0", "meta".</summary>
public readonly record struct Device(DeviceType Type, int Index = -1)
{
    public static readonly Device CPU = new(DeviceType.CPU);
    public static readonly Device Meta = new(DeviceType.Meta);

    public static Device Parse(string s)
    {
        var parts = s.Split(':');
        var type = parts[0] switch
        {
            "cpu" => DeviceType.CPU, "cuda" => DeviceType.CUDA, "meta" => DeviceType.Meta,
            _ => throw new ArgumentException($"Expected one of cpu, cuda, meta device type at start of device string: {s}"),
        };
        return new Device(type, parts.Length > 1 ? int.Parse(parts[1]) : -1);
    }

    public static implicit operator Device(string s) => Parse(s);
    public override string ToString() => (Type switch { DeviceType.CPU => "cpu", DeviceType.CUDA => "cuda", _ => "meta" }) + (Index >= 0 ? $":{Index}" : "");
}
