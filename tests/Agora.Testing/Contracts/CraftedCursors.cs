using System.Buffers.Text;
using System.Text;

namespace Agora.Testing.Contracts;

/// <summary>
/// Cursors no service issued: base64url of a JSON position with a value out of its type's range, a missing or null
/// part. A keyset-paged list must refuse each with 422 (the cursor is opaque to the client, but the client can send
/// anything), never a 500 from <c>new DateTime(ticks)</c> or the database.
/// </summary>
public static class CraftedCursors
{
    /// <summary>The opaque form of <paramref name="json"/>.</summary>
    public static string Of(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));

    /// <summary>Positions of the <c>(t: ticks, id)</c> shape that Shipping, Payment and Notification issue.</summary>
    public static readonly string[] TicksPositions =
    [
        """{"t":9223372036854775807,"id":"x"}""",
        """{"t":-1,"id":"x"}""",
        """{"t":3155378976000000000,"id":"x"}""",
        """{"t":638000000000000000,"id":null}""",
        """{"t":638000000000000000}""",
    ];

    /// <summary>Asserts that <paramref name="list"/> answers each of <paramref name="positions"/> with 422 naming <c>cursor</c>.</summary>
    public static async Task AssertRefusedAsync(HttpClient client, string list, IEnumerable<string> positions)
    {
        foreach (var position in positions)
        {
            var response = await client.GetAsync($"{list}?cursor={Of(position)}");
            var text = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode == 422, $"{list} with cursor {position}: {(int)response.StatusCode} {text}");
            Assert.Contains("\"cursor\"", text, StringComparison.Ordinal);
        }
    }
}
