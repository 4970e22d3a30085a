using Agora.Catalog.Features.Products;
using Agora.Catalog.Features.Stock;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Agora.Contracts.Catalog.V1;
using Product = Agora.Contracts.Catalog.V1.Product;

namespace Agora.Catalog.Grpc;

/// <summary>
/// gRPC <c>ecommerce.catalog.v1.CatalogService</c>: what Ordering and Search call. Reads are anonymous like the REST
/// API's (active products only, unless the caller is staff or a catalogue-writing service); stock movements are
/// service-only (<see cref="CatalogPolicies.Reserve"/>: a client-credentials token with <c>write:inventory</c>).
/// </summary>
internal sealed class CatalogGrpcService(CatalogDbContext db, StockLedger ledger, IOptions<CatalogOptions> options)
    : CatalogService.CatalogServiceBase
{
    public override async Task<GetProductResponse> GetProduct(GetProductRequest request, ServerCallContext context)
    {
        var p = await Visible(context).FirstOrDefaultAsync(x => x.Id == request.ProductId, context.CancellationToken)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"Product '{request.ProductId}' does not exist."));
        return new GetProductResponse { Product = ToMessage(p) };
    }

    public override async Task<GetProductsResponse> GetProducts(GetProductsRequest request, ServerCallContext context)
    {
        var ids = request.ProductIds.Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count > 100)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "At most 100 product ids per call."));
        }

        var found = await Visible(context).Where(p => ids.Contains(p.Id)).ToListAsync(context.CancellationToken);
        var response = new GetProductsResponse();
        response.Products.AddRange(found.OrderBy(p => ids.IndexOf(p.Id)).Select(ToMessage));
        response.MissingIds.AddRange(ids.Except(found.Select(p => p.Id), StringComparer.Ordinal));
        return response;
    }

    [Authorize(Policy = CatalogPolicies.Reserve)]
    public override async Task<ReserveStockResponse> ReserveStock(ReserveStockRequest request, ServerCallContext context)
    {
        if (request.ReservationId.Length > StockLedger.MaxReservationIdLength || !CorrelationContext.IsSane(request.ReservationId))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument,
                $"reservation_id: 1–{StockLedger.MaxReservationIdLength} characters of [A-Za-z0-9-_.:]."));
        }

        if (request.Lines.Count is 0 or > StockLedger.MaxLines
            || request.Lines.Any(l => string.IsNullOrEmpty(l.ProductId) || l.Quantity is <= 0 or > StockLedger.MaxQuantity))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument,
                $"lines: 1–{StockLedger.MaxLines} lines, each with a product_id and a quantity of 1–{StockLedger.MaxQuantity}."));
        }

        var max = options.Value.MaxReservationTtl.TotalSeconds;
        if (request.TtlSeconds < 0 || request.TtlSeconds > max)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"ttl_seconds: 0 (default) to {max}."));
        }

        var ttl = request.TtlSeconds > 0 ? TimeSpan.FromSeconds(request.TtlSeconds) : (TimeSpan?)null;
        var result = await ledger.ReserveAsync(request.ReservationId, request.Lines.Select(l => (l.ProductId, l.Quantity)).ToList(),
            ttl, context.CancellationToken);
        return result.Outcome switch
        {
            StockOutcome.Done or StockOutcome.AlreadyDone => ToReserveResponse(result.Reservation!),
            StockOutcome.Conflict => throw new RpcException(new Status(StatusCode.AlreadyExists,
                $"Reservation '{request.ReservationId}' exists with other lines.")),
            StockOutcome.UnknownProducts => throw new RpcException(new Status(StatusCode.NotFound,
                "Unknown products: " + string.Join(", ", result.Problems))),
            _ => throw new RpcException(new Status(StatusCode.FailedPrecondition,
                "Insufficient stock: " + string.Join(", ", result.Problems))),
        };
    }

    [Authorize(Policy = CatalogPolicies.Reserve)]
    public override async Task<ReleaseStockResponse> ReleaseStock(ReleaseStockRequest request, ServerCallContext context)
    {
        var result = Settled(request.ReservationId, await ledger.ReleaseAsync(request.ReservationId, context.CancellationToken));
        return new ReleaseStockResponse { ReservationId = request.ReservationId, Status = StatusName(result.Status) };
    }

    [Authorize(Policy = CatalogPolicies.Reserve)]
    public override async Task<CommitStockResponse> CommitStock(CommitStockRequest request, ServerCallContext context)
    {
        var result = Settled(request.ReservationId, await ledger.CommitAsync(request.ReservationId, context.CancellationToken));
        return new CommitStockResponse { ReservationId = request.ReservationId, Status = StatusName(result.Status) };
    }

    public override async Task StreamProducts(StreamProductsRequest request, IServerStreamWriter<Product> responseStream, ServerCallContext context)
    {
        var query = Visible(context).OrderBy(p => p.Id).AsAsyncEnumerable();
        await foreach (var p in query.WithCancellation(context.CancellationToken))
        {
            if (string.IsNullOrEmpty(request.CategoryId) || p.CategoryId == request.CategoryId)
            {
                await responseStream.WriteAsync(ToMessage(p), context.CancellationToken);
            }
        }
    }

    private static Reservation Settled(string id, StockResult result) => result.Outcome switch
    {
        StockOutcome.Done or StockOutcome.AlreadyDone => result.Reservation!,
        StockOutcome.NotFound => throw new RpcException(new Status(StatusCode.NotFound, $"Reservation '{id}' does not exist.")),
        StockOutcome.Expired => throw new RpcException(new Status(StatusCode.FailedPrecondition, $"Reservation '{id}' expired.")),
        _ => throw new RpcException(new Status(StatusCode.FailedPrecondition,
            $"Reservation '{id}' is already {StatusName(result.Reservation!.Status)}.")),
    };

    /// <summary>
    /// The products this caller may read: every one for staff and services that write the catalogue, active ones for
    /// anyone else (a draft is NOT_FOUND, and missing from lists and streams), as over REST.
    /// </summary>
    private IQueryable<Infrastructure.Product> Visible(ServerCallContext context)
    {
        var query = db.Products.AsNoTracking().Include(p => p.Inventory);
        return CatalogPolicies.MaySeeAll(context.GetHttpContext().User) ? query : query.Where(p => p.Status == ProductStatus.Active);
    }

    private Product ToMessage(Infrastructure.Product p)
    {
        var availability = Features.Products.ProductAvailability.Of(p.Inventory?.Available ?? 0, options.Value.LowStockThreshold);
        var price = Currencies.Format(p.PriceMinor, p.Currency);
        var message = new Product
        {
            Id = p.Id,
            Sku = p.Sku,
            Name = p.Name,
            Description = p.Description,
            CategoryId = p.CategoryId,
            Price = new Money { Amount = price.Amount, Currency = price.Currency },
            Status = ProductStatusNames.Of(p.Status),
            Available = availability.Available,
            AvailabilityStatus = availability.StatusName,
            UpdatedAt = new DateTimeOffset(p.UpdatedAt).ToUnixTimeSeconds(),
            Version = p.Version,
            CreateTime = Timestamp.FromDateTime(DateTime.SpecifyKind(p.CreatedAt, DateTimeKind.Utc)),
            StockUpdateTime = p.Inventory is null ? null : Timestamp.FromDateTime(DateTime.SpecifyKind(p.Inventory.UpdatedAt, DateTimeKind.Utc)),
        };
        foreach (var (locale, text) in Features.Products.LocalizedText.Of(p.NameKo, p.DescriptionKo))
        {
            message.Localized[locale] = new Agora.Contracts.Catalog.V1.LocalizedText { Name = text.Name, Description = text.Description };
        }

        return message;
    }

    private static ReserveStockResponse ToReserveResponse(Reservation r)
    {
        var response = new ReserveStockResponse
        {
            ReservationId = r.Id,
            Status = StatusName(r.Status),
            ExpiresAt = new DateTimeOffset(r.ExpiresAt).ToUnixTimeSeconds(),
        };
        response.Lines.AddRange(r.Lines.Select(l => new Contracts.Catalog.V1.ReservationLine { ProductId = l.ProductId, Quantity = l.Quantity }));
        return response;
    }

    private static string StatusName(ReservationStatus status) => status.ToString().ToLowerInvariant();
}
