using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Agora.Http;

/// <summary>ETags and conditional requests (<c>If-Match</c> → 412, <c>If-None-Match</c> → 304).</summary>
public static class Preconditions
{
    /// <summary>The strong ETag of a resource version.</summary>
    public static string ETag(int version) => $"\"{version}\"";

    /// <summary>True when the request has <c>If-Match</c> and none of its tags is the current one (nor <c>*</c>).</summary>
    public static bool IfMatchFails(HttpRequest request, string currentETag)
    {
        var header = request.Headers.IfMatch;
        if (header.Count == 0)
        {
            return false;
        }

        if (!EntityTagHeaderValue.TryParseList(header, out var tags))
        {
            return true;
        }

        var current = EntityTagHeaderValue.Parse(currentETag);
        return !tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(current, useStrongComparison: true));
    }

    /// <summary>
    /// 304 Not Modified, with the current ETag, when <c>If-None-Match</c> names <paramref name="currentETag"/> (the
    /// client's copy is current); otherwise null, and the endpoint answers the resource.
    /// </summary>
    public static StatusCodeHttpResult? NotModified(HttpRequest request, string currentETag)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!IfNoneMatchHits(request, currentETag))
        {
            return null;
        }

        request.HttpContext.Response.Headers.ETag = currentETag;
        return TypedResults.StatusCode(StatusCodes.Status304NotModified);
    }

    /// <summary>True when <c>If-None-Match</c> names the current tag: answer 304.</summary>
    public static bool IfNoneMatchHits(HttpRequest request, string currentETag)
    {
        var header = request.Headers.IfNoneMatch;
        if (header.Count == 0 || !EntityTagHeaderValue.TryParseList(header, out var tags))
        {
            return false;
        }

        var current = EntityTagHeaderValue.Parse(currentETag);
        return tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(current, useStrongComparison: false));
    }
}
