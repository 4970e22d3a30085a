namespace Agora.Ordering.Features.Admin;

/// <summary><c>/api/v1/admin</c> (sagas, projections): maps the operators' operations.</summary>
internal static class OrderingAdminApi
{
    public static IEndpointRouteBuilder MapOrderingAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/v1/admin").WithTags("Order administration").RequireAuthorization(OrderingPolicies.Admin);
        admin.MapGet("/sagas", ListSagas.Handle).WithName("ListSagas").WithSummary("Orders by saga state.")
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError);
        admin.MapPost("/projections/rebuild", RebuildProjections.Handle).WithName("RebuildProjections")
            .WithSummary("Rebuild the order read models from the event log.");
        return app;
    }
}
