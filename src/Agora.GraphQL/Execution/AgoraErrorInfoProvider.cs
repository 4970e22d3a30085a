using Agora.GraphQL.Backends;
using GraphQL;
using GraphQL.Execution;

namespace Agora.GraphQL.Execution;

/// <summary>
/// How errors look on the wire: <c>message</c>, <c>locations</c>, <c>path</c> and <c>extensions</c> with <c>code</c>
/// (always), <c>request_id</c> (always: the X-Request-ID of the call, to find it in the logs), and for service errors
/// the <c>service</c>, its HTTP <c>status</c>, its own <c>service_code</c> and the field <c>details</c> of a
/// validation failure. Nothing internal (no exception types, no stack traces).
/// </summary>
internal sealed class AgoraErrorInfoProvider() : ErrorInfoProvider(new ErrorInfoProviderOptions
{
    ExposeCode = true, ExposeCodes = false, ExposeData = false, ExposeExceptionDetails = false, ExposeExtensions = true,
})
{
    /// <summary>Key of <see cref="Exception.Data"/> that carries the request id to the serializer.</summary>
    public const string RequestIdKey = "agora.request_id";

    public override ErrorInfo GetInfo(ExecutionError executionError)
    {
        var info = base.GetInfo(executionError);
        var extensions = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["code"] = string.IsNullOrEmpty(executionError.Code) ? GraphQLErrorCodes.InternalError : executionError.Code,
            ["request_id"] = executionError.Data[RequestIdKey] as string,
        };

        if (executionError is BackendException backend)
        {
            extensions["service"] = backend.Service;
            if (backend.Status is { } status)
            {
                extensions["status"] = status;
            }

            if (backend.ServiceCode is { } serviceCode)
            {
                extensions["service_code"] = serviceCode;
            }

            if (backend.Details.Count > 0)
            {
                extensions["details"] = backend.Details.Select(d => new Dictionary<string, object?> { ["field"] = d.Field, ["message"] = d.Message }).ToList();
            }
        }

        return new ErrorInfo { Message = info.Message, Extensions = extensions };
    }
}
