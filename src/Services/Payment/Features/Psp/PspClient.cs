using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;

namespace Agora.Payment.Features.Psp;

/// <summary>How a call to the provider ended.</summary>
public enum PspOutcome
{
    /// <summary>Done (or done before: the provider replayed its answer for the idempotency key).</summary>
    Ok,

    /// <summary>The provider answered and said no (a decline, a lapsed authorization): final for this operation.</summary>
    Refused,

    /// <summary>No answer worth trusting (down, 5xx after the retries, timeouts, breaker open, bulkhead full): try later.</summary>
    Unavailable,
}

/// <summary>An authorization or refund as the provider reports it.</summary>
public sealed record PspObject(string Id, string? Status, string? Amount, string? Currency, string? Reference);

/// <summary>The result of one call: what the provider said, or why it could not be asked.</summary>
public sealed record PspResult(PspOutcome Outcome, PspObject? Value = null, string? Code = null, string? Message = null)
{
    public static PspResult Unavailable(string why) => new(PspOutcome.Unavailable, Message: why);

    public string Describe() => Outcome switch
    {
        PspOutcome.Ok => "ok " + Value?.Id,
        _ => $"{Code ?? "error"}: {Message}",
    };
}

/// <summary>
/// The provider's HTTP API (Stripe-like, see the PSP simulator), through the <c>psp</c> resilience pipeline
/// (<see cref="PspResilience"/>). Every POST carries the caller's idempotency key, which is what makes the pipeline's
/// retries safe. Never throws for a provider problem: it answers <see cref="PspOutcome.Unavailable"/>.
/// </summary>
public sealed class PspClient(HttpClient http)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public Task<PspResult> AuthorizeAsync(string idempotencyKey, decimal amount, string currency, string reference, string customer, CancellationToken ct) =>
        PostAsync("v1/authorizations", idempotencyKey, new { Amount = Format(amount), Currency = currency, Reference = reference, Customer = customer }, ct);

    public Task<PspResult> CaptureAsync(string idempotencyKey, string authorizationId, CancellationToken ct) =>
        PostAsync($"v1/authorizations/{Uri.EscapeDataString(authorizationId)}/capture", idempotencyKey, null, ct);

    public Task<PspResult> VoidAsync(string idempotencyKey, string authorizationId, CancellationToken ct) =>
        PostAsync($"v1/authorizations/{Uri.EscapeDataString(authorizationId)}/void", idempotencyKey, null, ct);

    public Task<PspResult> RefundAsync(string idempotencyKey, string authorizationId, decimal amount, CancellationToken ct) =>
        PostAsync("v1/refunds", idempotencyKey, new { AuthorizationId = authorizationId, Amount = Format(amount) }, ct);

    /// <summary>The provider's authorizations for a reference (the order id): how a void finds a hold whose answer was lost.</summary>
    public async Task<(PspOutcome Outcome, IReadOnlyList<PspObject> Items, string? Why)> ListAuthorizationsAsync(string reference, CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync("v1/authorizations?reference=" + Uri.EscapeDataString(reference), ct);
            if (!response.IsSuccessStatusCode)
            {
                return (PspOutcome.Unavailable, [], $"HTTP {(int)response.StatusCode}");
            }

            var list = await response.Content.ReadFromJsonAsync<PspList>(Json, ct);
            return (PspOutcome.Ok, list?.Data ?? [], null);
        }
        catch (Exception e) when (Unreachable(e, ct) is { } why)
        {
            return (PspOutcome.Unavailable, [], why);
        }
    }

    private async Task<PspResult> PostAsync(string path, string idempotencyKey, object? body, CancellationToken ct)
    {
        // StringContent can be sent again as it is, which the pipeline's retries do.
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(body is null ? "{}" : JsonSerializer.Serialize(body, Json), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        try
        {
            using var response = await http.SendAsync(request, ct);
            if (response.IsSuccessStatusCode)
            {
                var value = await response.Content.ReadFromJsonAsync<PspObject>(Json, ct);
                return value?.Id is null ? PspResult.Unavailable("the provider answered without an id") : new PspResult(PspOutcome.Ok, value);
            }

            var error = await ReadErrorAsync(response, ct);
            if (IsTransient(response.StatusCode))
            {
                return new PspResult(PspOutcome.Unavailable, Code: error?.Code ?? "http_" + (int)response.StatusCode,
                    Message: $"HTTP {(int)response.StatusCode} after retries");
            }

            return new PspResult(PspOutcome.Refused, Code: error?.Code ?? "http_" + (int)response.StatusCode,
                Message: error?.Message ?? response.ReasonPhrase);
        }
        catch (Exception e) when (Unreachable(e, ct) is { } why)
        {
            return PspResult.Unavailable(why);
        }
    }

    private static bool IsTransient(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    /// <summary>Why the provider could not be asked, or null for an exception that is ours (our own cancellation).</summary>
    private static string? Unreachable(Exception e, CancellationToken ct) => e switch
    {
        BrokenCircuitException => "circuit open",
        RateLimiterRejectedException => "bulkhead full",
        TimeoutRejectedException => "timed out",
        HttpRequestException h => "connection failed: " + (h.HttpRequestError == HttpRequestError.Unknown ? h.Message : h.HttpRequestError.ToString()),
        OperationCanceledException when !ct.IsCancellationRequested => "timed out",
        JsonException => "unreadable answer",
        _ => null,
    };

    private static async Task<PspErrorBody?> ReadErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            return (await response.Content.ReadFromJsonAsync<PspErrorEnvelope>(Json, ct))?.Error;
        }
        catch (JsonException)
        {
            return null;
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }

    private static string Format(decimal amount) => amount.ToString(CultureInfo.InvariantCulture);

    private sealed record PspList(List<PspObject>? Data);

    private sealed record PspErrorEnvelope(PspErrorBody? Error);

    private sealed record PspErrorBody(string? Type, string? Code, string? Message);
}
