using System.Net;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;

namespace Agora.Identity.Features.Account;

/// <summary>Server-rendered pages (no JavaScript): login and consent. Every value is HTML-encoded.</summary>
internal static class Pages
{
    private static string E(string? value) => WebUtility.HtmlEncode(value ?? "");

    private static string Layout(string title, string body) => $$"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{E(title)}} · Agora</title>
        <style>body{font-family:system-ui,sans-serif;max-width:24rem;margin:4rem auto;padding:0 1rem}label,input,button{display:block;width:100%;margin:.4rem 0}input{padding:.5rem}button{padding:.6rem}.error{color:#b00}</style>
        </head><body><h1>{{E(title)}}</h1>{{body}}</body></html>
        """;

    private static string Antiforgery(HttpContext context)
    {
        var tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        return $"""<input type="hidden" name="{E(tokens.FormFieldName)}" value="{E(tokens.RequestToken)}">""";
    }

    public static string Login(HttpContext context, string returnUrl, string? error, string? email) => Layout("Sign in", $"""
        {(error is null ? "" : $"<p class=\"error\" role=\"alert\">{E(error)}</p>")}
        <form method="post" action="/account/login">
          {Antiforgery(context)}
          <input type="hidden" name="return_url" value="{E(returnUrl)}">
          <label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required value="{E(email)}">
          <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
          <button type="submit">Sign in</button>
        </form>
        """);

    public static string Consent(HttpContext context, string clientName, OpenIddictRequest request, IEnumerable<string> granted)
    {
        var hidden = new StringBuilder();
        foreach (var (key, value) in request.GetParameters())
        {
            hidden.Append($"""<input type="hidden" name="{E(key)}" value="{E(value.ToString())}">""");
        }

        // What the client will actually get (ScopePolicy), not what it asked for.
        var scopes = string.Join("", granted.Select(s => $"<li>{E(s)}</li>"));
        return Layout("Allow access?", $"""
            <p><strong>{E(clientName)}</strong> asks for:</p><ul>{scopes}</ul>
            <form method="post" action="/connect/authorize">
              {Antiforgery(context)}{hidden}
              <button type="submit" name="consent" value="grant">Allow</button>
              <button type="submit" name="consent" value="deny">Deny</button>
            </form>
            """);
    }
}
