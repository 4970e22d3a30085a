using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Agora.Identity.Features.ApiKeys;

/// <summary>A key's state: revoked wins over expired.</summary>
public enum ApiKeyStatus
{
    Active,
    Revoked,
    Expired,
}

/// <summary>What every answer about a key says of it: never the key itself nor its hash.</summary>
public abstract record ApiKeyFacts(
    [property: MaxLength(40), RegularExpression(ApiKeyDoc.IdPattern)] string Id,
    [property: MaxLength(ApiKeyDoc.NameMaxLength)] string Name,
    [property: MaxLength(8), RegularExpression(ApiKeyDoc.PrefixPattern)] string Prefix,
    [property: MaxLength(ApiKeyDoc.MaxScopes)] IReadOnlyList<string> Scopes,
    ApiKeyStatus Status,
    DateTime CreatedAt,
    [property: MaxLength(100), RegularExpression(ApiKeyDoc.SubjectPattern)] string CreatedBy,
    DateTime? ExpiresAt);

/// <summary>A key as the admin API lists it, with when it was revoked and last used.</summary>
/// <remarks>Its own fields are ordered after the facts (JSON puts a derived record's first), as they always were.</remarks>
public sealed record ApiKeyDto(
    string Id, string Name, string Prefix, IReadOnlyList<string> Scopes, ApiKeyStatus Status, DateTime CreatedAt, string CreatedBy,
    DateTime? ExpiresAt, [property: JsonPropertyOrder(1)] DateTime? RevokedAt, [property: JsonPropertyOrder(1)] DateTime? LastUsedAt)
    : ApiKeyFacts(Id, Name, Prefix, Scopes, Status, CreatedAt, CreatedBy, ExpiresAt)
{
    public static ApiKeyDto From(ApiKey k, DateTime now) =>
        new(k.Id, k.Name, k.Prefix, k.ScopeList, ApiKeys.StatusOf(k, now), k.CreatedAt, k.CreatedBy, k.ExpiresAt, k.RevokedAt, k.LastUsedAt);
}

/// <summary>The creation response: the key's facts plus the plaintext <c>key</c>, shown this once only.</summary>
public sealed record CreatedApiKeyDto(
    string Id, string Name, string Prefix, IReadOnlyList<string> Scopes, ApiKeyStatus Status, DateTime CreatedAt, string CreatedBy,
    DateTime? ExpiresAt, [property: MaxLength(56), RegularExpression(ApiKeyDoc.KeyPattern), JsonPropertyOrder(1)] string Key)
    : ApiKeyFacts(Id, Name, Prefix, Scopes, Status, CreatedAt, CreatedBy, ExpiresAt);

/// <summary>What <c>POST /api/v1/api-keys</c> takes.</summary>
public sealed record CreateApiKeyInput(
    [property: MaxLength(ApiKeyDoc.NameMaxLength)] string? Name,
    [property: MaxLength(ApiKeyDoc.MaxScopes)] string[]? Scopes,
    DateTime? ExpiresAt = null);

/// <summary>The documented shape of keys and their fields (the OpenAPI limits; the handlers check the same).</summary>
internal static class ApiKeyDoc
{
    public const int NameMaxLength = 100;
    public const int MaxScopes = 32;
    public const string IdPattern = "^key_[A-Za-z0-9]+$";
    public const string PrefixPattern = "^[A-Za-z0-9_-]{8}$";
    public const string KeyPattern = "^agk_[A-Za-z0-9_-]{8}_[A-Za-z0-9_-]{43}$";
    public const string SubjectPattern = "^[A-Za-z0-9._:-]+$";
}

/// <summary>The verification answer; for unknown, revoked or expired keys only <c>active: false</c>.</summary>
public sealed record ApiKeyVerification(
    bool Active,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), MaxLength(40), RegularExpression(ApiKeyDoc.IdPattern)] string? KeyId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), MaxLength(ApiKeyDoc.NameMaxLength)] string? Name = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), MaxLength(ApiKeyDoc.MaxScopes)] IReadOnlyList<string>? Scopes = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTime? ExpiresAt = null);
