using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Agora.Hosting;

/// <summary>How a service runs: on local files (embedded) or on shared servers (distributed).</summary>
public enum AgoraMode
{
    /// <summary>SQLite file per service, Wolverine TCP transport, in-process cache and limits. The default.</summary>
    Embedded,

    /// <summary>PostgreSQL database per service, RabbitMQ, Redis.</summary>
    Distributed,
}

/// <summary>The <c>Agora</c> configuration section every service shares.</summary>
public sealed class AgoraOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Agora";

    /// <summary>The service's short name (<c>catalog</c>, <c>ordering</c>…); set by the service itself.</summary>
    [Required]
    public string ServiceName { get; set; } = "";

    /// <summary>Embedded (default) or distributed.</summary>
    public AgoraMode Mode { get; set; } = AgoraMode.Embedded;

    /// <summary>Where embedded-mode SQLite files live. Default <c>.agora/data</c> under the content root.</summary>
    public string DataDirectory { get; set; } = ".agora/data";

    /// <summary>Largest request body accepted, in bytes. Default 1 MiB; larger bodies get 413.</summary>
    [Range(1024, 256L * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Seed demo/reference data into an empty database at start. Default true.</summary>
    public bool SeedData { get; set; } = true;
}

/// <summary>Reading the <c>Agora</c> section while the host is being built.</summary>
public static class AgoraOptionsExtensions
{
    /// <summary>The bound <see cref="AgoraOptions"/> as configured at build time.</summary>
    public static AgoraOptions GetAgoraOptions(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Configuration.GetSection(AgoraOptions.SectionName).Get<AgoraOptions>() ?? new AgoraOptions();
    }

    /// <summary>
    /// The bound <see cref="AgoraOptions"/> for a part that names things after the service (its database, its queue):
    /// the service name is set by <c>AddServiceDefaults("name")</c> (or <c>Agora:ServiceName</c>), so a part called
    /// before it fails here with that said, instead of quietly naming its database <c>.db</c>.
    /// </summary>
    public static AgoraOptions RequireAgoraService(this IHostApplicationBuilder builder, string caller)
    {
        var options = builder.GetAgoraOptions();
        return string.IsNullOrWhiteSpace(options.ServiceName)
            ? throw new InvalidOperationException(
                $"{caller} needs the service's name: call AddServiceDefaults(\"name\") first, or set {AgoraOptions.SectionName}:{nameof(AgoraOptions.ServiceName)}.")
            : options;
    }
}
