using System.Globalization;
using Agora.Web.Features.SignIn;
using Microsoft.AspNetCore.Mvc;

namespace Agora.Web.Features.Console;

/// <summary>
/// The catalogue page's forms, as form posts with the antiforgery token (a link from another site cannot press them):
/// <c>POST /console/catalogue/products</c> (create), <c>…/products/{id}</c> (edit), <c>…/{id}/status</c> (archive or
/// activate) and <c>…/{id}/stock</c> (set the available units, with a reason). Staff only
/// (<see cref="ConsoleAuthorization.Policy"/>), and Catalog decides again on the staff member's own token. Each answers
/// with a redirect to the page, which says what happened (<see cref="CatalogueOutcomes"/>); a refused change changed nothing.
/// </summary>
internal static class CatalogueActions
{
    public static IEndpointRouteBuilder MapCatalogueActions(this IEndpointRouteBuilder app)
    {
        // [FromForm] parameters make the endpoints read the form, which is what has ASP.NET Core validate the antiforgery
        // token (UseAntiforgery) before the handler runs.
        var group = app.MapGroup("/console/catalogue/products").RequireAuthorization(ConsoleAuthorization.Policy).ExcludeFromDescription();
        group.MapPost("", async (
            [FromForm] string? sku, [FromForm] string? name, [FromForm(Name = "name_ko")] string? nameKo, [FromForm] string? description,
            [FromForm] string? price, [FromForm] string? currency, [FromForm(Name = "category_id")] string? categoryId, [FromForm] string? status,
            HttpContext context, TokenStore tokens, CatalogueClient catalogue) =>
        {
            if (await tokens.AccessTokenAsync(context.User, context.RequestAborted) is not { } token)
            {
                return SignIn("/console/catalogue/new");
            }

            var form = new ProductForm(sku, name, nameKo, description, price, currency, categoryId, status is "active" ? "active" : "draft");
            var answer = await catalogue.CreateAsync(token, form, context.RequestAborted);
            return answer.Error is null && answer.ProductId is { } id
                ? Results.Redirect(Back(id, CatalogueOutcomes.Created, []))
                : Results.Redirect(Back("new", CatalogueOutcomes.Of(answer.Error, CatalogueOutcomes.Created), answer.Fields) + "&" + Refill(form));
        });
        group.MapPost("/{id}", async (
            string id, [FromForm] string? etag,
            [FromForm] string? sku, [FromForm] string? name, [FromForm(Name = "name_ko")] string? nameKo, [FromForm] string? description,
            [FromForm] string? price, [FromForm] string? currency, [FromForm(Name = "category_id")] string? categoryId,
            HttpContext context, TokenStore tokens, CatalogueClient catalogue) =>
        {
            if (await tokens.AccessTokenAsync(context.User, context.RequestAborted) is not { } token)
            {
                return SignIn(Page(id));
            }

            var form = new ProductForm(sku, name, nameKo, description, price, currency, categoryId, null);
            var answer = await catalogue.UpdateAsync(token, id, etag, form, context.RequestAborted);
            return Results.Redirect(Back(id, CatalogueOutcomes.Of(answer.Error, CatalogueOutcomes.Saved), answer.Fields));
        });
        group.MapPost("/{id}/status", async (
            string id, [FromForm] string? etag, [FromForm] string? status, HttpContext context, TokenStore tokens, CatalogueClient catalogue) =>
        {
            if (status is not ("active" or "discontinued"))
            {
                return Results.BadRequest();
            }

            if (await tokens.AccessTokenAsync(context.User, context.RequestAborted) is not { } token)
            {
                return SignIn(Page(id));
            }

            var answer = await catalogue.SetStatusAsync(token, id, etag, status, context.RequestAborted);
            var done = status == "active" ? CatalogueOutcomes.Activated : CatalogueOutcomes.Archived;
            return Results.Redirect(Back(id, CatalogueOutcomes.Of(answer.Error, done), answer.Fields));
        });
        group.MapPost("/{id}/stock", async (
            string id, [FromForm] string? available, [FromForm] string? reason, HttpContext context, TokenStore tokens, CatalogueClient catalogue) =>
        {
            if (!int.TryParse(available, NumberStyles.None, CultureInfo.InvariantCulture, out var units))
            {
                return Results.Redirect(Back(id, CatalogueOutcomes.Invalid, ["available"]));
            }

            var why = reason?.Trim() ?? "";
            if (why.Length == 0 || why.Length > CatalogueClient.MaxReason)
            {
                return Results.Redirect(Back(id, CatalogueOutcomes.ReasonMissing, []));
            }

            if (await tokens.AccessTokenAsync(context.User, context.RequestAborted) is not { } token)
            {
                return SignIn(Page(id));
            }

            var staff = context.User.FindFirst("sub")?.Value ?? context.User.Identity?.Name ?? "unknown";
            var answer = await catalogue.SetStockAsync(token, id, units, why, staff, context.RequestAborted);
            return Results.Redirect(Back(id, CatalogueOutcomes.Of(answer.Error, CatalogueOutcomes.Stocked), answer.Fields));
        });
        return app;
    }

    /// <summary>The page of a product (or <c>new</c>, the create form).</summary>
    public static string Page(string id) => "/console/catalogue/" + Uri.EscapeDataString(id);

    /// <summary>Back to <paramref name="id"/>'s page, saying what happened and which fields Catalog did not accept.</summary>
    public static string Back(string id, string outcome, IReadOnlyList<string> fields) =>
        Page(id) + "?outcome=" + outcome + (fields.Count == 0 ? "" : "&fields=" + Uri.EscapeDataString(string.Join(',', fields)));

    /// <summary>The longest description a refused create form gets back through its address.</summary>
    public const int MaxRefilledDescription = 1000;

    /// <summary>
    /// A refused create form's values as query parameters of the form's page, which fills them in again (nothing was
    /// created, so nothing is lost but the typing); a long description is cut to <see cref="MaxRefilledDescription"/>.
    /// </summary>
    public static string Refill(ProductForm form)
    {
        var description = form.Description is { Length: > MaxRefilledDescription } text ? text[..MaxRefilledDescription] : form.Description;
        (string Name, string? Value)[] fields =
        [
            ("sku", form.Sku), ("name", form.Name), ("name_ko", form.NameKo), ("description", description), ("price", form.Price),
            ("currency", form.Currency), ("category_id", form.CategoryId), ("status", form.Status),
        ];
        return string.Join('&', fields.Where(f => !string.IsNullOrEmpty(f.Value)).Select(f => f.Name + "=" + Uri.EscapeDataString(f.Value!)));
    }

    private static IResult SignIn(string returnUrl) => Results.Redirect("/signin?returnUrl=" + Uri.EscapeDataString(returnUrl));
}
