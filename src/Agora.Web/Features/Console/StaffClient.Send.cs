using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Agora.Web.Features.Shop;

namespace Agora.Web.Features.Console;

/// <summary>The staff calls that send a JSON body, honour ETags and read a 422's field details.</summary>
public sealed partial class StaffClient
{
    /// <summary>
    /// <paramref name="method"/> <paramref name="path"/> with the staff member's token, <paramref name="body"/> as JSON
    /// (snake_case) and <c>If-Match</c> when given; the answer's <c>data</c> as <typeparamref name="T"/> with its ETag, or
    /// the error and the fields it names.
    /// </summary>
    private async Task<StaffAnswer<T>> CallAsync<T>(
        HttpMethod method, string path, string token, object? body, string? ifMatch, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: ShopClient.Json);
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        try
        {
            using var response = await http.SendAsync(request, ct);
            var json = await GatewayCalls.ReadJsonAsync(response, ct);
            var etag = response.Headers.ETag?.ToString();
            if (response.IsSuccessStatusCode)
            {
                var value = json?["data"] is { } data ? data.Deserialize<T>(ShopClient.Json) : default;
                return new(value, etag, null, []);
            }

            var status = (int)response.StatusCode;
            var error = new StaffError(status, (string?)json?["error"]?["code"] ?? "HTTP_" + status,
                (string?)json?["error"]?["message"] ?? response.ReasonPhrase ?? "The service did not answer.");
            var problems = json?["error"]?["details"]?.Deserialize<List<StaffFieldError>>(ShopClient.Json) ?? [];
            LogFailed(logger, method.Method, path, status, error.Code);
            return new(default, null, error, problems);
        }
        catch (HttpRequestException e)
        {
            LogUnreachable(logger, method.Method, path, e);
            return new(default, null, new StaffError(503, "GATEWAY_UNREACHABLE", "The gateway cannot be reached right now; try again in a moment."), []);
        }
        catch (Exception e) when (e is Polly.ExecutionRejectedException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            LogUnreachable(logger, method.Method, path, e);
            return new(default, null, new StaffError(504, "GATEWAY_TIMEOUT", "The service took too long to answer; try again in a moment."), []);
        }
    }
}
