using System.Buffers.Text;
using System.Text;
using System.Text.Json.Serialization;
using Agora.Http;

namespace Agora.ServiceDefaults.Tests.Http;

/// <summary>
/// The shared defences every service inherits against input that once answered 500: a JSON body with a repeated
/// member, bytes that are not UTF-8, a lone surrogate escape; a crafted cursor; an offset page that overflows.
/// </summary>
public sealed class HostileInputTests
{
    private sealed record TicksPosition([property: JsonConverter(typeof(CursorTicksConverter))] long T, string Id);

    private sealed record DatePosition(DateTime PlacedAt, string Id);

    private static string Cursor(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));

    [Theory]
    [InlineData("""{"name":"a","name":"b"}""", "name")]
    [InlineData("""{"address":{"label":"a","label":"b"}}""", "address.label")]
    [InlineData("""{"lines":[{"sku":"a","qty":1,"qty":2}]}""", "lines[].qty")]
    public void JsonBody_DuplicateMember_IsReportedWithItsPath(string json, string field)
    {
        var problem = JsonInput.FindProblem(Encoding.UTF8.GetBytes(json));

        Assert.NotNull(problem);
        Assert.Equal(field, problem.Field);
    }

    [Theory]
    [InlineData("""{"name":"\ud800"}""", "name")]
    [InlineData("""{"a":{"label":"x\udc00y"}}""", "a.label")]
    [InlineData("""{"\ud800":"x"}""", "$")]
    public void JsonBody_LoneSurrogateEscape_IsReported(string json, string field)
    {
        var problem = JsonInput.FindProblem(Encoding.UTF8.GetBytes(json));

        Assert.NotNull(problem);
        Assert.Equal(field, problem.Field);
    }

    [Fact]
    public void JsonBody_InvalidUtf8_IsReported()
    {
        var body = Encoding.UTF8.GetBytes("""{"name":"ab"}""");
        body[9] = 0xFF;

        Assert.Equal("$", JsonInput.FindProblem(body)?.Field);
    }

    [Theory]
    [InlineData("""{"name":"a","nested":{"name":"b"},"list":[{"name":"c"},{"name":"d"}]}""")]
    [InlineData("""{"name":"\ud83d\ude00 ok","emoji":"😀"}""")]
    [InlineData("""{"name": "unterminated""")] // malformed: left to the binder, which reports it as before
    [InlineData("[1,2,3]")]
    public void JsonBody_Acceptable_HasNoProblem(string json) => Assert.Null(JsonInput.FindProblem(Encoding.UTF8.GetBytes(json)));

    [Theory]
    [InlineData(100, 2147483647)]
    [InlineData(20, 2147483647)]
    [InlineData(100, 21474838)]
    [InlineData(2, 1073741825)]
    public void Paging_PageWhoseOffsetOverflows_IsInvalid(int perPage, int page)
    {
        var v = new Validator();

        Paging.PerPage(perPage, page, null, v);

        Assert.False(v.IsValid);
        Assert.Equal("page", v.Errors.Single().Field);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(20)]
    [InlineData(1)]
    public void Paging_LastPageTheOffsetHolds_IsValidAndItsOffsetFits(int perPage)
    {
        var v = new Validator();
        var page = Paging.MaxPage(perPage);

        Paging.PerPage(perPage, page, null, v);

        Assert.True(v.IsValid);
        Assert.InRange(Paging.Offset(page, perPage), 0, int.MaxValue);
    }

    [Theory]
    [InlineData("""{"t":9223372036854775807,"id":"x"}""")]
    [InlineData("""{"t":-1,"id":"x"}""")]
    [InlineData("""{"t":3155378976000000000,"id":"x"}""")]
    [InlineData("""{"t":1e30,"id":"x"}""")]
    [InlineData("""{"t":"1","id":"x"}""")]
    [InlineData("""{"t":1,"id":null}""")]
    [InlineData("""{"t":1}""")]
    [InlineData("""{"t":1,"id":"\ud800"}""")]
    [InlineData("""{"t":1,"t":2,"id":"x"}""")]
    public void Cursor_CraftedTicksPosition_DoesNotDecode(string json) =>
        Assert.False(Paging.TryDecodeCursor<TicksPosition>(Cursor(json), out _));

    [Theory]
    [InlineData("""{"placedAt":"10000-01-01T00:00:00Z","id":"x"}""")]
    [InlineData("""{"placedAt":"0001-01-01T00:00:00+14:00","id":"x"}""")]
    [InlineData("""{"placedAt":"yesterday","id":"x"}""")]
    [InlineData("""{"placedAt":12,"id":"x"}""")]
    public void Cursor_CraftedDatePosition_DoesNotDecode(string json) =>
        Assert.False(Paging.TryDecodeCursor<DatePosition>(Cursor(json), out _));

    [Theory]
    [InlineData("""{"placedAt":"2026-01-02T03:04:05","id":"x"}""")]
    [InlineData("""{"placedAt":"2026-01-02T12:04:05+09:00","id":"x"}""")]
    [InlineData("""{"placedAt":"2026-01-02T03:04:05Z","id":"x"}""")]
    public void Cursor_DateWithOrWithoutOffset_DecodesAsUtc(string json)
    {
        // PostgreSQL's timestamptz takes only UTC DateTimes: an unspecified kind once made a crafted cursor a 500 there.
        Assert.True(Paging.TryDecodeCursor<DatePosition>(Cursor(json), out var position));
        Assert.Equal(DateTimeKind.Utc, position!.PlacedAt.Kind);
        Assert.Equal(new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), position.PlacedAt);
    }

    [Fact]
    public void Cursor_IssuedTicksPosition_RoundTrips()
    {
        var issued = new TicksPosition(DateTime.UtcNow.Ticks, "shp_1");

        Assert.True(Paging.TryDecodeCursor<TicksPosition>(Paging.EncodeCursor(issued), out var decoded));
        Assert.Equal(issued, decoded);
    }
}
