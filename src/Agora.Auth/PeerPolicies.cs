using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using Agora.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Agora.Auth;

/// <summary>
/// Issue 14: which service is calling, from the client certificate of mutual TLS (<c>Agora:Tls:Mode=Mutual</c>). The
/// certificate was already checked at the handshake (chained to the project CA only); its CN is the calling service's
/// name (<c>scripts/certs.sh</c>). <c>policy.RequirePeer("ordering")</c> admits only calls over a connection
/// authenticated as Ordering: another service's certificate is 403 (PERMISSION_DENIED over gRPC), logged once per peer
/// and path. With mutual TLS off (the embedded mode on loopback, or a mesh) the requirement is met: the token still decides.
/// </summary>
public static class PeerPolicies
{
    /// <summary>Requires, in Mutual mode, a connection authenticated as one of <paramref name="services"/>.</summary>
    public static AuthorizationPolicyBuilder RequirePeer(this AuthorizationPolicyBuilder policy, params string[] services)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.AddRequirements(new PeerRequirement(services));
    }

    /// <summary>Registers the handler of <see cref="PeerRequirement"/> (<c>AddAgoraAuthentication</c> does).</summary>
    public static IServiceCollection AddPeerAuthorization(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, PeerRequirementHandler>());
        return services;
    }

    /// <summary>The calling service named by the connection's client certificate, or null (none, or mutual TLS off).</summary>
    public static string? Peer(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Connection.ClientCertificate?.GetNameInfo(X509NameType.SimpleName, forIssuer: false) is { Length: > 0 } name ? name : null;
    }
}

/// <summary>A connection authenticated as one of <see cref="Services"/> (mutual TLS); met by anything when it is off.</summary>
public sealed class PeerRequirement(IReadOnlyList<string> services) : IAuthorizationRequirement
{
    /// <summary>The services admitted.</summary>
    public IReadOnlyList<string> Services { get; } = services;
}

/// <summary>Checks <see cref="PeerRequirement"/> against the connection's client certificate.</summary>
internal sealed partial class PeerRequirementHandler(IConfiguration configuration, ILogger<PeerRequirementHandler> logger) : AuthorizationHandler<PeerRequirement>
{
    private readonly bool _mutual = AgoraTlsOptions.From(configuration).Mutual;
    private readonly ConcurrentDictionary<string, byte> _logged = new(StringComparer.Ordinal);

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, PeerRequirement requirement)
    {
        if (!_mutual)
        {
            context.Succeed(requirement);
            return Task.CompletedTask;
        }

        var http = context.Resource as HttpContext;
        var peer = http?.Peer();
        if (peer is not null && requirement.Services.Contains(peer, StringComparer.Ordinal))
        {
            context.Succeed(requirement);
            return Task.CompletedTask;
        }

        var path = http?.Request.Path.Value ?? "?";
        if (_logged.Count < 4096 && _logged.TryAdd($"{peer}|{path}", 0))
        {
            Forbidden(logger, peer ?? "(no client certificate)", path, string.Join(", ", requirement.Services));
        }

        context.Fail(new AuthorizationFailureReason(this, $"Only {string.Join(", ", requirement.Services)} may call this."));
        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "Peer {Peer} may not call {Path} (only {Allowed}): 403; logged once per peer and path")]
    private static partial void Forbidden(ILogger logger, string peer, string path, string allowed);
}
