namespace Agora.Identity.Features.Account;

/// <summary>
/// The login and consent pages may never be framed: a page of another site could lay its own buttons over "Allow"
/// (clickjacking). CSP <c>frame-ancestors 'none'</c> for current browsers, <c>X-Frame-Options: DENY</c> for old ones.
/// </summary>
internal static class FrameGuard
{
    public static void Apply(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = "frame-ancestors 'none'; default-src 'none'; style-src 'unsafe-inline'";
        response.Headers.XFrameOptions = "DENY";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.CacheControl = "no-store";
    }
}
