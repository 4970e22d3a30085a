namespace Agora.Web.Features.Console;

/// <summary><c>Web:Console</c>: what the console needs to know that no service's API tells it.</summary>
public sealed class ConsoleOptions
{
    public const string SectionName = "Web:Console";

    /// <summary>
    /// Ordering's saga step timeout (<c>Ordering:Saga:StepTimeout</c>, 15 s by default): an order in flight that has not
    /// changed for longer is shown as stuck.
    /// </summary>
    public TimeSpan StepTimeout { get; set; } = TimeSpan.FromSeconds(15);
}
