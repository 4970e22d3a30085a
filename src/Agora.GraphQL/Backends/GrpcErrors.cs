using Grpc.Core;

namespace Agora.GraphQL.Backends;

/// <summary>gRPC status codes in GraphQL terms.</summary>
internal static class GrpcErrors
{
    public static BackendException Map(string service, RpcException e) => e.StatusCode switch
    {
        StatusCode.Unauthenticated => new(GraphQLErrorCodes.Unauthenticated, "Sign in first: this needs an access token.", service),
        StatusCode.PermissionDenied => new(GraphQLErrorCodes.Forbidden, Detail(e, "Your token does not allow this."), service),
        StatusCode.NotFound => new(GraphQLErrorCodes.NotFound, Detail(e, "Not found."), service),
        StatusCode.InvalidArgument => new(GraphQLErrorCodes.ValidationError, Detail(e, "The input is invalid."), service),
        StatusCode.AlreadyExists => new("CONFLICT", Detail(e, "It exists already."), service, serviceCode: "ALREADY_EXISTS"),
        StatusCode.FailedPrecondition => new("CONFLICT", Detail(e, "Not possible in the current state."), service),
        _ => BackendException.Unavailable(service, e),
    };

    private static string Detail(RpcException e, string fallback) => string.IsNullOrWhiteSpace(e.Status.Detail) ? fallback : e.Status.Detail;
}
