using System.Buffers;

namespace Agora.Primitives;

/// <summary>Opaque, prefixed, time-ordered ids (<c>prd_…</c>, <c>cat_…</c>): never sequential integers.</summary>
public static class Ids
{
    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:");

    /// <summary>A new, time-ordered, unguessable id with the given type prefix (<c>prd_…</c>, <c>req_…</c>).</summary>
    public static string New(string prefix) => string.Create(prefix.Length + 1 + 32, prefix, static (span, p) =>
    {
        p.AsSpan().CopyTo(span);
        span[p.Length] = '_';
        Guid.CreateVersion7().TryFormat(span[(p.Length + 1)..], out _, "N");
    });

    /// <summary>An id (or one sent by a client) is sane when it is 1–128 characters of [A-Za-z0-9-_.:].</summary>
    public static bool IsSane(ReadOnlySpan<char> value) =>
        value.Length is > 0 and <= 128 && !value.ContainsAnyExcept(Allowed);

    /// <summary>True if <paramref name="id"/> has the prefix and a sane body; a cheap 404 before touching the database.</summary>
    public static bool HasPrefix(string? id, string prefix) =>
        id is not null && id.Length > prefix.Length + 1 && id.Length <= 100
        && id.StartsWith(prefix, StringComparison.Ordinal) && id[prefix.Length] == '_'
        && IsSane(id);
}
