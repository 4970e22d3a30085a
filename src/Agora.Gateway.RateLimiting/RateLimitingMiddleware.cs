using System.Globalization;
using Agora.Http;
using Agora.Gateway.RateLimiting.Partitioning;
using Agora.Gateway.RateLimiting.Policies;
using Agora.Gateway.RateLimiting.Stores;
using Microsoft.AspNetCore.Http;

namespace Agora.Gateway.RateLimiting;

/// <summary>
/// Runs the endpoint's policy for the request's consumer, writes the rate limit headers, and answers 429 (or 503 when
/// a fail-closed policy's store is down) in the error envelope. Synchronous when the store answers synchronously
/// (the local store), so the hot path allocates little more than the partition key and the header values. A request the
/// pre-authentication stage already counted by address, and that is still anonymous after authentication (its
/// credentials failed), is not counted again.
/// </summary>
internal sealed class RateLimitingMiddleware(
    RequestDelegate next,
    RateLimitPolicyRegistry registry,
    ConsumerPartitioner partitioner,
    RateLimitResponder responder)
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
        if (context.Features.Get<PreCounted>() is { } pre && ReferenceEquals(pre.Policy, policy)
            && string.Equals(pre.Partition, partition, StringComparison.Ordinal))
        {
            return Admitted(context, policy, partition, pre.Decision);
        }

        ValueTask<RateLimitDecision> pending;
        try
        {
            pending = policy.Store.AcquireAsync(policy, partition, 1, context.RequestAborted);
        }
        catch (RateLimitStoreUnavailableException ex)
        {
            return StoreFailed(context, policy, ex);
        }

        return pending.IsCompletedSuccessfully
            ? Decided(context, policy, partition, pending.Result)
            : AwaitedAsync(context, policy, partition, pending);
    }

    private async Task AwaitedAsync(HttpContext context, RateLimitPolicy policy, string partition, ValueTask<RateLimitDecision> pending)
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

        await Decided(context, policy, partition, decision);
    }

    private Task Decided(HttpContext context, RateLimitPolicy policy, string partition, RateLimitDecision decision)
    {
        responder.Telemetry.Decided(policy, decision.Allowed);
        return decision.Allowed ? Admitted(context, policy, partition, decision) : responder.RefuseAsync(context, policy, partition, decision);
    }

    private Task Admitted(HttpContext context, RateLimitPolicy policy, string partition, RateLimitDecision decision)
    {
        var grant = new RateLimitGrant(responder, policy, partition, decision, responder.NowMs());
        context.Features.Set<IAgoraRateLimitFeature>(grant);

        // Written as the response starts, so an error page that clears the response (the gateway's 502/504
        // envelope, ServiceDefaults' exception envelope) still carries them.
        context.Response.OnStarting(
            static state =>
            {
                var (ctx, g) = ((HttpContext, RateLimitGrant))state;
                g.WriteHeaders(ctx.Response.Headers);
                return Task.CompletedTask;
            },
            (context, grant));
        return next(context);
    }

    private Task StoreFailed(HttpContext context, RateLimitPolicy policy, RateLimitStoreUnavailableException exception) =>
        responder.StoreFailedAsync(context, policy, exception, next);

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

    /// <summary>Whole seconds, rounded up, never below 1 for a wait (a client must not retry at once).</summary>
    internal static long Seconds(long ms) => Math.Max(1, (ms + 999) / 1000);
}

/// <summary>A request counted before authentication by its address (<see cref="PreAuthenticationRateLimitingMiddleware"/>).</summary>
internal sealed record PreCounted(RateLimitPolicy Policy, string Partition, RateLimitDecision Decision);

/// <summary>What answers refused requests and store failures, shared by both stages.</summary>
internal sealed class RateLimitResponder(RateLimitTelemetry telemetry, RateLimitedConsumers refused, TimeProvider time)
{
    public RateLimitTelemetry Telemetry => telemetry;

    /// <summary>The consumers refused most (the staff console's edge page).</summary>
    public RateLimitedConsumers Refused => refused;

    public long NowMs() => time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>429 <c>RATE_LIMITED</c> in the envelope, with the policy's headers and <c>Retry-After</c>; counted against <paramref name="partition"/>.</summary>
    public Task RefuseAsync(HttpContext context, RateLimitPolicy policy, string partition, RateLimitDecision decision)
    {
        refused.Rejected(partition, policy.Name);
        RateLimitingMiddleware.WriteHeaders(context.Response.Headers, policy, decision, NowMs());
        var retryAfter = RateLimitingMiddleware.Seconds(decision.RetryAfterMs);
        context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        return ApiResults.Error(StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited,
                $"Too many requests: rate limit '{policy.Name}' is exhausted; retry after {retryAfter} s.")
            .ExecuteAsync(context);
    }

    /// <summary>Fail open (Kong's <c>fault_tolerant</c>: the count is unknown, so no headers are claimed) or 503.</summary>
    public Task StoreFailedAsync(HttpContext context, RateLimitPolicy policy, RateLimitStoreUnavailableException exception, RequestDelegate next)
    {
        telemetry.StoreFailed(policy, exception);
        if (policy.FaultTolerant)
        {
            return next(context);
        }

        context.Response.Headers.RetryAfter = "1";
        return ApiResults.Error(StatusCodes.Status503ServiceUnavailable, ErrorCodes.ServiceUnavailable,
                "Rate limiting is temporarily unavailable, so this request cannot be admitted; retry shortly.")
            .ExecuteAsync(context);
    }
}

/// <summary>An admitted request's standing with its policy; further charges update what its headers say.</summary>
internal sealed class RateLimitGrant(RateLimitResponder responder, RateLimitPolicy policy, string partition, RateLimitDecision decision, long nowMs)
    : IAgoraRateLimitFeature
{
    private RateLimitDecision _decision = decision;
    private long _nowMs = nowMs;

    public string Policy => policy.Name;

    public async ValueTask<AgoraRateLimitCharge> TryAcquireAsync(int permits, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(permits);
        if (permits == 0)
        {
            return new AgoraRateLimitCharge(true, TimeSpan.Zero, _decision.Tightest.Remaining);
        }

        RateLimitDecision decision;
        try
        {
            decision = await policy.Store.AcquireAsync(policy, partition, permits, cancellationToken);
        }
        catch (RateLimitStoreUnavailableException ex)
        {
            responder.Telemetry.StoreFailed(policy, ex);
            return new AgoraRateLimitCharge(policy.FaultTolerant, policy.FaultTolerant ? TimeSpan.Zero : TimeSpan.FromSeconds(1), -1);
        }

        responder.Telemetry.Decided(policy, decision.Allowed);
        if (!decision.Allowed)
        {
            responder.Refused.Rejected(partition, policy.Name);
        }

        _decision = decision;
        _nowMs = responder.NowMs();
        var retry = decision.Allowed ? TimeSpan.Zero : TimeSpan.FromSeconds(RateLimitingMiddleware.Seconds(decision.RetryAfterMs));
        return new AgoraRateLimitCharge(decision.Allowed, retry, decision.Tightest.Remaining);
    }

    public void WriteHeaders(IHeaderDictionary headers)
    {
        RateLimitingMiddleware.WriteHeaders(headers, policy, _decision, _nowMs);
        if (!_decision.Allowed)
        {
            headers.RetryAfter = RateLimitingMiddleware.Seconds(_decision.RetryAfterMs).ToString(CultureInfo.InvariantCulture);
        }
    }
}
