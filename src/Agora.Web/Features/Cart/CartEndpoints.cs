using Agora.Web.Features.Shop;
using Agora.Web.Features.SignIn;
using Microsoft.AspNetCore.Mvc;

namespace Agora.Web.Features.Cart;

/// <summary>
/// The cart's form posts (antiforgery-checked, then back to a page): <c>POST /cart/add</c> puts a product in with the
/// name and price Catalog gives now (never the form's), <c>POST /cart/update</c> changes a line's quantity (0 removes it).
/// </summary>
internal static class CartEndpoints
{
    public static IEndpointRouteBuilder MapCartEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/cart/add", async (HttpContext context, CartStore carts, ShopClient shop,
            [FromForm] string productId, [FromForm] int? quantity, [FromForm] string? returnUrl) =>
        {
            var product = await shop.ProductAsync(productId, context.RequestAborted);
            if (product.Value is not { Status: "active" } found)
            {
                return Results.Redirect("/cart?error=" + Uri.EscapeDataString(product.Error?.Message ?? "That product cannot be ordered."));
            }

            await carts.AddAsync(CartStore.OwnerOf(context, create: true)!, found, Math.Clamp(quantity ?? 1, 1, CartStore.MaxQuantity), context.RequestAborted);
            return Results.Redirect(SignInEndpoints.LocalOnly(returnUrl ?? "/cart"));
        }).ExcludeFromDescription();

        app.MapPost("/cart/update", async (HttpContext context, CartStore carts, [FromForm] string productId, [FromForm] int quantity) =>
        {
            if (CartStore.OwnerOf(context, create: false) is { } owner)
            {
                await carts.SetQuantityAsync(owner, productId, quantity, context.RequestAborted);
            }

            return Results.Redirect("/cart");
        }).ExcludeFromDescription();
        return app;
    }
}
