namespace Agora.Web.Features.Hosting;

/// <summary>
/// Tells the gateway whose request this is: <c>X-Forwarded-For</c> with the visitor's address as the storefront believes
/// it (the connection's peer, or what a trusted ingress forwarded: <see cref="ProxyHeaders"/>). Without it every
/// visitor's call reaches the gateway from the storefront's one address, and the gateway's per-address limits (before
/// authentication, and for anonymous reads) count the whole shop's visitors as one consumer. The gateway believes the
/// header only from the networks in its <c>Agora:RateLimiting:TrustedProxies</c> (the storefront's and the ingress's);
/// a header the visitor sent is never passed on.
/// </summary>
internal sealed class VisitorAddress(IHttpContextAccessor accessor) : DelegatingHandler
{
    public const string Header = "X-Forwarded-For";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Remove(Header);
        if (accessor.HttpContext?.Connection.RemoteIpAddress is { } visitor)
        {
            request.Headers.TryAddWithoutValidation(Header, (visitor.IsIPv4MappedToIPv6 ? visitor.MapToIPv4() : visitor).ToString());
        }

        return base.SendAsync(request, cancellationToken);
    }
}
