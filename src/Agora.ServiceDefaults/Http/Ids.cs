namespace Agora.ServiceDefaults.Http;

/// <summary>Opaque, prefixed, time-ordered ids (<c>prd_…</c>, <c>cat_…</c>): never sequential integers.</summary>
public static class Ids
{
    /// <summary>A new id with the given type prefix.</summary>
    public static string New(string prefix) => CorrelationContext.NewId(prefix);

    /// <summary>True if <paramref name="id"/> has the prefix and a sane body; a cheap 404 before touching the database.</summary>
    public static bool HasPrefix(string? id, string prefix) =>
        id is not null && id.Length > prefix.Length + 1 && id.Length <= 100
        && id.StartsWith(prefix, StringComparison.Ordinal) && id[prefix.Length] == '_'
        && CorrelationContext.IsSane(id);
}
