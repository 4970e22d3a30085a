using System.Globalization;
using Agora.Gateway.RateLimiting.Partitioning;
using Agora.Gateway.RateLimiting.Policies;
using Agora.Gateway.RateLimiting.Stores;
using Agora.ServiceDefaults.Http;
using Microsoft.AspNetCore.Http;

namespace Agora.Gateway.RateLimiting;

/// <summary>
/// Runs the endpoint's policy for the request's consumer, writes the rate limit headers, and answers 429 (or 503 when
/// a fail-closed policy's store is down) in the error envelope. Synchronous when the store answers synchronously
/// (the local store), so the hot path allocates little more than the partition key and the header values.
/// </summary>
internal sealed class RateLimitingMiddleware(
    RequestDelegate next,
    RateLimitPolicyRegistry registry,
    ConsumerPartitioner partitioner,
    RateLimitTelemetry telemetry,
    TimeProvider time)
{
    public const string LimitHeader = "X-RateLimit-Limit";
    public const string RemainingHeader = "X-RateLimit-Remaining";
    public const string ResetHeader = "X-RateLimit-Reset";
    public const string PolicyHeader = "RateLimit-Policy";
    public const string RateLimitHeader = "RateLimit";

    public Task InvokeAsync(HttpContext context)
    {
        var policy = registry.Resolve(context.GetEndpoint());
        if (policy is null)
        {
            return next(context);
        }

        var partition = partitioner.GetPartition(context);
        ValueTask<RateLimitDecision> pending;
        try
        {
            pending = policy.Store.AcquireAsync(policy, partition, context.RequestAborted);
        }
        catch (RateLimitStoreUnavailableException ex)
        {
            return StoreFailed(context, policy, ex);
        }

        return pending.IsCompletedSuccessfully
            ? Decided(context, policy, pending.Result)
            : Awaited(context, policy, pending);
    }

    private async Task Awaited(HttpContext context, RateLimitPolicy policy, ValueTask<RateLimitDecision> pending)
    {
        RateLimitDecision decision;
        try
        {
            decision = await pending;
        }
        catch (RateLimitStoreUnavailableException ex)
        {
            await StoreFailed(context, policy, ex);
            return;
        }

        await Decided(context, policy, decision);
    }

    private Task Decided(HttpContext context, RateLimitPolicy policy, RateLimitDecision decision)
    {
        telemetry.Decided(policy, decision.Allowed);
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (decision.Allowed)
        {
            // Written as the response starts, so an error page that clears the response (the gateway's 502/504
            // envelope, ServiceDefaults' exception envelope) still carries them.
            context.Response.OnStarting(
                static state =>
                {
                    var s = (PendingHeaders)state;
                    WriteHeaders(s.Context.Response.Headers, s.Policy, s.Decision, s.NowMs);
                    return Task.CompletedTask;
                },
                new PendingHeaders(context, policy, decision, nowMs));
            return next(context);
        }

        WriteHeaders(context.Response.Headers, policy, decision, nowMs);

        var retryAfter = Seconds(decision.RetryAfterMs);
        context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        return ApiResults.Error(StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited,
                $"Too many requests: rate limit '{policy.Name}' is exhausted; retry after {retryAfter} s.")
            .ExecuteAsync(context);
    }

    private Task StoreFailed(HttpContext context, RateLimitPolicy policy, RateLimitStoreUnavailableException exception)
    {
        telemetry.StoreFailed(policy, exception);
        if (policy.FaultTolerant)
        {
            // Fail open (Kong's fault_tolerant): the count is unknown, so no rate limit headers are claimed.
            return next(context);
        }

        context.Response.Headers.RetryAfter = "1";
        return ApiResults.Error(StatusCodes.Status503ServiceUnavailable, ErrorCodes.ServiceUnavailable,
                "Rate limiting is temporarily unavailable, so this request cannot be admitted; retry shortly.")
            .ExecuteAsync(context);
    }

    /// <summary>
    /// <c>X-RateLimit-*</c> of the most restrictive window (Reset as Unix epoch seconds, as in the seed's example), and
    /// the IETF draft (draft-ietf-httpapi-ratelimit-headers-10) fields: <c>RateLimit-Policy: "name";q=100;w=60</c> and
    /// <c>RateLimit: "name";r=42;t=17</c> for every window (<c>t</c> in seconds from now).
    /// </summary>
    internal static void WriteHeaders(IHeaderDictionary headers, RateLimitPolicy policy, RateLimitDecision decision, long nowMs)
    {
        var tightest = decision.Tightest;
        headers[LimitHeader] = policy.Windows[decision.TightestIndex].LimitText;
        headers[RemainingHeader] = tightest.Remaining.ToString(CultureInfo.InvariantCulture);
        headers[ResetHeader] = ((nowMs + tightest.ResetMs + 999) / 1000).ToString(CultureInfo.InvariantCulture);
        headers[PolicyHeader] = policy.PolicyHeader;
        if (decision.Count == 1)
        {
            headers[RateLimitHeader] = string.Create(CultureInfo.InvariantCulture,
                $"\"{policy.Windows[0].IetfName}\";r={tightest.Remaining};t={Seconds(tightest.ResetMs)}");
            return;
        }

        var parts = new string[decision.Count];
        for (var i = 0; i < parts.Length; i++)
        {
            var window = decision[i];
            parts[i] = string.Create(CultureInfo.InvariantCulture,
                $"\"{policy.Windows[i].IetfName}\";r={window.Remaining};t={Seconds(window.ResetMs)}");
        }

        headers[RateLimitHeader] = string.Join(", ", parts);
    }

    private sealed record PendingHeaders(HttpContext Context, RateLimitPolicy Policy, RateLimitDecision Decision, long NowMs);

    /// <summary>Whole seconds, rounded up, never below 1 for a wait (a client must not retry at once).</summary>
    private static long Seconds(long ms) => Math.Max(1, (ms + 999) / 1000);
}
