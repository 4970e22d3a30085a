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

/// <summary>A key as the admin API lists it: never the key itself nor its hash.</summary>
public sealed record ApiKeyDto(
    [property: MaxLength(40), RegularExpression(ApiKeyDoc.IdPattern)] string Id,
    [property: MaxLength(ApiKeyDoc.NameMaxLength)] string Name,
    [property: MaxLength(8), RegularExpression(ApiKeyDoc.PrefixPattern)] string Prefix,
    [property: MaxLength(ApiKeyDoc.MaxScopes)] IReadOnlyList<string> Scopes,
    ApiKeyStatus Status,
    DateTime CreatedAt,
    [property: MaxLength(100), RegularExpression(ApiKeyDoc.SubjectPattern)] string CreatedBy,
    DateTime? ExpiresAt,
    DateTime? RevokedAt,
    DateTime? LastUsedAt)
{
    public static ApiKeyDto From(ApiKey k, DateTime now) =>
        new(k.Id, k.Name, k.Prefix, k.ScopeList, ApiKeys.StatusOf(k, now), k.CreatedAt, k.CreatedBy, k.ExpiresAt, k.RevokedAt, k.LastUsedAt);
}

/// <summary>The creation response: the key's view plus the plaintext <c>key</c>, shown this once only.</summary>
public sealed record CreatedApiKeyDto(
    [property: MaxLength(40), RegularExpression(ApiKeyDoc.IdPattern)] string Id,
    [property: MaxLength(ApiKeyDoc.NameMaxLength)] string Name,
    [property: MaxLength(8), RegularExpression(ApiKeyDoc.PrefixPattern)] string Prefix,
    [property: MaxLength(ApiKeyDoc.MaxScopes)] IReadOnlyList<string> Scopes,
    ApiKeyStatus Status,
    DateTime CreatedAt,
    [property: MaxLength(100), RegularExpression(ApiKeyDoc.SubjectPattern)] string CreatedBy,
    DateTime? ExpiresAt,
    [property: MaxLength(56), RegularExpression(ApiKeyDoc.KeyPattern)] string Key);

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
