using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Agora.Web.Features.Shop;

namespace Agora.Web.Features.Console;

/// <summary>
/// The services' staff APIs through the gateway, with the signed-in staff member's access token: the console holds no
/// power of its own, so each service's authorization (role admin AND scope admin:ops) decides every call.
/// </summary>
public sealed partial class StaffClient(HttpClient http, ILogger<StaffClient> logger)
{
    /// <summary>
    /// The services with a dead-letter store, as the gateway routes their admin APIs
    /// (<c>/api/v1/admin/{service}/dead-letters</c> → the service's <c>/api/v1/admin/dead-letters</c>).
    /// </summary>
    public static readonly IReadOnlyList<string> Services = ["identity", "catalog", "ordering", "payment", "shipping", "notification", "search"];

    /// <summary>How many of one service's dead letters one console page shows (the API's largest page).</summary>
    public const int PerService = 100;

    /// <summary>
    /// Every service's dead letters (or those of <paramref name="service"/>, of <paramref name="messageType"/>), asked in
    /// parallel; a service that cannot answer shows its error beside the others' lists.
    /// </summary>
    public async Task<IReadOnlyList<ServiceDeadLetters>> DeadLettersAsync(string token, string? service, string? messageType, CancellationToken ct)
    {
        var services = string.IsNullOrEmpty(service) ? Services : Services.Where(s => s == service).ToList();
        var query = $"?per_page={PerService}" + (string.IsNullOrEmpty(messageType) ? "" : "&message_type=" + Uri.EscapeDataString(messageType));
        return await Task.WhenAll(services.Select(async s =>
        {
            var (body, error) = await SendAsync(HttpMethod.Get, $"/api/v1/admin/{s}/dead-letters{query}", token, ct);
            if (error is not null)
            {
                return new ServiceDeadLetters(s, [], 0, error);
            }

            var items = body!["data"].Deserialize<List<DeadLetter>>(ShopClient.Json) ?? [];
            return new ServiceDeadLetters(s, items, (long?)body["pagination"]?["total"] ?? items.Count, null);
        }));
    }

    public async Task<StaffResult<DeadLetterDetail>> DeadLetterAsync(string token, string service, string id, CancellationToken ct)
    {
        var (body, error) = await SendAsync(HttpMethod.Get, DeadLetterPath(service, id), token, ct);
        return error is null ? new(body!["data"].Deserialize<DeadLetterDetail>(ShopClient.Json), null) : new(default, error);
    }

    /// <summary>Hands the dead letter back to its handler, once (the service answers 202 and moves it within seconds).</summary>
    public async Task<StaffError?> ReplayAsync(string token, string service, string id, CancellationToken ct) =>
        (await SendAsync(HttpMethod.Post, DeadLetterPath(service, id) + "/replay", token, ct)).Error;

    /// <summary>Deletes the dead letter for good: its message is never handled.</summary>
    public async Task<StaffError?> DiscardAsync(string token, string service, string id, CancellationToken ct) =>
        (await SendAsync(HttpMethod.Delete, DeadLetterPath(service, id), token, ct)).Error;

    /// <summary>
    /// The orders of one console view (<see cref="SagaBoard"/>): Ordering's saga list per state
    /// (<c>/api/v1/admin/ordering/sagas?state=</c>) for in flight, stuck and failed; its order list by status
    /// (<c>/api/v1/orders?status=payment_pending</c>, every customer's for staff) for payment pending. At most
    /// <see cref="PerService"/> rows per list.
    /// </summary>
    public async Task<SagaView> SagasAsync(string token, string view, CancellationToken ct)
    {
        string[] paths = view switch
        {
            SagaBoard.PaymentPending => [$"/api/v1/orders?status=payment_pending&per_page={PerService}"],
            SagaBoard.Failed => [$"/api/v1/admin/ordering/sagas?state=failed&per_page={PerService}"],
            _ => [.. SagaBoard.InFlightStates.Select(state => $"/api/v1/admin/ordering/sagas?state={state}&per_page={PerService}")],
        };
        var answers = await Task.WhenAll(paths.Select(path => SendAsync(HttpMethod.Get, path, token, ct)));
        if (answers.FirstOrDefault(a => a.Error is not null).Error is { } error)
        {
            return new SagaView([], 0, error);
        }

        var rows = answers.SelectMany(a => a.Body!["data"].Deserialize<List<SagaRow>>(ShopClient.Json) ?? []).ToList();
        return new SagaView(rows, answers.Sum(a => (long?)a.Body!["pagination"]?["total"] ?? 0), null);
    }

