using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Agora.Hosting;

/// <summary>
/// The secrets the README publishes for the Development environment: the demo users' passwords, the demo clients'
/// secrets and the AppHost's carrier-webhook secret. Anyone can read them, so a service outside Development refuses to
/// start when any setting holds one of them (or asks for the demo accounts), naming the setting.
/// </summary>
public static class DemoSecrets
{
    /// <summary>The demo admin's password (Identity seeds it in Development).</summary>
    public const string AdminPassword = "Admin!2345";

    /// <summary>The demo customer's password.</summary>
    public const string CustomerPassword = "Customer!2345";

    /// <summary>The demo scripts-and-services client's secret (the AppHost's gateway uses it in Development).</summary>
    public const string ScriptsClientSecret = "agora-scripts-secret";

    /// <summary>The demo back-office client's secret.</summary>
    public const string AdminClientSecret = "agora-admin-secret";

    /// <summary>The storefront's OIDC client secret the AppHost hands Identity and the web app in Development.</summary>
    public const string WebClientSecret = "agora-storefront-demo-secret";

    /// <summary>The AppHost's development carrier-webhook secret.</summary>
    public const string CarrierWebhookSecret = "agora-dev-carrier-webhook-secret";

    /// <summary>The published values: Identity's demo data is seeded from the same constants, so none can drift.</summary>
    public static readonly IReadOnlyList<string> Values =
        [AdminPassword, CustomerPassword, ScriptsClientSecret, AdminClientSecret, CarrierWebhookSecret, WebClientSecret];

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
