using System.Collections.Concurrent;

namespace Agora.GraphQL.Tests.Infrastructure;

/// <summary>
/// Counts the calls the GraphQL host makes to each backend (one <see cref="Handler"/> per HTTP or gRPC client, innermost,
/// so every attempt that goes out is counted), with the path of each, so a test can say "this query cost N calls".
/// </summary>
public sealed class BackendCalls
{
    private readonly ConcurrentQueue<(string Service, string Path)> _calls = new();

    /// <summary>Every call so far, in order.</summary>
    public IReadOnlyList<(string Service, string Path)> All => _calls.ToArray();

    public int Count(string service) => _calls.Count(c => c.Service == service);

    public void Clear() => _calls.Clear();

    public DelegatingHandler Handler(string service) => new Counting(this, service);

    private sealed class Counting(BackendCalls calls, string service) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            calls._calls.Enqueue((service, request.RequestUri!.PathAndQuery));
            return base.SendAsync(request, cancellationToken);
        }
    }
}
