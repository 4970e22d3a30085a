using Microsoft.AspNetCore.Builder;

namespace Agora.Hosting;

/// <summary>
/// Endpoints a platform part brings with it, mapped by <c>MapDefaultEndpoints</c>: the part that registers the
/// services registers this too (<c>AddAgoraMessaging</c> registers the dead-letter admin API), so what gets mapped
/// follows from what the service added, not from <c>MapDefaultEndpoints</c> guessing at it.
/// </summary>
public interface IDefaultEndpoints
{
    /// <summary>Maps the endpoints on <paramref name="app"/>.</summary>
    void Map(WebApplication app);
}
