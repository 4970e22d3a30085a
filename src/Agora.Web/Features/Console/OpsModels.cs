namespace Agora.Web.Features.Console;

// Notification's templates and Identity's API keys and signing keys as the console reads them (snake_case JSON under
// "data"). Enums arrive as snake_case strings and stay strings here. Only the fields the pages show.

/// <summary>A field the service refused (a 422's <c>error.details</c>).</summary>
public sealed record StaffFieldError(string Field, string Message);

/// <summary>A value, its ETag when the service sent one, or the error and the fields it names.</summary>
public sealed record StaffAnswer<T>(T? Value, string? ETag, StaffError? Error, IReadOnlyList<StaffFieldError> Problems);

/// <summary>A notification template (<c>/api/v1/admin/notification-templates</c>) with the placeholders its event offers.</summary>
public sealed record NotificationTemplate(
    string Id, string EventType, string Channel, string Locale, string? Subject, string Body, IReadOnlyList<string> Placeholders,
    DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>A draft filled with the sample order in one language: subject (none for SMS), the body as sent, its text version.</summary>
public sealed record TemplatePreview(string Locale, string? Subject, string Body, string Text);

/// <summary>A partner API key as Identity lists it (never the key itself).</summary>
public sealed record ApiKeyRow(
    string Id, string Name, string Prefix, IReadOnlyList<string> Scopes, string Status, DateTime CreatedAt, string CreatedBy,
    DateTime? ExpiresAt, DateTime? RevokedAt, DateTime? LastUsedAt);

/// <summary>A key just created: its id, name and the key itself, which Identity shows this once only.</summary>
public sealed record CreatedApiKey(string Id, string Name, string Prefix, IReadOnlyList<string> Scopes, string Key);

/// <summary>One of the authorization server's keys: kid, use (sig, enc), status (next, current, retired), dates.</summary>
public sealed record SigningKey(string Id, string Use, string Status, DateTime CreatedAt, DateTime? RetiresAt);
