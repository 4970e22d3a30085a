namespace Agora.Hosting;

/// <summary>Health tags: <c>live</c> checks the process only, <c>ready</c> its database, broker and dependencies.</summary>
public static class HealthTags
{
    /// <summary>Checks of the process itself.</summary>
    public const string Live = "live";

    /// <summary>Checks of what the service needs to serve (database, broker, …).</summary>
    public const string Ready = "ready";
}
