using Microsoft.IdentityModel.Protocols;

namespace Agora.Auth;

/// <summary>
/// Mutual TLS (issue 14): Identity's tokens and discovery document keep the issuer clients know
/// (<c>http://localhost:5101/</c> in the local distributed mode), while its port answers only TLS and the services reach
/// it at the authority (<c>https://localhost:5101/</c>). The discovery document names the key set under the issuer
/// (<c>{issuer}.well-known/jwks</c>); this retriever fetches any address under the issuer from the same path under the
/// authority, so the keys come over the pinned, mutually authenticated connection. Addresses elsewhere are fetched as given.
/// </summary>
public sealed class IssuerToAuthorityRetriever(string issuer, string authority, IDocumentRetriever inner) : IDocumentRetriever
{
    private readonly string _issuer = WithSlash(issuer);
    private readonly string _authority = WithSlash(authority);

    /// <summary>The address actually fetched for <paramref name="address"/>.</summary>
    public string Map(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return !string.Equals(_issuer, _authority, StringComparison.Ordinal) && address.StartsWith(_issuer, StringComparison.OrdinalIgnoreCase)
            ? _authority + address[_issuer.Length..]
            : address;
    }

    /// <inheritdoc />
    public Task<string> GetDocumentAsync(string address, CancellationToken cancel) => inner.GetDocumentAsync(Map(address), cancel);

    private static string WithSlash(string url) => url.EndsWith('/') ? url : url + "/";
}
