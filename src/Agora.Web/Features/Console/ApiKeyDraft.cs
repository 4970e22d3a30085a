namespace Agora.Web.Features.Console;

/// <summary>The new-key form (<c>/console/api-keys</c>) as posted: a name and scopes separated by spaces or commas.</summary>
public sealed class ApiKeyDraft
{
    /// <summary>The scopes Identity lets a partner key hold (its service scopes); it refuses others with a 422.</summary>
    public static readonly IReadOnlyList<string> KnownScopes =
    [
        "read:catalog", "write:catalog", "write:inventory", "read:orders", "write:orders", "read:users", "write:users",
        "read:payments", "write:payments", "read:shipments", "write:shipments", "read:notifications",
    ];

    public string? Name { get; set; }

    public string? Scopes { get; set; } = "read:catalog";

    /// <summary>The scopes as a list: split on spaces and commas, each once, in the order written.</summary>
    public IReadOnlyList<string> ScopeList() =>
        [.. (Scopes ?? "").Split([' ', ',', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal)];
}
