using System.Text.Json;
using System.Text.Json.Serialization;

namespace Agora.Notification.Infrastructure;

/// <summary>
/// The starting templates, in Korean and English, for every event on every channel. Written once, into an empty
/// template table: after that the templates are the staff's (a deleted one stays deleted across restarts).
/// </summary>
internal sealed partial class TemplateSeeder(TimeProvider clock, ILogger<TemplateSeeder> logger) : IDataSeeder<NotificationDbContext>
{
    /// <summary>Every starting email ends with the shop's footer; the data file holds the bodies without it.</summary>
    private const string Footer = "<p style=\"color:#888\">Agora</p>";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>
    /// The starting templates, read from <c>Infrastructure/DefaultTemplates.json</c> (embedded): thirty texts are data,
    /// kept in one table that a translator can edit, not thirty tuples of code.
    /// </summary>
    internal static readonly IReadOnlyList<DefaultTemplate> Defaults = Load();

    /// <summary>One starting template: an event on a channel in a locale (SMS has no subject).</summary>
    internal sealed record DefaultTemplate(NotificationEvent Event, NotificationChannel Channel, string Locale, string? Subject, string Body);

    private static List<DefaultTemplate> Load()
    {
        using var stream = typeof(TemplateSeeder).Assembly.GetManifestResourceStream("Agora.Notification.Infrastructure.DefaultTemplates.json")
            ?? throw new InvalidOperationException("DefaultTemplates.json is not embedded in Agora.Notification.");
        var rows = JsonSerializer.Deserialize<List<DefaultTemplate>>(stream, Json) ?? [];
        return [.. rows.Select(t => t.Channel == NotificationChannel.Email ? t with { Body = t.Body + Footer } : t)];
    }

    public async Task SeedAsync(NotificationDbContext db, CancellationToken cancellationToken)
    {
        if (await db.Templates.AnyAsync(cancellationToken))
        {
            return;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var (type, channel, locale, subject, body) in Defaults)
        {
            db.Templates.Add(new NotificationTemplate
            {
                Id = Ids.New("tpl"),
                EventType = type,
                Channel = channel,
                Locale = locale,
                Subject = subject,
                Body = body,
                CreatedAt = now,
                UpdatedAt = now,
            });
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
            LogSeeded(logger, Defaults.Count);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            // Another replica seeded them first.
            db.ChangeTracker.Clear();
        }
    }

    [LoggerMessage(EventId = 6100, Level = LogLevel.Information, Message = "Seeded {Count} notification templates (ko, en)")]
    private static partial void LogSeeded(ILogger logger, int count);
}
