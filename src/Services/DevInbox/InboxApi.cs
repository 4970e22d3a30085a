using System.Text.Json;
using System.Text.Json.Nodes;

namespace Agora.DevInbox;

/// <summary>Body of <c>PUT /admin/behaviour</c>.</summary>
public sealed record InboxBehaviour(bool Refusing);

/// <summary>
/// The inbox over HTTP, in Agora's envelope (<c>{"data": …}</c>, errors <c>{"error": {"code", "message"}}</c>):
/// <list type="bullet">
/// <item><c>GET /api/v1/messages?channel=&amp;to=&amp;limit=</c>, <c>GET /api/v1/messages/{id}</c>, <c>DELETE /api/v1/messages</c>;</item>
/// <item><c>POST /webhooks/sms</c> and <c>POST /webhooks/push</c>: what Notification's webhook channels post to (a repeat
/// of an <c>Idempotency-Key</c> is answered without storing it twice, as a real provider would);</item>
/// <item><c>GET/PUT /admin/behaviour</c>: refuse every delivery for now (failure injection).</item>
/// </list>
/// </summary>
public static class InboxApi
{
    private const int MaxWebhookBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapInboxApi(this IEndpointRouteBuilder app)
    {
        var messages = app.MapGroup("/api/v1/messages");
        messages.MapGet("/", (Inbox inbox, string? channel, string? to, int? limit) =>
            limit is < 1 or > 1000
                ? Error(StatusCodes.Status400BadRequest, "VALIDATION_ERROR", "limit must be between 1 and 1000.")
                : Results.Json(new { Data = inbox.Find(channel, to, limit ?? 100) }));
        messages.MapGet("/{id:long}", (long id, Inbox inbox) => inbox.Get(id) is { } m
            ? Results.Json(new { Data = m })
            : Error(StatusCodes.Status404NotFound, "NOT_FOUND", $"No message {id}."));
        messages.MapDelete("/", (Inbox inbox) => Results.Json(new { Data = new { Deleted = inbox.Clear() } }));

        app.MapPost("/webhooks/{channel}", async (string channel, HttpRequest request, Inbox inbox) =>
        {
            if (channel is not ("sms" or "push"))
            {
                return Error(StatusCodes.Status404NotFound, "NOT_FOUND", "Webhooks are /webhooks/sms and /webhooks/push.");
            }

            if (inbox.Refusing)
            {
                return Error(StatusCodes.Status503ServiceUnavailable, "SERVICE_UNAVAILABLE", "The inbox is refusing deliveries for now (failure injection).");
            }

            if (request.ContentLength > MaxWebhookBytes)
            {
                return Error(StatusCodes.Status413PayloadTooLarge, "PAYLOAD_TOO_LARGE", $"At most {MaxWebhookBytes} bytes.");
            }

            JsonObject? payload;
            try
            {
                payload = await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted) as JsonObject;
            }
            catch (JsonException)
            {
                payload = null;
            }

            if (payload is null)
            {
                return Error(StatusCodes.Status400BadRequest, "VALIDATION_ERROR", "The body must be a JSON object.");
            }

            var key = request.Headers["Idempotency-Key"].ToString();
            var recipient = (payload["customer_id"] as JsonValue)?.ToString();
            var (message, replayed) = inbox.Add((id, now) => new CaughtMessage(
                id, channel, now, null, recipient is null ? [] : [recipient], (payload["title"] as JsonValue)?.ToString(),
                (payload[channel == "sms" ? "text" : "body"] as JsonValue)?.ToString(), null, payload, key.Length == 0 ? null : key),
                key.Length == 0 ? null : key);
            return Results.Json(new { Data = new { message.Id, Replayed = replayed } },
                statusCode: replayed ? StatusCodes.Status200OK : StatusCodes.Status201Created);
        });

        var admin = app.MapGroup("/admin");
        admin.MapGet("/behaviour", (Inbox inbox) => Results.Json(new { Data = new InboxBehaviour(inbox.Refusing) }));
        admin.MapPut("/behaviour", (InboxBehaviour body, Inbox inbox) =>
        {
            inbox.Refusing = body.Refusing;
            return Results.Json(new { Data = body });
        });
        return app;
    }

    private static IResult Error(int status, string code, string message) =>
        Results.Json(new { Error = new { Code = code, Message = message } }, statusCode: status);
}
