using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Agora.PspSimulator;

/// <summary>Body of <c>POST /v1/authorizations</c>.</summary>
public sealed record AuthorizeBody(string? Amount, string? Currency, string? Reference, string? Customer);

/// <summary>Body of <c>POST /v1/refunds</c>; no amount refunds what is left.</summary>
public sealed record RefundBody(string? AuthorizationId, string? Amount);

/// <summary>
/// The provider's API, modelled on Stripe's: every POST needs an <c>Idempotency-Key</c> and is done at most once per
/// key, so a client may retry any call after a timeout or a 503 without charging twice.
/// </summary>
public static partial class PspApi
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public static IEndpointRouteBuilder MapPspApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").AddEndpointFilter(Latency);
        v1.MapPost("/authorizations", Authorize);
        v1.MapPost("/authorizations/{id}/capture", (string id, HttpRequest request, PspLedger ledger) =>
            Keyed(request, ledger, $"capture {id}", () => ledger.Capture(id)));
        v1.MapPost("/authorizations/{id}/void", (string id, HttpRequest request, PspLedger ledger) =>
            Keyed(request, ledger, $"void {id}", () => ledger.Void(id)));
        v1.MapPost("/refunds", CreateRefund);
        v1.MapGet("/authorizations", (string? reference, string? customer, PspLedger ledger) => Reply(ledger.List(reference, customer)));
        v1.MapGet("/authorizations/{id}", (string id, PspLedger ledger) => Reply(ledger.Get(id)));
        v1.MapGet("/refunds", (string? authorization_id, PspLedger ledger) => Reply(ledger.ListRefunds(authorization_id)));
        return app;
    }

    /// <summary>
    /// Outage and error_rate act before anything is done; latency after the work and before the answer, which is
    /// the case idempotency keys exist for: the provider charged, the client timed out and does not know it.
    /// </summary>
    public static RequestDelegate Gate(RequestDelegate next) => async context =>
    {
        if (!context.Request.Path.StartsWithSegments("/v1"))
        {
            await next(context);
            return;
        }

        var control = context.RequestServices.GetRequiredService<PspControl>();
        control.CountRequest();
        if (control.Behaviour.Outage)
        {
            // A dead host: the connection goes away without a status line.
            context.Abort();
            return;
        }

        if (control.FailNow())
        {
            await Reply(Errors.Of(503, "api_error", "service_unavailable", "The provider is temporarily unavailable; retry with the same Idempotency-Key."))
                .ExecuteAsync(context);
            return;
        }

        await next(context);
    };

    private static async ValueTask<object?> Latency(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        var latency = context.HttpContext.RequestServices.GetRequiredService<PspControl>().Behaviour.LatencyMs;
        if (latency > 0)
        {
            try
            {
                await Task.Delay(latency, context.HttpContext.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The client gave up waiting; the work is done all the same, and its key will replay the answer.
            }
        }

        return result;
    }

    private static async Task<IResult> Authorize(HttpRequest request, PspLedger ledger)
    {
        var (body, error) = await ReadAsync<AuthorizeBody>(request);
        if (error is not null)
        {
            return Reply(error);
        }

        if (!TryAmount(body!.Amount, out var amount) || amount <= 0)
        {
            return Invalid("amount", "amount must be a positive decimal string such as \"50000\" or \"19.99\".");
        }

        if (body.Currency is null || !CurrencyPattern().IsMatch(body.Currency))
        {
            return Invalid("currency", "currency must be an ISO 4217 code such as KRW or USD.");
        }

        if (string.IsNullOrWhiteSpace(body.Reference) || body.Reference.Length > 200)
        {
            return Invalid("reference", "reference (your order id) is required, at most 200 characters.");
        }

        if (string.IsNullOrWhiteSpace(body.Customer) || body.Customer.Length > 200)
        {
            return Invalid("customer", "customer is required, at most 200 characters.");
        }

        var fingerprint = $"authorize {Fingerprint(amount)} {body.Currency} {body.Reference} {body.Customer}";
        return Keyed(request, ledger, fingerprint, () => ledger.Authorize(amount, body.Currency, body.Reference, body.Customer));
    }

    private static async Task<IResult> CreateRefund(HttpRequest request, PspLedger ledger)
    {
        var (body, error) = await ReadAsync<RefundBody>(request);
        if (error is not null)
        {
            return Reply(error);
        }

        if (string.IsNullOrWhiteSpace(body!.AuthorizationId))
        {
            return Invalid("authorization_id", "authorization_id is required.");
        }

        decimal? amount = null;
        if (body.Amount is not null)
        {
            if (!TryAmount(body.Amount, out var value) || value <= 0)
            {
                return Invalid("amount", "amount must be a positive decimal string.");
            }

            amount = value;
        }

        var fingerprint = $"refund {body.AuthorizationId} {(amount is { } a ? Fingerprint(a) : "all")}";
        return Keyed(request, ledger, fingerprint, () => ledger.Refund(body.AuthorizationId, amount));
    }

    private static IResult Keyed(HttpRequest request, PspLedger ledger, string fingerprint, Func<PspReply> action)
    {
        var key = request.Headers[IdempotencyKeyHeader].ToString();
        if (string.IsNullOrWhiteSpace(key) || key.Length > 255)
        {
            return Reply(Errors.Of(400, "invalid_request_error", "idempotency_key_required",
                "Every POST needs an Idempotency-Key header (1–255 characters)."));
        }

        return Reply(ledger.Idempotent(key, fingerprint, action));
    }

    private static async Task<(T? Body, PspReply? Error)> ReadAsync<T>(HttpRequest request) where T : class
    {
        try
        {
            var body = await request.ReadFromJsonAsync<T>(request.HttpContext.RequestAborted);
            return body is null ? (null, InvalidReply("body", "A JSON object is required.")) : (body, null);
        }
        catch (JsonException)
        {
            return (null, InvalidReply("body", "The body is not valid JSON for this request."));
        }
        catch (InvalidOperationException)
        {
            return (null, InvalidReply("body", "Send the body as application/json."));
        }
    }

    private static bool TryAmount(string? text, out decimal amount) =>
        decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out amount);

    /// <summary>"50000" and "50000.00" are the same amount, so the same request.</summary>
    private static string Fingerprint(decimal amount) => (amount / 1.000000000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);

    private static IResult Invalid(string param, string message) => Reply(InvalidReply(param, message));

    private static PspReply InvalidReply(string param, string message) =>
        new(400, new { Error = new { Type = "invalid_request_error", Code = "parameter_invalid", Param = param, Message = message } });

    public static IResult Reply(PspReply reply) => new ReplyResult(reply);

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyPattern();

    private sealed class ReplyResult(PspReply reply) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            if (reply.Replayed)
            {
                httpContext.Response.Headers["Idempotent-Replayed"] = "true";
            }

            return Results.Json(reply.Body, statusCode: reply.Status).ExecuteAsync(httpContext);
        }
    }
}
