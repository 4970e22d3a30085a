using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Agora.ServiceDefaults.Hosting;

/// <summary>
/// The secrets the README publishes for the Development environment: the demo users' passwords, the demo clients'
/// secrets and the AppHost's carrier-webhook secret. Anyone can read them, so a service outside Development refuses to
/// start when any setting holds one of them (or asks for the demo accounts), naming the setting.
/// </summary>
public static class DemoSecrets
{
    /// <summary>The published values.</summary>
    public static readonly IReadOnlyList<string> Values =
    [
        "Admin!2345", "Customer!2345", "agora-scripts-secret", "agora-admin-secret", "agora-dev-carrier-webhook-secret",
    ];

    /// <summary>Settings that turn demo data on; outside Development they must not be true.</summary>
    public static readonly IReadOnlyList<string> DemoSwitches = ["Identity:SeedDemoAccounts", "Agora:DemoAccounts"];

    /// <summary>
    /// Throws <see cref="InvalidOperationException"/> outside Development when a setting holds a demo secret; called by
    /// <c>AddServiceDefaults</c>, so every service checks before it starts.
    /// </summary>
    public static void EnsureNoneOutsideDevelopment(IConfiguration configuration, IHostEnvironment environment)
    {
        if (environment.IsDevelopment())
        {
            return;
        }

        foreach (var (key, value) in configuration.AsEnumerable())
        {
            if (value is null)
            {
                continue;
            }

            if (Values.Contains(value.Trim(), StringComparer.Ordinal))
            {
                throw new InvalidOperationException(
                    $"Refusing to start in the '{environment.EnvironmentName}' environment: the setting '{key}' holds a published demo secret. "
                    + "Set a real secret (from a secret store), or run with ASPNETCORE_ENVIRONMENT=Development.");
            }

            if (DemoSwitches.Contains(key, StringComparer.OrdinalIgnoreCase) && bool.TryParse(value, out var on) && on)
            {
                throw new InvalidOperationException(
                    $"Refusing to start in the '{environment.EnvironmentName}' environment: the setting '{key}' asks for the demo accounts, "
                    + "which exist only with ASPNETCORE_ENVIRONMENT=Development.");
            }
        }
    }
}
