namespace Agora.Gateway.Features.Security;

/// <summary>
/// Headers on every answer that leaves the edge, the gateway's own and the services' alike, set as the response starts
/// (after a proxied answer's headers were copied, and after any error page cleared the response):
/// <c>X-Content-Type-Options: nosniff</c> always; <c>Referrer-Policy: no-referrer</c>, <c>X-Frame-Options: DENY</c> and a
/// <c>Content-Security-Policy</c> unless the service set its own. The policy fits what is answered: JSON allows nothing
/// (<see cref="ApiPolicy"/>), the <c>/docs</c> page what its UI needs (<see cref="DocsPolicy"/>), another HTML page (the
/// login and consent pages) its own styles and forms (<see cref="PagePolicy"/>); none of them may be framed.
/// </summary>
internal static class SecurityHeaders
{
    /// <summary>An API answer loads nothing, runs nothing and is framed nowhere.</summary>
    public const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    /// <summary>
    /// The Scalar UI at <c>/docs</c>: its scripts and the documents from this origin, its inline start-up script and
    /// styles, its fonts from fonts.scalar.com; "try it" calls go to this origin only.
    /// </summary>
    public const string DocsPolicy = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
        + "img-src 'self' data: https:; font-src 'self' data: https://fonts.scalar.com; connect-src 'self'; worker-src 'self' blob:; "
        + "object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    /// <summary>Server-rendered pages (sign-in, consent): their own inline styles and same-origin resources only.</summary>
    public const string PagePolicy = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; "
        + "base-uri 'none'; frame-ancestors 'none'";

    public static Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        context.Response.OnStarting(static state =>
        {
            Apply((HttpContext)state);
            return Task.CompletedTask;
        }, context);
        return next();
    }

    private static void Apply(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        if (!headers.ContainsKey("Referrer-Policy"))
        {
            headers["Referrer-Policy"] = "no-referrer";
        }

        if (!headers.ContainsKey(Microsoft.Net.Http.Headers.HeaderNames.XFrameOptions))
        {
            headers.XFrameOptions = "DENY";
        }

        if (!headers.ContainsKey(Microsoft.Net.Http.Headers.HeaderNames.ContentSecurityPolicy))
        {
            headers.ContentSecurityPolicy =
                context.Request.Path.StartsWithSegments("/docs", StringComparison.OrdinalIgnoreCase)
                && !context.Request.Path.StartsWithSegments("/docs/openapi", StringComparison.OrdinalIgnoreCase) ? DocsPolicy
                : context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true ? PagePolicy
                : ApiPolicy;
        }
    }
}