    /// <summary>Any customer's order (Ordering lets staff read every order).</summary>
    public async Task<StaffResult<Order>> OrderAsync(string token, string id, CancellationToken ct)
    {
        var (body, error) = await SendAsync(HttpMethod.Get, "/api/v1/orders/" + Uri.EscapeDataString(id), token, ct);
        return error is null ? new(body!["data"].Deserialize<Order>(ShopClient.Json), null) : new(default, error);
    }

    /// <summary>The order's event stream, oldest first: its saga's timeline.</summary>
    public async Task<StaffResult<IReadOnlyList<OrderEvent>>> OrderEventsAsync(string token, string id, CancellationToken ct)
    {
        var (body, error) = await SendAsync(HttpMethod.Get, $"/api/v1/orders/{Uri.EscapeDataString(id)}/events", token, ct);
        return error is null ? new(body!["data"].Deserialize<List<OrderEvent>>(ShopClient.Json), null) : new(default, error);
    }

    /// <summary>How many rate-limited consumers the edge page lists.</summary>
    public const int TopRateLimited = 10;

    /// <summary>
    /// The gateway's own state (<c>GET /api/v1/admin/edge</c>): breakers and ejections per cluster, canaries, deprecation
    /// phases and the <see cref="TopRateLimited"/> consumers refused most. The gateway checks role and scope itself.
    /// </summary>
    public async Task<StaffResult<EdgeReport>> EdgeAsync(string token, CancellationToken ct)
    {
        var (body, error) = await SendAsync(HttpMethod.Get, $"/api/v1/admin/edge?top={TopRateLimited}", token, ct);
        return error is null ? new(body!["data"].Deserialize<EdgeReport>(ShopClient.Json), null) : new(default, error);
    }

    /// <summary>Whether <paramref name="service"/> is one of <see cref="Services"/> (a path segment the console builds).</summary>
    public static bool IsService(string? service) => service is not null && Services.Contains(service);

    private static string DeadLetterPath(string service, string id) =>
        IsService(service)
            ? $"/api/v1/admin/{service}/dead-letters/{Uri.EscapeDataString(id)}"
            : throw new ArgumentException($"Not a service with dead letters: {service}", nameof(service));

    private async Task<(JsonNode? Body, StaffError? Error)> SendAsync(HttpMethod method, string path, string token, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        try
        {
            using var response = await http.SendAsync(request, ct);
            var body = await GatewayCalls.ReadJsonAsync(response, ct);
            if (response.IsSuccessStatusCode)
            {
                return (body, null);
            }

            var status = (int)response.StatusCode;
            var error = new StaffError(status, (string?)body?["error"]?["code"] ?? "HTTP_" + status,
                (string?)body?["error"]?["message"] ?? response.ReasonPhrase ?? "The service did not answer.");
            LogFailed(logger, method.Method, path, status, error.Code);
            return (null, error);
        }
        catch (HttpRequestException e)
        {
            LogUnreachable(logger, method.Method, path, e);
            return (null, new StaffError(503, "GATEWAY_UNREACHABLE", "The gateway cannot be reached right now; try again in a moment."));
        }
        catch (Exception e) when (e is Polly.ExecutionRejectedException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            LogUnreachable(logger, method.Method, path, e);
            return (null, new StaffError(504, "GATEWAY_TIMEOUT", "The service took too long to answer; try again in a moment."));
        }
    }

    [LoggerMessage(EventId = 9450, Level = LogLevel.Information, Message = "Console: {Method} {Path} answered {Status} {Code}")]
    private static partial void LogFailed(ILogger logger, string method, string path, int status, string code);

    [LoggerMessage(EventId = 9451, Level = LogLevel.Warning, Message = "Console: {Method} {Path}: the gateway could not be reached")]
    private static partial void LogUnreachable(ILogger logger, string method, string path, Exception exception);
}
