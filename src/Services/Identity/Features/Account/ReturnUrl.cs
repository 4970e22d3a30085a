namespace Agora.Identity.Features.Account;

/// <summary>Where the login page may send the browser back to.</summary>
internal static class ReturnUrl
{
    /// <summary>
    /// Only local paths, as ASP.NET Core's <c>IUrlHelper.IsLocalUrl</c> decides: "/" or "/x", never "//host", "/\host"
    /// or a control character anywhere (browsers drop tabs and newlines, so "/%09/evil.example" would become
    /// "//evil.example"). An open redirect on the login page would hand codes to anyone.
    /// </summary>
    internal static string Safe(string? url) => IsLocalUrl(url) ? url! : "/";

    internal static bool IsLocalUrl(string? url)
    {
        if (string.IsNullOrEmpty(url) || url[0] != '/')
        {
            return false;
        }

        if (url.Length == 1)
        {
            return true;
        }

        return url[1] is not ('/' or '\\') && !url.AsSpan(1).ContainsAnyInRange('\u0000', '\u001f') && !url.Contains('\u007f', StringComparison.Ordinal);
    }
}
