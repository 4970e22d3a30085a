using System.Text.Json.Nodes;
using Agora.Http;
using Agora.Primitives;

namespace Agora.ServiceDefaults.Tests.Http;

public sealed class HttpHelpersTests
{
    private sealed record Position(string S, string K, string Id);

    [Fact]
    public void Cursor_RoundTrips_AndIsUrlSafe()
    {
        var cursor = Paging.EncodeCursor(new Position("-price", "1000", "prd_abc"));
        Assert.DoesNotContain('+', cursor);
        Assert.DoesNotContain('/', cursor);
        Assert.DoesNotContain('=', cursor);
        Assert.True(Paging.TryDecodeCursor<Position>(cursor, out var p));
        Assert.Equal(new Position("-price", "1000", "prd_abc"), p);
    }

    [Theory]
    [InlineData("not base64!!")]
    [InlineData("e30")] // "{}": valid JSON, but not a position with every field: does not decode
    [InlineData("bnVsbA")] // "null"
    [InlineData("")]
    public void Cursor_Garbage_NeverThrows(string cursor)
    {
        var ok = Paging.TryDecodeCursor<Position>(cursor, out var p);
        Assert.True(!ok || p is not null);
    }

    [Theory]
    [InlineData("""{"a":"b","c":{"d":"e","f":"g"}}""", """{"a":"z","c":{"f":null}}""", """{"a":"z","c":{"d":"e"}}""")]
    [InlineData("""{"a":["b"]}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"b":{"c":1}}""", """{"a":"b","b":{"c":1}}""")]
    public void MergePatch_FollowsRfc7396(string target, string patch, string expected)
    {
        var result = MergePatch.Apply(JsonNode.Parse(target), JsonNode.Parse(patch));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), result), result?.ToJsonString());
    }

    [Theory]
    [InlineData("50000", "KRW", true, 50000)]
    [InlineData("19.99", "USD", true, 1999)]
    [InlineData("19.999", "USD", false, 0)]
    [InlineData("10.5", "KRW", false, 0)]
    [InlineData("1e5", "KRW", false, 0)]
    [InlineData("-5", "KRW", false, 0)]
    [InlineData("5", "XXX", false, 0)]
    public void Money_ParsesOnlyExactAmountsInKnownCurrencies(string amount, string currency, bool ok, long minor)
    {
        Assert.Equal(ok, Currencies.TryParse(new MoneyDto(amount, currency), out var parsed, out _));
        Assert.Equal(minor, parsed);
    }

    [Fact]
    public void Money_FormatsWithTheCurrencyDigits()
    {
        Assert.Equal(new MoneyDto("50000", "KRW"), Currencies.Format(50000, "KRW"));
        Assert.Equal(new MoneyDto("19.90", "USD"), Currencies.Format(1990, "USD"));
    }

    [Theory]
    [InlineData("req-abc-123", true)]
    [InlineData("01HF:x.y_z", true)]
    [InlineData("", false)]
    [InlineData("has space", false)]
    [InlineData("new\nline", false)]
    [InlineData("ü", false)]
    public void RequestId_Sanity(string value, bool sane) => Assert.Equal(sane, CorrelationContext.IsSane(value));

    [Fact]
    public void RequestId_TooLong_IsNotSane() => Assert.False(CorrelationContext.IsSane(new string('a', 129)));
}
