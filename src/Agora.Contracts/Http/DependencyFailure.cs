namespace Agora.Contracts.Http;

/// <summary>
/// How a service says "I am fine; something I depend on is not" (docs/architecture.md §7). A 5xx answer that carries
/// <see cref="Header"/> (its value names the dependency, such as <c>catalog</c>) is passed to the client unchanged, but
/// the gateway does not count it against the service's circuit breaker nor its replica's outlier ejection, and never
/// retries it (every replica shares the dependency). The body is the usual error envelope, usually
/// <c>SERVICE_UNAVAILABLE</c> with <c>Retry-After</c>.
/// </summary>
public static class DependencyFailure
{
    /// <summary>The response header: <c>X-Agora-Dependency-Failure: catalog</c>.</summary>
    public const string Header = "X-Agora-Dependency-Failure";
}
