using Agora.Primitives;
using Microsoft.AspNetCore.Http;

namespace Agora.Http;

/// <summary>The request id and correlation id of the current request (or message being handled).</summary>
public sealed record RequestIdentity(string RequestId, string CorrelationId);

/// <summary>
/// Ambient correlation for outgoing calls (HTTP, gRPC, messages). Flows with the async context,
/// so a handler, a background job or a test can set it and every outgoing call carries it.
/// </summary>
public static class CorrelationContext
{
    /// <summary>Header names (guide §9.1).</summary>
    public const string RequestIdHeader = "X-Request-ID";

    /// <summary>Correlation header; also carried as a message header.</summary>
    public const string CorrelationIdHeader = "X-Correlation-ID";

    private static readonly AsyncLocal<string?> Current = new();

    /// <summary>The correlation id of the work in progress, or null outside any request or message.</summary>
    public static string? CorrelationId
    {
        get => Current.Value;
        set => Current.Value = value;
    }

    /// <summary>An id sent by a client is kept only when it is 1–128 characters of [A-Za-z0-9-_.:] (<see cref="Ids.IsSane"/>).</summary>
    public static bool IsSane(ReadOnlySpan<char> value) => Ids.IsSane(value);

    /// <summary>A new, time-ordered, unguessable id with a prefix (<c>req_…</c>, <c>corr_…</c>; <see cref="Ids.New"/>).</summary>
    public static string NewId(string prefix) => Ids.New(prefix);
}

/// <summary>Access to the current <see cref="RequestIdentity"/>.</summary>
public static class RequestIdentityExtensions
{
    /// <summary>The request's identity; generated lazily if the middleware did not run (e.g. early failures).</summary>
    public static RequestIdentity GetRequestIdentity(this HttpContext context)
    {
        if (context.Features.Get<RequestIdentity>() is { } identity)
        {
            return identity;
        }

        identity = new RequestIdentity(CorrelationContext.NewId("req"), CorrelationContext.NewId("corr"));
        context.Features.Set(identity);
        return identity;
    }
}
