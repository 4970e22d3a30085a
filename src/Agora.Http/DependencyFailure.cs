using Microsoft.AspNetCore.Http;

namespace Agora.Http;

/// <summary>
/// How a service says "I am fine; something I depend on is not" (docs/architecture.md §7). A 5xx answer that carries
/// <see cref="Header"/> (its value names the dependency, such as <c>catalog</c>) is passed to the client unchanged, but
/// the gateway does not count it against the service's circuit breaker nor its replica's outlier ejection, and never
/// retries it (every replica shares the dependency). The body is the usual error envelope: <see cref="Unavailable"/>
/// answers it.
/// </summary>
public static class DependencyFailure
{
    /// <summary>The response header: <c>X-Agora-Dependency-Failure: catalog</c>.</summary>
    public const string Header = "X-Agora-Dependency-Failure";

    /// <summary>
    /// 503 for a dependency's failure, not the service's own: error code
    /// <see cref="ErrorCodes.DependencyUnavailable"/>, <see cref="Header"/> naming <paramref name="dependency"/>, and
    /// <c>Retry-After</c>.
    /// </summary>
    public static ApiError Unavailable(HttpContext http, string dependency, string message)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Response.Headers.RetryAfter = "2";
        http.Response.Headers[Header] = dependency;
        return ApiResults.Error(StatusCodes.Status503ServiceUnavailable, ErrorCodes.DependencyUnavailable, message);
    }
}
