namespace Agora.Web.Features.Console;

/// <summary>The dead-letter table's rules: one list across services, newest failure first, and what the page says.</summary>
public static class DeadLetterTable
{
    /// <summary>Every service's dead letters in one list, each marked with its service, the most recent failure first.</summary>
    public static IReadOnlyList<DeadLetter> Rows(IEnumerable<ServiceDeadLetters> lists) =>
        [.. lists.SelectMany(l => l.Items.Select(d => d with { Service = l.Service })).OrderByDescending(d => d.FailedAt).ThenBy(d => d.Service, StringComparer.Ordinal).ThenBy(d => d.Id, StringComparer.Ordinal)];

    /// <summary>The table's caption: how many are shown, and that a service holds more than one page shows.</summary>
    public static string Caption(IReadOnlyList<ServiceDeadLetters> lists, int shown)
    {
        var total = lists.Where(l => l.Error is null).Sum(l => l.Total);
        var more = lists.Where(l => l.Total > l.Items.Count).Select(l => l.Service).ToList();
        var caption = $"{shown} dead letter{(shown == 1 ? "" : "s")}, newest failure first";
        return more.Count == 0 ? caption : $"{caption}; showing {shown} of {total} ({string.Join(", ", more)} hold more than {StaffClient.PerService})";
    }

    /// <summary>What a replay or discard did (the redirect's <c>outcome</c>), as a sentence; null for none or an unknown one.</summary>
    public static string? Outcome(string? outcome, string? service, string? id)
    {
        var which = $"Dead letter {id} in {service}";
        return outcome switch
        {
            "replayed" => $"{which} was handed back to its handler; it leaves this list once the service has taken it (within seconds).",
            "discarded" => $"{which} was discarded: its message will not be handled.",
            "gone" => $"{which} is no longer there: it was replayed or discarded meanwhile.",
            "refused" => $"{service} refused: your sign-in no longer carries the staff role and scope. Sign in again.",
            "failed" => $"{service} could not act on dead letter {id} now; try again in a moment.",
            _ => null,
        };
    }
}
