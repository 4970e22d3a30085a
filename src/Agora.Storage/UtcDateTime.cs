using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Agora.Storage;

/// <summary>Every timestamp is UTC; SQLite forgets a DateTime's kind, so it is restored on read.</summary>
public static class UtcDateTime
{
    /// <summary>The converter every service's DbContext puts on its DateTime columns.</summary>
    public static readonly ValueConverter<DateTime, DateTime> Converter =
        new(v => v.ToUniversalTime(), v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}
