using System.ComponentModel.DataAnnotations;

namespace Agora.Identity.Features.Keys;

/// <summary>A signing or encryption key as the admin API shows it: never its private part.</summary>
public sealed record SigningKeyDto(
    [property: MaxLength(32), RegularExpression("^(sig|enc)-[0-9]{8}-[0-9a-f]{8}$")] string Id,
    [property: MaxLength(3), RegularExpression("^(sig|enc)$")] string Use,
    KeyStatus Status,
    DateTime CreatedAt,
    DateTime? RetiresAt);
