using System.Security.Claims;
using System.Security.Cryptography;
using Agora.Web.Features.Shop;
using Agora.Web.Features.Storage;
using Microsoft.EntityFrameworkCore;

namespace Agora.Web.Features.Cart;

/// <summary>A cart as the pages show it.</summary>
public sealed record CartView(string Owner, IReadOnlyList<CartLineEntity> Lines)
{
    public int Count => Lines.Sum(l => l.Quantity);

    public IReadOnlyList<string> Totals => Prices.Totals(Lines.Select(l => (l.Amount, l.Currency, l.Quantity)));
}

/// <summary>
/// Server-side carts in the storefront's database, so a cart survives a restart. A customer's cart is keyed by their
/// subject; a visitor's by a random id in an HttpOnly cookie, and it joins the customer's cart at sign-in
/// (<see cref="AdoptVisitorCartAsync"/>).
/// </summary>
public sealed partial class CartStore(IDbContextFactory<WebDbContext> factory, TimeProvider clock, ILogger<CartStore> logger)
{
    public const string VisitorCookie = "agora.web.cart";

    public const int MaxQuantity = 100;

    /// <summary>The cart of whoever is asking: the customer's, else the visitor's (made, with its cookie, when <paramref name="create"/>).</summary>
    public static string? OwnerOf(HttpContext context, bool create)
    {
        if (CustomerOwner(context.User) is { } customer)
        {
            return customer;
        }

        if (context.Request.Cookies.TryGetValue(VisitorCookie, out var id) && IsVisitorId(id))
        {
            return "anon:" + id;
        }

        if (!create)
        {
            return null;
        }

        id = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        context.Response.Cookies.Append(VisitorCookie, id, new CookieOptions
        {
            HttpOnly = true, Secure = true, SameSite = SameSiteMode.Lax, IsEssential = true, MaxAge = TimeSpan.FromDays(30),
        });
        return "anon:" + id;
    }

