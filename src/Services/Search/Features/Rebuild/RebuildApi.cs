using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using Agora.Search.Features.Indexing;
using Grpc.Core;

namespace Agora.Search.Features.Rebuild;

/// <summary>What a rebuild did.</summary>
/// <param name="Products">Products read from Catalog into the new index.</param>
/// <param name="DurationMs">How long the rebuild took, in milliseconds.</param>
public sealed record RebuildResult([property: Range(0, int.MaxValue)] int Products, [property: Range(0, long.MaxValue)] long DurationMs);

/// <summary><c>POST /api/v1/admin/search/rebuild</c>: the index again from Catalog, swapped in when complete.</summary>
internal static partial class RebuildApi
{
    public static IEndpointRouteBuilder MapRebuildApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/admin/search/rebuild", Handle).WithTags("Search administration").WithName("RebuildSearchIndex")
            .WithSummary("Rebuild the search index from Catalog (staff)")
            .WithDescription("Reads every product from Catalog (gRPC StreamProducts) into a new index while events keep updating "
                + "the current one, replays the events that arrived meanwhile, and swaps the new index in atomically. Searches "
                + "are answered from the current index throughout. Answers when the new index is live. One rebuild at a time: "
                + "another while one runs is 409 REBUILD_IN_PROGRESS; Catalog unreachable is 503 CATALOG_UNAVAILABLE and "
                + "leaves the current index as it was.")
            .ProducesError(StatusCodes.Status409Conflict, "REBUILD_IN_PROGRESS")
            .ProducesError(StatusCodes.Status503ServiceUnavailable, "CATALOG_UNAVAILABLE")
            .RequireAuthorization(SearchPolicies.Admin);
        return app;
    }

    private static async Task<Results<ApiOk<RebuildResult>, ApiError>> Handle(
        ProductIndex index, CatalogImporter importer, TimeProvider clock, ILogger<RebuildResult> logger, CancellationToken ct)
    {
        var started = clock.GetTimestamp();
        try
        {
            var count = await index.RebuildAsync(importer.ReadAllAsync(ct), ct);
            return count is { } n
                ? ApiResults.Ok(new RebuildResult(n, (long)clock.GetElapsedTime(started).TotalMilliseconds))
                : ApiResults.Conflict("REBUILD_IN_PROGRESS", "A rebuild of the search index is already running.");
        }
        catch (RpcException ex) when (!ct.IsCancellationRequested)
        {
            LogCatalogUnavailable(logger, ex.StatusCode, ex);
            return ApiResults.Error(StatusCodes.Status503ServiceUnavailable, "CATALOG_UNAVAILABLE",
                "Catalog could not be read; the current index is unchanged. Try again later.");
        }
    }

    [LoggerMessage(EventId = 7120, Level = LogLevel.Warning, Message = "Search rebuild failed: Catalog answered {Status}")]
    private static partial void LogCatalogUnavailable(ILogger logger, StatusCode status, Exception exception);
}
