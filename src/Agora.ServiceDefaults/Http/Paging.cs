using System.Buffers.Text;
using System.Text.Json;

namespace Agora.ServiceDefaults.Http;

/// <summary>
/// The paging parameters every collection shares: <c>per_page</c> (default 20, max 100), <c>cursor</c>, <c>page</c>.
/// A cursor is an opaque base64url token of the last item's sort key and id (keyset paging), so it stays
/// stable when items are inserted before it.
/// </summary>
public static class Paging
{
    /// <summary>Items per page when <c>per_page</c> is absent.</summary>
    public const int DefaultPerPage = 20;

    /// <summary>The largest <c>per_page</c> accepted.</summary>
    public const int MaxPerPage = 100;

    /// <summary>Validates <c>per_page</c>, <c>page</c> and that cursor and page are not both given.</summary>
    public static int PerPage(int? perPage, int? page, string? cursor, Validator validator)
    {
        validator.Require(perPage is null or (>= 1 and <= MaxPerPage), "per_page", $"Must be between 1 and {MaxPerPage}.");
        validator.Require(page is null or >= 1, "page", "Must be 1 or greater.");
        validator.Require(page is null || string.IsNullOrEmpty(cursor), "cursor", "Give either cursor or page, not both.");
        return perPage is >= 1 and <= MaxPerPage ? perPage.Value : DefaultPerPage;
    }

    /// <summary>Encodes a keyset position as an opaque cursor.</summary>
    public static string EncodeCursor<T>(T position) =>
        Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(position, CursorJson));

    /// <summary>Decodes a cursor; false (never an exception) for anything a client made up.</summary>
    public static bool TryDecodeCursor<T>(string? cursor, out T? position)
    {
        position = default;
        if (string.IsNullOrEmpty(cursor) || cursor.Length > MaxCursorLength)
        {
            return false;
        }

        try
        {
            var bytes = Base64Url.DecodeFromChars(cursor);
            position = JsonSerializer.Deserialize<T>(bytes, CursorJson);
            return position is not null;
        }
        catch (FormatException)
        {
            return false;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Builds the <c>pagination</c> object.</summary>
    public static PaginationInfo Info(int perPage, long total, string? nextCursor, int? page = null) =>
        new(page, perPage, total, (int)((total + perPage - 1) / perPage), nextCursor);

    /// <summary>The longest cursor accepted; every cursor this API issues is shorter.</summary>
    public const int MaxCursorLength = 2048;

    // Relaxed escaping: the JSON is base64url-encoded anyway, and \uXXXX escapes would make non-ASCII keys 6× longer.
    private static readonly JsonSerializerOptions CursorJson = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