    public static string? CustomerOwner(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true && user.FindFirst("sub")?.Value is { } sub ? "usr:" + sub : null;

    private static bool IsVisitorId(string? id) => id is { Length: 32 } && id.All(Uri.IsHexDigit);

    public async Task<CartView> GetAsync(string? owner, CancellationToken ct)
    {
        if (owner is null)
        {
            return new CartView("", []);
        }

        await using var db = await factory.CreateDbContextAsync(ct);
        var lines = await db.CartLines.AsNoTracking().Where(l => l.Owner == owner).ToListAsync(ct);
        return new CartView(owner, lines.OrderBy(l => l.AddedAt).ToList());
    }

    /// <summary>Adds <paramref name="quantity"/> of the product (its name and price as shown now).</summary>
    public async Task AddAsync(string owner, Product product, int quantity, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var cart = await CartAsync(db, owner, ct);
        var line = cart.Lines.FirstOrDefault(l => l.ProductId == product.Id);
        if (line is null)
        {
            cart.Lines.Add(new CartLineEntity
            {
                Owner = owner, ProductId = product.Id, Name = product.Name, Amount = product.Price.Amount, Currency = product.Price.Currency,
                Quantity = Math.Clamp(quantity, 1, MaxQuantity), AddedAt = clock.GetUtcNow(),
            });
        }
        else
        {
            line.Quantity = Math.Clamp(line.Quantity + quantity, 1, MaxQuantity);
            line.Name = product.Name;
            line.Amount = product.Price.Amount;
            line.Currency = product.Price.Currency;
        }

        Changed(cart);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Sets a line's quantity; 0 removes it.</summary>
    public async Task SetQuantityAsync(string owner, string productId, int quantity, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var cart = await CartAsync(db, owner, ct);
        if (cart.Lines.FirstOrDefault(l => l.ProductId == productId) is not { } line)
        {
            return;
        }

        if (quantity <= 0)
        {
            cart.Lines.Remove(line);
        }
        else
        {
            line.Quantity = Math.Min(quantity, MaxQuantity);
        }

        Changed(cart);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// The <c>Idempotency-Key</c> of the cart's checkout as it stands: made once, kept until the cart changes, so a
    /// second click or a retry of "Place order" names the same order.
    /// </summary>
    public async Task<string> CheckoutKeyAsync(string owner, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var cart = await CartAsync(db, owner, ct);
        if (cart.CheckoutKey is null)
        {
            cart.CheckoutKey = "web-" + Guid.CreateVersion7(clock.GetUtcNow()).ToString("N");
            await db.SaveChangesAsync(ct);
        }

        return cart.CheckoutKey;
    }

    /// <summary>
    /// Empties the cart once its order is placed (only if it is still the checkout <paramref name="key"/> named), and
    /// remembers the order, so a click that arrives after the first one finished is shown the same order.
    /// </summary>
    public async Task CompleteCheckoutAsync(string owner, string key, string orderId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var cart = await db.Carts.Include(c => c.Lines).FirstOrDefaultAsync(c => c.Owner == owner && c.CheckoutKey == key, ct);
        if (cart is null)
        {
            return;
        }

        cart.Lines.Clear();
        cart.PlacedOrderId = orderId;
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The order the cart's last checkout placed, while the cart has not changed since.</summary>
    public async Task<string?> PlacedOrderAsync(string owner, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Carts.Where(c => c.Owner == owner).Select(c => c.PlacedOrderId).FirstOrDefaultAsync(ct);
    }

    /// <summary>At sign-in: the visitor's lines move into the customer's cart, and the visitor's cookie goes.</summary>
    public async Task AdoptVisitorCartAsync(HttpContext context, string subject, CancellationToken ct)
    {
        if (!context.Request.Cookies.TryGetValue(VisitorCookie, out var id) || !IsVisitorId(id))
        {
            return;
        }

        context.Response.Cookies.Delete(VisitorCookie, new CookieOptions { Secure = true, HttpOnly = true, SameSite = SameSiteMode.Lax });
        var visitor = "anon:" + id;
        var owner = "usr:" + subject;
        await using var db = await factory.CreateDbContextAsync(ct);
        var from = await db.Carts.Include(c => c.Lines).FirstOrDefaultAsync(c => c.Owner == visitor, ct);
        if (from is null || from.Lines.Count == 0)
        {
            return;
        }

        var into = await CartAsync(db, owner, ct);
        foreach (var line in from.Lines)
        {
            if (into.Lines.FirstOrDefault(l => l.ProductId == line.ProductId) is { } existing)
            {
                existing.Quantity = Math.Min(existing.Quantity + line.Quantity, MaxQuantity);
            }
            else
            {
                into.Lines.Add(new CartLineEntity
                {
                    Owner = owner, ProductId = line.ProductId, Name = line.Name, Amount = line.Amount, Currency = line.Currency,
                    Quantity = line.Quantity, AddedAt = line.AddedAt,
                });
            }
        }

        Changed(into);
        db.Carts.Remove(from);
        await db.SaveChangesAsync(ct);
        LogAdopted(logger, from.Lines.Count);
    }

    private async Task<CartEntity> CartAsync(WebDbContext db, string owner, CancellationToken ct)
    {
        var cart = await db.Carts.Include(c => c.Lines).FirstOrDefaultAsync(c => c.Owner == owner, ct);
        if (cart is null)
        {
            cart = new CartEntity { Owner = owner, UpdatedAt = clock.GetUtcNow() };
            db.Carts.Add(cart);
        }

        return cart;
    }

    private void Changed(CartEntity cart)
    {
        cart.CheckoutKey = null;
        cart.PlacedOrderId = null;
        cart.UpdatedAt = clock.GetUtcNow();
    }

    [LoggerMessage(EventId = 9430, Level = LogLevel.Information, Message = "A visitor's cart of {Lines} line(s) joined the customer's cart at sign-in")]
    private static partial void LogAdopted(ILogger logger, int lines);
}

internal static class CartRegistration
{
    public static IServiceCollection AddStorefrontCart(this IServiceCollection services) => services.AddSingleton<CartStore>().AddHttpContextAccessor();
}
