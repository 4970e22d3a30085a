namespace Agora.Contracts.Events;

/// <summary>
/// An integration event: a past-tense fact one service tells the others (docs/architecture.md §4). Records here are the
/// only types services share; adding members is fine, renaming or removing them breaks subscribers.
/// </summary>
public interface IIntegrationEvent
{
    /// <summary>Unique per event; subscribers deduplicate on it.</summary>
    Guid EventId { get; }

    /// <summary>When the change committed.</summary>
    DateTimeOffset OccurredAt { get; }
}
