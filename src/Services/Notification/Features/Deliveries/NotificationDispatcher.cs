using Agora.Notification.Channels;
using Agora.Notification.Features.Templates;

namespace Agora.Notification.Features.Deliveries;

/// <summary>
/// Sends one event's notification on each of its channels, at most once per (event, channel):
/// <list type="number">
/// <item>the delivery log row is created (unique per event id and channel; a second copy of the event finds it);</item>
/// <item>the row is claimed by a conditional update: not sent yet, and not being sent by another copy of the event
/// (a claim is the message envelope's id, so the same message retried or recovered after a crash takes it back, and it
/// lapses after <see cref="NotificationOptions.DeliveryLease"/>);</item>
/// <item>the template is rendered in the customer's locale (else the fallback) and handed to the channel;</item>
/// <item>the outcome is written: sent, or failed with the error. Each step commits at once, so a failure that makes
/// Wolverine retry or dead-letter the event still leaves its attempts and error in the log.</item>
/// </list>
/// A channel that fails for now fails the whole event after the other channels had their turn; the retry skips what was
/// sent. A permanent failure (no template, a refused address) is logged and not retried.
/// </summary>
public sealed partial class NotificationDispatcher(
    IServiceScopeFactory scopes,
    IEnumerable<INotificationChannel> channels,
    IOptionsMonitor<NotificationOptions> options,
    TimeProvider clock,
    ILogger<NotificationDispatcher> logger)
{
    private readonly INotificationChannel[] _channels = channels.ToArray();

    public async Task DispatchAsync(NotificationModel model, Guid envelopeId, CancellationToken ct)
    {
        List<string>? failures = null;
        Exception? first = null;
        foreach (var channel in options.CurrentValue.ChannelsFor(model.Type))
        {
            var sender = _channels.FirstOrDefault(c => c.Channel == channel);
            if (sender is null || !sender.IsEnabled)
            {
                continue;
            }

            try
            {
                await DeliverAsync(model, sender, envelopeId, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                (failures ??= []).Add($"{NotificationNames.Of(channel)}: {ex.Message}");
                first ??= ex;
            }
        }

        if (failures is not null)
        {
            throw new NotificationDeliveryException(
                $"{model.Type} {model.EventId} for order {model.OrderId} not delivered ({string.Join("; ", failures)})", first);
        }
    }

    private async Task DeliverAsync(NotificationModel model, INotificationChannel sender, Guid owner, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotificationDbContext>();
        var channel = sender.Channel;
        var now = clock.GetUtcNow().UtcDateTime;

        if (!await db.Deliveries.AnyAsync(d => d.EventId == model.EventId && d.Channel == channel, ct))
        {
            db.Deliveries.Add(new Delivery
            {
                Id = Ids.New("ntf"),
                EventId = model.EventId,
                EventType = model.Type,
                Channel = channel,
                CustomerId = Clip(model.Customer.CustomerId, 100),
                OrderId = Clip(model.OrderId, 100),
                Recipient = Clip(channel == NotificationChannel.Email ? model.Customer.Email : model.Customer.CustomerId, 320),
                Status = DeliveryStatus.Pending,
                CreatedAt = now,
                UpdatedAt = now,
            });
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
            {
                // Another copy of the event wrote it first; the claim below decides who sends.
            }

            db.ChangeTracker.Clear();
        }

        var leaseEnd = now + options.CurrentValue.DeliveryLease;
        var claimed = await db.Deliveries
            .Where(d => d.EventId == model.EventId && d.Channel == channel && d.Status != DeliveryStatus.Sent
                && (d.ClaimedBy == null || d.ClaimedBy == owner || d.ClaimedUntil < now))
            .ExecuteUpdateAsync(s => s
                .SetProperty(d => d.ClaimedBy, owner)
                .SetProperty(d => d.ClaimedUntil, leaseEnd)
                .SetProperty(d => d.Attempts, d => d.Attempts + 1)
                .SetProperty(d => d.Status, DeliveryStatus.Pending)
                .SetProperty(d => d.UpdatedAt, now), ct);
        if (claimed == 0)
        {
            LogSkipped(logger, model.Type, model.EventId, channel);
            return;
        }

        var delivery = await db.Deliveries.AsNoTracking().FirstAsync(d => d.EventId == model.EventId && d.Channel == channel, ct);
        OutgoingNotification? outgoing = null;
        try
        {
            outgoing = await RenderAsync(db, model, delivery, ct);
            await sender.SendAsync(outgoing, ct);
        }
        catch (PermanentDeliveryException ex)
        {
            await FinishAsync(db, delivery.Id, owner, DeliveryStatus.Failed, outgoing, ex.Message);
            LogPermanent(logger, delivery.Id, model.Type, model.EventId, channel, ex.Message);
            return;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            await FinishAsync(db, delivery.Id, owner, DeliveryStatus.Failed, outgoing, ex.Message);
            LogFailed(logger, delivery.Id, model.Type, model.EventId, channel, delivery.Attempts, ex.Message);
            throw;
        }

        await FinishAsync(db, delivery.Id, owner, DeliveryStatus.Sent, outgoing, null);
        LogSent(logger, delivery.Id, model.Type, model.EventId, channel, delivery.Attempts);
    }

    private async Task<OutgoingNotification> RenderAsync(NotificationDbContext db, NotificationModel model, Delivery delivery, CancellationToken ct)
    {
        var candidates = Locales.Candidates(model.Customer.Locale, options.CurrentValue.FallbackLocale);
        var templates = await db.Templates.AsNoTracking()
            .Where(t => t.EventType == model.Type && t.Channel == delivery.Channel && candidates.Contains(t.Locale))
            .ToListAsync(ct);
        var template = candidates.Select(c => templates.FirstOrDefault(t => t.Locale == c)).FirstOrDefault(t => t is not null)
            ?? throw new PermanentDeliveryException(
                $"No {NotificationNames.Of(delivery.Channel)} template for {NotificationNames.Of(model.Type)} in {string.Join(", ", candidates)}.");
        var (subject, body) = TemplateText.Fill(template.Subject, template.Body, delivery.Channel, model.Values);
        return new OutgoingNotification(
            delivery.Id, model.Type, delivery.Channel, delivery.CustomerId, model.Customer.Name ?? "", delivery.OrderId, delivery.Recipient,
            template.Locale, subject, body);
    }

    private async Task FinishAsync(NotificationDbContext db, string id, Guid owner, DeliveryStatus status, OutgoingNotification? sent, string? error)
    {
        // Written even when the handler is being cancelled: the log must say what happened.
        var now = clock.GetUtcNow().UtcDateTime;
        await db.Deliveries
            .Where(d => d.Id == id && d.ClaimedBy == owner)
            .ExecuteUpdateAsync(s =>
            {
                s.SetProperty(d => d.Status, status)
                    .SetProperty(d => d.LastError, error == null ? null : Clip(error, 1000))
                    .SetProperty(d => d.ClaimedBy, (Guid?)null)
                    .SetProperty(d => d.ClaimedUntil, (DateTime?)null)
                    .SetProperty(d => d.UpdatedAt, now);
                if (status == DeliveryStatus.Sent)
                {
                    s.SetProperty(d => d.SentAt, now);
                }

                if (sent is not null)
                {
                    s.SetProperty(d => d.Locale, sent.Locale)
                        .SetProperty(d => d.Subject, sent.Subject)
                        .SetProperty(d => d.Body, sent.Body);
                }
            }, CancellationToken.None);
    }

    private static string Clip(string? value, int max) => value is null ? "" : value.Length <= max ? value : value[..max];

    [LoggerMessage(EventId = 6200, Level = LogLevel.Information, Message = "Notification {DeliveryId} ({EventType} {EventId}, {Channel}) sent after {Attempts} attempt(s)")]
    private static partial void LogSent(ILogger logger, string deliveryId, NotificationEvent eventType, Guid eventId, NotificationChannel channel, int attempts);

    [LoggerMessage(EventId = 6201, Level = LogLevel.Warning, Message = "Notification {DeliveryId} ({EventType} {EventId}, {Channel}) failed on attempt {Attempts}: {Error}")]
    private static partial void LogFailed(ILogger logger, string deliveryId, NotificationEvent eventType, Guid eventId, NotificationChannel channel, int attempts, string error);

    [LoggerMessage(EventId = 6202, Level = LogLevel.Error, Message = "Notification {DeliveryId} ({EventType} {EventId}, {Channel}) cannot be sent and will not be retried: {Error}")]
    private static partial void LogPermanent(ILogger logger, string deliveryId, NotificationEvent eventType, Guid eventId, NotificationChannel channel, string error);

    [LoggerMessage(EventId = 6203, Level = LogLevel.Information, Message = "{EventType} {EventId} on {Channel}: already sent or being sent by another copy of the event; nothing to do")]
    private static partial void LogSkipped(ILogger logger, NotificationEvent eventType, Guid eventId, NotificationChannel channel);
}

/// <summary>Which template locales to try for a customer, best first.</summary>
public static class Locales
{
    /// <summary><c>ko_KR</c> → <c>ko-KR</c>, <c>ko</c>, then the fallback (<c>en</c>).</summary>
    public static List<string> Candidates(string? locale, string fallback)
    {
        var result = new List<string>(3);
        if (Normalize(locale) is { } l)
        {
            result.Add(l);
            if (l.Length > 2)
            {
                result.Add(l[..2]);
            }
        }

        if (!result.Contains(fallback))
        {
            result.Add(fallback);
        }

        return result;
    }

    /// <summary><c>ko</c> or <c>ko-KR</c>, or null when it is neither.</summary>
    public static string? Normalize(string? locale)
    {
        if (string.IsNullOrWhiteSpace(locale))
        {
            return null;
        }

        var parts = locale.Trim().Replace('_', '-').Split('-');
        if (parts[0].Length != 2 || !parts[0].All(char.IsAsciiLetter))
        {
            return null;
        }

        var language = parts[0].ToLowerInvariant();
        return parts.Length >= 2 && parts[1].Length == 2 && parts[1].All(char.IsAsciiLetter)
            ? language + "-" + parts[1].ToUpperInvariant()
            : language;
    }
}
