namespace Agora.Contracts.Events;

/// <summary>A product was added to the catalogue. <c>Localized</c>: name and description in other languages by locale (<c>ko</c>); null or empty: English only.</summary>
public sealed record ProductCreated(
    Guid EventId, DateTimeOffset OccurredAt,
    string ProductId, string Sku, string Name, string Description, string CategoryId,
    decimal Price, string Currency, string Status,
    IReadOnlyDictionary<string, LocalizedProductText>? Localized = null) : IIntegrationEvent;

/// <summary>A product's details changed (the whole new state, <c>Localized</c> as in <see cref="ProductCreated"/>).</summary>
public sealed record ProductUpdated(
    Guid EventId, DateTimeOffset OccurredAt,
    string ProductId, string Sku, string Name, string Description, string CategoryId,
    decimal Price, string Currency, string Status, int Version,
    IReadOnlyDictionary<string, LocalizedProductText>? Localized = null) : IIntegrationEvent;

/// <summary>A product's name and description in one language.</summary>
public sealed record LocalizedProductText(string Name, string Description);

/// <summary>A product was removed from the catalogue.</summary>
public sealed record ProductDeleted(Guid EventId, DateTimeOffset OccurredAt, string ProductId) : IIntegrationEvent;

/// <summary>A product's price changed.</summary>
public sealed record PriceChanged(
    Guid EventId, DateTimeOffset OccurredAt,
    string ProductId, decimal OldPrice, decimal NewPrice, string Currency) : IIntegrationEvent;

/// <summary>A product's available or reserved stock changed.</summary>
public sealed record StockChanged(
    Guid EventId, DateTimeOffset OccurredAt,
    string ProductId, int Available, int Reserved, string Reason) : IIntegrationEvent;
