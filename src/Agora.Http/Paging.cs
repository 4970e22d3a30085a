using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Agora.Http;

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

    /// <summary>
    /// The largest number of items an offset page may skip: <c>(page - 1) × per_page</c> must fit the
    /// <see cref="int"/> that LINQ's <c>Skip</c> takes, else it wraps to a negative offset (which PostgreSQL refuses).
    /// </summary>
    public const int MaxOffset = int.MaxValue;

    /// <summary>
    /// Validates <c>per_page</c>, <c>page</c> (and that the offset it makes fits <see cref="MaxOffset"/>) and that
    /// cursor and page are not both given. After it passes, <see cref="Offset"/> cannot overflow.
    /// </summary>
    public static int PerPage(int? perPage, int? page, string? cursor, Validator validator)
    {
        validator.Require(perPage is null or (>= 1 and <= MaxPerPage), "per_page", $"Must be between 1 and {MaxPerPage}.");
        validator.Require(page is null or >= 1, "page", "Must be 1 or greater.");
        validator.Require(page is null || string.IsNullOrEmpty(cursor), "cursor", "Give either cursor or page, not both.");
        var size = perPage is >= 1 and <= MaxPerPage ? perPage.Value : DefaultPerPage;
        if (page is >= 1 && ((long)page.Value - 1) * size > MaxOffset)
        {
            validator.Add("page", $"Too large: at most {MaxPage(size)} with per_page {size}.");
        }

        return size;
    }

    /// <summary>The highest <c>page</c> whose offset fits <see cref="MaxOffset"/> with <paramref name="perPage"/> items a page.</summary>
    public static int MaxPage(int perPage) => (int)Math.Min(int.MaxValue, (long)MaxOffset / perPage + 1);

    /// <summary>Items before <paramref name="page"/> (1-based); checked, for a page <see cref="PerPage"/> accepted.</summary>
    public static int Offset(int page, int perPage) => checked((page - 1) * perPage);

    /// <summary>True when <paramref name="ticks"/> is a <see cref="DateTime"/> (a cursor may carry anything).</summary>
    public static bool IsTicks(long ticks) => ticks is >= 0 && ticks <= DateTime.MaxValue.Ticks;

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
        catch (InvalidOperationException)
        {
            return false; // a string the reader cannot turn into UTF-16 (a lone surrogate)
        }
        catch (ArgumentException)
        {
            return false; // a value out of its type's range
        }
    }

    /// <summary>Builds the <c>pagination</c> object.</summary>
    public static PaginationInfo Info(int perPage, long total, string? nextCursor, int? page = null) =>
        new(page, perPage, total, (int)((total + perPage - 1) / perPage), nextCursor);

    /// <summary>The longest cursor accepted; every cursor this API issues is shorter.</summary>
    public const int MaxCursorLength = 2048;

    // Relaxed escaping: the JSON is base64url-encoded anyway, and \uXXXX escapes would make non-ASCII keys 6× longer.
    // A client can send any cursor: a position decodes only with every field present, non-null where declared so,
    // and every date-time in UTC, so that no handler meets a position it could not have issued.
    private static readonly JsonSerializerOptions CursorJson = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        AllowDuplicateProperties = false,
        Converters = { new UtcDateTimeConverter() },
    };

    /// <summary>
    /// Date-times in cursors are UTC: written with <c>Z</c> (a value stored without a kind is UTC in this shop), and read
    /// as <see cref="DateTimeKind.Utc"/> whatever the text says, so PostgreSQL (<c>timestamptz</c>) accepts them.
    /// </summary>
    private sealed class UtcDateTimeConverter : JsonConverter<DateTime>
    {
        public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (!reader.TryGetDateTime(out var value))
            {
                throw new JsonException("Not a date-time.");
            }

            return value.Kind switch
            {
                DateTimeKind.Utc => value,
                DateTimeKind.Local => value.ToUniversalTime(),
                _ => DateTime.SpecifyKind(value, DateTimeKind.Utc),
            };
        }

        public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
            writer.WriteStringValue((value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc))
                .ToString("O", CultureInfo.InvariantCulture));
    }
}

/// <summary>
/// For a cursor field that carries a <see cref="DateTime"/> as ticks: reads only values that are ticks of a date-time
/// (a crafted cursor fails to decode instead of throwing in <c>new DateTime(ticks)</c>).
/// </summary>
public sealed class CursorTicksConverter : JsonConverter<long>
{
    /// <inheritdoc />
    public override long Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var ticks) && Paging.IsTicks(ticks)
            ? ticks
            : throw new JsonException("Not the ticks of a date-time.");

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, long value, JsonSerializerOptions options) => writer.WriteNumberValue(value);
}
