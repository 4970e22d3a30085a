using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Agora.Web.Features.Shop;

namespace Agora.Web.Features.Console;

/// <summary>
/// Catalog's own public REST v1 through the gateway, with the signed-in staff member's access token, for the console's
/// catalogue page: the product list (staff see drafts and discontinued products), a product with its ETag, create,
/// edit and status changes (with <c>If-Match</c>, so an edit made on an old copy is refused with 412 and nothing is
/// overwritten), and the stock (<c>PUT /api/v1/products/{id}/inventory</c>). Catalog decides every call: role admin AND
/// <c>write:catalog</c> for products (or <c>write:inventory</c> for stock); the console holds no power of its own.
/// </summary>
public sealed partial class CatalogueClient(HttpClient http, ILogger<CatalogueClient> logger)
{
    /// <summary>Products per page of the console's list.</summary>
    public const int PerPage = 20;

    /// <summary>The longest stock-change reason the console records.</summary>
    public const int MaxReason = 200;

    /// <summary>The statuses a product can have (Catalog's <c>status</c>).</summary>
    public static readonly IReadOnlyList<string> Statuses = ["active", "draft", "discontinued"];

    public async Task<StaffResult<ProductListPage>> ProductsAsync(string token, string? q, string? category, string? status, int page, CancellationToken ct)
    {
        var query = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"/api/v1/products?per_page={PerPage}&page={Math.Max(1, page)}&sort=name"));
        if (!string.IsNullOrWhiteSpace(q))
        {
            query.Append("&q=").Append(Uri.EscapeDataString(q.Trim()));
        }

        if (!string.IsNullOrWhiteSpace(category))
        {
            query.Append("&category=").Append(Uri.EscapeDataString(category));
        }

        if (status is not null && Statuses.Contains(status))
        {
            query.Append("&status=").Append(status);
        }

        var (body, _, error, _) = await SendAsync(HttpMethod.Get, query.ToString(), token, null, null, ct);
        if (error is not null)
        {
            return new(null, error);
        }

        var items = body!["data"].Deserialize<List<Product>>(ShopClient.Json) ?? [];
        var pagination = body["pagination"];
        return new(new ProductListPage(items, (long?)pagination?["total"] ?? items.Count, (int?)pagination?["page"] ?? Math.Max(1, page),
            Math.Max(1, (int?)pagination?["total_pages"] ?? 1)), null);
    }

    /// <summary>One product (a draft too) and its ETag.</summary>
    public async Task<StaffResult<CatalogueProduct>> ProductAsync(string token, string id, CancellationToken ct)
    {
        var (body, etag, error, _) = await SendAsync(HttpMethod.Get, ProductPath(id), token, null, null, ct);
        return error is null
            ? new(new CatalogueProduct(body!["data"].Deserialize<Product>(ShopClient.Json)!, etag), null)
            : new(null, error);
    }

    /// <summary>Adds a product (no stock yet: that is the stock form's).</summary>
    public async Task<CatalogueAnswer> CreateAsync(string token, ProductForm form, CancellationToken ct)
    {
        var product = Fields(form);
        product["status"] = form.Status;
        if (!string.IsNullOrWhiteSpace(form.NameKo))
        {
            product["localized"] = new JsonObject { ["ko"] = new JsonObject { ["name"] = form.NameKo.Trim() } };
        }

        var (body, _, error, fields) = await SendAsync(HttpMethod.Post, "/api/v1/products", token, null, product, ct);
        return new((string?)body?["data"]?["id"], error, fields);
    }

    /// <summary>
    /// Changes the product's fields (a JSON merge patch; its status and stock stay), only if it is still as the ETag
    /// says: another change since is 412 and nothing is written. An empty Korean name removes the Korean text.
    /// </summary>
    public async Task<CatalogueAnswer> UpdateAsync(string token, string id, string? etag, ProductForm form, CancellationToken ct)
    {
        var patch = Fields(form);
        patch["localized"] = new JsonObject
        {
            ["ko"] = string.IsNullOrWhiteSpace(form.NameKo) ? null : new JsonObject { ["name"] = form.NameKo.Trim() },
        };
        return await ChangeAsync(token, id, etag, patch, ct);
    }

    /// <summary>Archives (<c>discontinued</c>: off the shop) or activates the product, with the same If-Match rule.</summary>
    public Task<CatalogueAnswer> SetStatusAsync(string token, string id, string? etag, string status, CancellationToken ct) =>
        ChangeAsync(token, id, etag, new JsonObject { ["status"] = status }, ct);

    /// <summary>
    /// Sets the units available to order (a stock count; reserved units are not touched). Catalog's inventory resource
    /// takes no reason, so the console records it in its own log with who changed what.
    /// </summary>
    public async Task<CatalogueAnswer> SetStockAsync(string token, string id, int available, string reason, string staff, CancellationToken ct)
    {
        var (_, _, error, fields) = await SendAsync(HttpMethod.Put, ProductPath(id) + "/inventory", token, null,
            new JsonObject { ["available"] = available }, ct);
        if (error is null)
        {
            LogStockSet(logger, staff, id, available, reason);
        }

        return new(id, error, fields);
    }

    /// <summary>Whether <paramref name="etag"/> is an entity tag (what the page got from Catalog), safe to send back.</summary>
    public static bool IsETag(string? etag) => etag is not null && ETagPattern().IsMatch(etag);

    private async Task<CatalogueAnswer> ChangeAsync(string token, string id, string? etag, JsonObject patch, CancellationToken ct)
    {
        if (!IsETag(etag))
        {
            // Without the version it was read at, a change could overwrite another: refused as if it had changed.
            return new(id, new StaffError(412, "PRECONDITION_FAILED", "The form did not say which version of the product it edits."), []);
        }

        var (_, _, error, fields) = await SendAsync(HttpMethod.Patch, ProductPath(id), token, etag, patch, ct);
        return new(id, error, fields);
    }

    private static JsonObject Fields(ProductForm form) => new()
    {
        ["sku"] = form.Sku?.Trim(),
        ["name"] = form.Name?.Trim(),
        ["description"] = form.Description ?? "",
        ["category_id"] = form.CategoryId,
        ["price"] = new JsonObject { ["amount"] = form.Price?.Trim(), ["currency"] = form.Currency?.Trim().ToUpperInvariant() },
    };

    private static string ProductPath(string id) => "/api/v1/products/" + Uri.EscapeDataString(id);

    private async Task<(JsonNode? Body, string? ETag, StaffError? Error, IReadOnlyList<string> Fields)> SendAsync(
        HttpMethod method, string path, string token, string? ifMatch, JsonObject? content, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        if (content is not null)
        {
            request.Content = new StringContent(content.ToJsonString(), Encoding.UTF8,
                method == HttpMethod.Patch ? "application/merge-patch+json" : "application/json");
        }

        try
        {
            using var response = await http.SendAsync(request, ct);
            var body = await GatewayCalls.ReadJsonAsync(response, ct);
            if (response.IsSuccessStatusCode)
            {
                return (body, response.Headers.ETag?.ToString(), null, []);
            }

            var status = (int)response.StatusCode;
            var error = new StaffError(status, (string?)body?["error"]?["code"] ?? "HTTP_" + status,
                (string?)body?["error"]?["message"] ?? response.ReasonPhrase ?? "The service did not answer.");
            var fields = body?["error"]?["details"] is JsonArray details
                ? CatalogueOutcomes.FieldsOf(details.Select(d => (string?)d?["field"] ?? ""))
                : [];
            LogFailed(logger, method.Method, path, status, error.Code);
            return (null, null, error, fields);
        }
        catch (HttpRequestException e)
        {
            LogUnreachable(logger, method.Method, path, e);
            return (null, null, new StaffError(503, "GATEWAY_UNREACHABLE", "The gateway cannot be reached right now; try again in a moment."), []);
        }
        catch (Exception e) when (e is Polly.ExecutionRejectedException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            LogUnreachable(logger, method.Method, path, e);
            return (null, null, new StaffError(504, "GATEWAY_TIMEOUT", "The service took too long to answer; try again in a moment."), []);
        }
    }

    [GeneratedRegex("^(W/)?\"[A-Za-z0-9._-]{1,64}\"$")]
    private static partial Regex ETagPattern();

    [LoggerMessage(EventId = 9460, Level = LogLevel.Information, Message = "Console catalogue: {Method} {Path} answered {Status} {Code}")]
    private static partial void LogFailed(ILogger logger, string method, string path, int status, string code);

    [LoggerMessage(EventId = 9461, Level = LogLevel.Warning, Message = "Console catalogue: {Method} {Path}: the gateway could not be reached")]
    private static partial void LogUnreachable(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(EventId = 9462, Level = LogLevel.Information,
        Message = "Console catalogue: staff {Staff} set the stock of {ProductId} to {Available} available; reason: {Reason}")]
    private static partial void LogStockSet(ILogger logger, string staff, string productId, int available, string reason);
}
