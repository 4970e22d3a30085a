using Agora.Auth;
using Microsoft.IdentityModel.Protocols;

namespace Agora.ServiceDefaults.Tests.Tls;

/// <summary>
/// Mutual TLS keeps Identity's issuer (<c>http://localhost:5101/</c>) while its port answers only TLS: documents the
/// discovery names under the issuer (the key set) are fetched from the authority, anything else as given.
/// </summary>
public sealed class IssuerToAuthorityRetrieverTests
{
    private sealed class Recorder : IDocumentRetriever
    {
        public List<string> Fetched { get; } = [];

        public Task<string> GetDocumentAsync(string address, CancellationToken cancel)
        {
            Fetched.Add(address);
            return Task.FromResult("{}");
        }
    }

    [Fact]
    public async Task The_key_set_named_under_the_issuer_is_fetched_from_the_authority_and_other_addresses_as_given()
    {
        var inner = new Recorder();
        var retriever = new IssuerToAuthorityRetriever("http://localhost:5101/", "https://localhost:5101/", inner);

        await retriever.GetDocumentAsync("http://localhost:5101/.well-known/jwks", CancellationToken.None);
        await retriever.GetDocumentAsync("https://localhost:5101/.well-known/openid-configuration", CancellationToken.None);
        await retriever.GetDocumentAsync("http://localhost:51010/.well-known/jwks", CancellationToken.None);

        Assert.Equal(["https://localhost:5101/.well-known/jwks", "https://localhost:5101/.well-known/openid-configuration",
            "http://localhost:51010/.well-known/jwks"], inner.Fetched);
    }

    [Fact]
    public void The_same_issuer_and_authority_change_nothing()
    {
        var retriever = new IssuerToAuthorityRetriever("https://id.example.com", "https://id.example.com/", new Recorder());

        Assert.Equal("https://id.example.com/.well-known/jwks", retriever.Map("https://id.example.com/.well-known/jwks"));
    }
}
