using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json.Nodes;
using Agora.Auth;
using Agora.Identity.Features.Clients;
using Agora.Identity.Features.Connect;
using Agora.Identity.Infrastructure;

namespace Agora.Identity.Tests;

/// <summary>
/// One list of API scopes: <see cref="ScopePolicy.Rules"/> (who may hold which scope, over the names in
/// <see cref="AgoraScopes"/>) is the source of <see cref="IdentityDefaults.ApiScopes"/>, which the authorization server
/// registers and clients' configurations are checked against. Each policy scope must be registered (discovery lists it),
/// accepted in a client's configuration, and grantable to someone through the configured clients; a scope added to one
/// list and not the other (as <c>admin:ops</c> once was missing from the defaults) fails here.
/// </summary>
public sealed class ScopeTableTests(EmbeddedIdentityFixture fixture) : IClassFixture<EmbeddedIdentityFixture>
{
    public static TheoryData<string> PolicyScopes => [.. ScopePolicy.Rules.Select(r => r.Scope)];

    [Fact]
    public void EveryNamedScope_HasARule_AndTheDefaultsAreTheRulesInOrder()
    {
        var named = typeof(AgoraScopes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!).ToList();

        Assert.Equal(named.Order(StringComparer.Ordinal), ScopePolicy.Rules.Select(r => r.Scope).Order(StringComparer.Ordinal));
        Assert.Equal(ScopePolicy.Rules.Select(r => r.Scope), IdentityDefaults.ApiScopes);
        Assert.Equal(IdentityDefaults.ApiScopes.Count, IdentityDefaults.ApiScopes.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(ScopePolicy.Rules.Where(r => r.Service).Select(r => r.Scope), IdentityDefaults.ServiceScopes);
    }

    [Theory]
    [MemberData(nameof(PolicyScopes))]
    public async Task PolicyScope_IsRegistered_Configurable_AndGrantable(string scope)
    {
        var rule = Assert.Single(ScopePolicy.Rules, r => r.Scope == scope);

        // Registered: the authorization server announces it (and so accepts it in a request).
        using var client = fixture.App.CreateClient();
        var discovery = await client.GetFromJsonAsync<JsonObject>("/.well-known/openid-configuration");
        Assert.Contains(scope, discovery!["scopes_supported"]!.AsArray().Select(s => (string?)s));

        // Configurable: a client definition may list it.
        var definition = new ClientOptions { Type = ClientKind.Confidential, Secret = new string('s', 32), Scopes = [scope] };
        Assert.Empty(ClientRegistry.Problems("scope-check", definition, secretRequired: true));

        // Grantable: through one of the configured (demo) clients, to a service or to a user with the roles the rule names.
        var grantedThrough = DemoSeeder.Clients
            .Select(c => (Id: c.Key, Facts: new ClientFacts(c.Key, c.Value.Type == ClientKind.Confidential, c.Value.FirstParty,
                c.Value.Scopes.ToHashSet(StringComparer.Ordinal))))
            .Where(c => c.Facts.Allows(scope)
                && ((rule.Service && ScopePolicy.ServiceMayHold(scope, c.Facts))
                    || ScopePolicy.UserMayHold(scope, c.Facts, rule.Roles.Length > 0 ? rule.Roles : [AgoraRoles.Customer])))
            .Select(c => c.Id).ToList();
        Assert.True(grantedThrough.Count > 0, $"No configured client can obtain '{scope}'.");
    }
}
