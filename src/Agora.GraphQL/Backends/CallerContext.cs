using System.Net.Http.Headers;
using Grpc.Core;

namespace Agora.GraphQL.Backends;

/// <summary>
/// Who is asking, for the duration of one GraphQL request (scoped): the caller's own bearer token goes along on every
/// backend call, so each service applies its own rules (a customer sees only their own orders, staff see all) exactly
/// as it does for REST. The BFF never calls with credentials of its own.
/// </summary>
public sealed class CallerContext
{
    /// <summary>The caller's <c>Authorization</c> header, as sent (only the Bearer scheme is forwarded).</summary>
    public AuthenticationHeaderValue? Authorization { get; set; }

    /// <summary>The request id of the GraphQL request (<c>X-Request-ID</c>), put on every error.</summary>
    public string RequestId { get; set; } = "";

    /// <summary>Adds the caller's token to an outgoing HTTP request.</summary>
    public void Apply(HttpRequestMessage request) => request.Headers.Authorization = Authorization;

    /// <summary>The caller's token as gRPC metadata.</summary>
    public Metadata GrpcHeaders()
    {
        var headers = new Metadata();
        if (Authorization is not null)
        {
            headers.Add("authorization", Authorization.ToString());
        }

        return headers;
    }
}
