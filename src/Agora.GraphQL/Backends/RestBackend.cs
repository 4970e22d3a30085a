using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Agora.Http;
using Microsoft.Extensions.Logging;

namespace Agora.GraphQL.Backends;

/// <summary>The <c>data</c> and <c>pagination</c> of a service's success envelope.</summary>
internal sealed record Envelope<T>(T? Data, PageInfo? Pagination);

/// <summary>The pagination block of a collection (guide §1.4).</summary>
internal sealed record PageInfo(int? Page, int? PerPage, long? Total, int? TotalPages, string? NextCursor);

internal sealed record ErrorEnvelope(ErrorBody? Error);

internal sealed record ErrorBody(string? Code, string? Message, List<ErrorDetail>? Details);

internal sealed record ErrorDetail(string? Field, string? Message);

/// <summary>
/// Calls one service's REST API with the caller's token and reads the Agora envelope; any error answer becomes a
/// <see cref="BackendException"/> carrying the service's code and field details. Named HTTP client
/// <c>agora-graphql-{service}</c>, so the host's resilience pipeline (ServiceDefaults) applies to it.
/// </summary>
internal sealed partial class RestBackend(IHttpClientFactory factory, CallerContext caller, ILogger<RestBackend> logger)
{
    /// <summary>snake_case names and enums, as every Agora API writes them.</summary>
    public static readonly JsonSerializerOptions Json = CreateJson();

    /// <summary>The HTTP client name of a service.</summary>
    public static string ClientName(string service) => "agora-graphql-" + service;

    private static JsonSerializerOptions CreateJson()
    {
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ApiJson.Configure(json);
        json.NumberHandling = JsonNumberHandling.AllowReadingFromString;
        return json;
    }

    /// <summary>GET; null on 404 when <paramref name="notFoundIsNull"/>.</summary>
    public Task<Envelope<T>?> GetAsync<T>(string service, string path, CancellationToken ct, bool notFoundIsNull = false) =>
        SendAsync<T>(service, HttpMethod.Get, path, null, null, notFoundIsNull, ct);

    public Task<Envelope<T>?> SendJsonAsync<T>(string service, HttpMethod method, string path, object body, string contentType, CancellationToken ct) =>
        SendAsync<T>(service, method, path, body, contentType, notFoundIsNull: false, ct);

    private async Task<Envelope<T>?> SendAsync<T>(string service, HttpMethod method, string path, object? body, string? contentType,
        bool notFoundIsNull, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        caller.Apply(request);
        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body, Json), Encoding.UTF8, contentType ?? "application/json");
        }

        HttpResponseMessage response;
        try
        {
            response = await factory.CreateClient(ClientName(service)).SendAsync(request, ct);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or Polly.CircuitBreaker.BrokenCircuitException
            or Polly.RateLimiting.RateLimiterRejectedException or Polly.Timeout.TimeoutRejectedException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            LogUnavailable(logger, service, method.Method, path, e.GetType().Name);
            throw BackendException.Unavailable(service, e);
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                return await response.Content.ReadFromJsonAsync<Envelope<T>>(Json, ct);
            }

            if (response.StatusCode == HttpStatusCode.NotFound && notFoundIsNull)
            {
                return null;
            }

            ErrorBody? error = null;
            try
            {
                error = (await response.Content.ReadFromJsonAsync<ErrorEnvelope>(Json, ct))?.Error;
            }
            catch (JsonException)
            {
                // Not an Agora envelope (a proxy's page); the status alone decides.
            }

            var status = (int)response.StatusCode;
            if (status >= 500)
            {
                LogUnavailable(logger, service, method.Method, path, "HTTP " + status);
                throw BackendException.Unavailable(service);
            }

            var code = BackendException.CodeFor(status, error?.Code);
            throw new BackendException(code, error?.Message ?? $"The {service} service refused the request ({status}).", service, status,
                error?.Code is { } c && c != code ? c : null,
                error?.Details?.Select(d => new BackendFieldError(d.Field ?? "", d.Message ?? "")).ToList());
        }
    }

    [LoggerMessage(EventId = 7100, Level = LogLevel.Warning, Message = "GraphQL: {Service} unavailable for {Method} {Path}: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string service, string method, string path, string reason);
}
