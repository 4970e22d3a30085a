namespace Agora.Notification.Infrastructure;

/// <summary>The wire names of events and channels (snake_case), parsed leniently (<c>OrderShipped</c> works too).</summary>
public static class NotificationNames
{
    public static string Of(NotificationEvent type) => JsonNamingPolicy.SnakeCaseLower.ConvertName(type.ToString());

    public static string Of(NotificationChannel channel) => JsonNamingPolicy.SnakeCaseLower.ConvertName(channel.ToString());

    public static bool TryParseEvent(string? value, out NotificationEvent type) => TryParse(value, out type);

    public static bool TryParseChannel(string? value, out NotificationChannel channel) => TryParse(value, out channel);

    private static bool TryParse<T>(string? value, out T result) where T : struct, Enum
    {
        result = default;
        if (string.IsNullOrWhiteSpace(value) || value.Length > 40)
        {
            return false;
        }

        var compact = value.Replace("_", "", StringComparison.Ordinal);
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (string.Equals(candidate.ToString(), compact, StringComparison.OrdinalIgnoreCase))
            {
                result = candidate;
                return true;
            }
        }

        return false;
    }
}
