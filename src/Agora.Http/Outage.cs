namespace Agora.Http;

/// <summary>
/// A failure of something the service cannot work without that ends by itself, such as its database restarting.
/// <see cref="ErrorEnvelopeMiddleware"/> answers a request that failed with one <c>503 SERVICE_UNAVAILABLE</c> with
/// <c>Retry-After</c> and logs a Warning: the client did nothing wrong and the same request succeeds shortly, so
/// neither a 500 nor an Error log is the truth. Registered as a singleton per kind (the service's database:
/// <c>AddAgoraService</c>).
/// </summary>
/// <param name="What">What is unavailable, as the client reads it ("database").</param>
/// <param name="Matches">Whether an exception (with its inner exceptions) is this outage.</param>
public sealed record Outage(string What, Func<Exception, bool> Matches)
{
    /// <summary>Seconds a client should wait before trying again.</summary>
    public const int RetryAfterSeconds = 2;
}
