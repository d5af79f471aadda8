using Flint;

namespace Flint.Tests.Pointwise;

/// <summary>TypePromotion against torch.promote_types / torch.result_type (Fixtures/promotion.json, tools/fixtures/gen_promotion.py).</summary>
public class TypePromotionTests
{
    private static Tensor Make(string dtype, string kind)
    {
        var dt = Fixture.ParseDType(dtype);
        return kind == "dim" ? Torch.Ones([2], dt) : Torch.ScalarTensor(1, dt);
    }

    [Fact]
    public void MatchesPyTorch()
    {
        var failures = new List<string>();
        int n = 0;
        foreach (var c in Fixture.Load("promotion").Cases)
        {
            n++;
            string kind = c.GetProperty("kind").GetString()!, a = c.GetProperty("a").GetString()!;
            var expected = Fixture.ParseDType(c.GetProperty("out").GetString()!);
            DType actual;
            string what;
            switch (kind)
            {
                case "promote_types":
                {
                    var b = c.GetProperty("b").GetString()!;
                    actual = TypePromotion.Promote(Fixture.ParseDType(a), Fixture.ParseDType(b));
                    what = $"promote_types({a}, {b})";
                    break;
                }
                case "result_type":
                {
                    string b = c.GetProperty("b").GetString()!, ka = c.GetProperty("a_kind").GetString()!, kb = c.GetProperty("b_kind").GetString()!;
                    var ta = Make(a, ka); var tb = Make(b, kb);
                    actual = TypePromotion.ResultType(ta, tb);
                    // the ops must agree with the table: add's output dtype is the result type (bool - bool aside)
                    if (expected != DType.Bool && actual == expected) Assert.Equal(expected, ta.Add(tb).DType);
                    what = $"result_type({a} {ka}, {b} {kb})";
                    break;
                }
                default:
                {
                    string s = c.GetProperty("scalar").GetString()!, ka = c.GetProperty("a_kind").GetString()!;
                    Scalar sc = s == "int" ? 3 : s == "float" ? 2.5 : true;
                    var ta = Make(a, ka);
                    actual = TypePromotion.ResultType(ta, sc);
                    if (actual == expected) Assert.Equal(expected, ta.Mul(sc).DType);
                    what = $"result_type({a} {ka}, {s} scalar)";
                    break;
                }
            }
            if (actual != expected) failures.Add($"{what}: expected {expected.Name()}, got {actual.Name()}");
        }
        Assert.True(n > 500);
        Assert.True(failures.Count == 0, $"{failures.Count} of {n} cases failed:\n" + string.Join("\n", failures));
    }
}
