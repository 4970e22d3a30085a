using GraphQL;

namespace Agora.GraphQL.Backends;

/// <summary>Error codes of the GraphQL API (<c>extensions.code</c>).</summary>
public static class GraphQLErrorCodes
{
    /// <summary>No valid access token, where the service needs one (REST 401, gRPC UNAUTHENTICATED).</summary>
    public const string Unauthenticated = "UNAUTHENTICATED";

    /// <summary>The token does not allow it (REST 403, gRPC PERMISSION_DENIED).</summary>
    public const string Forbidden = "FORBIDDEN";

    /// <summary>Something named does not exist, or is not the caller's to see.</summary>
    public const string NotFound = "NOT_FOUND";

    /// <summary>An argument was refused by the service; <c>extensions.details</c> lists the fields.</summary>
    public const string ValidationError = "VALIDATION_ERROR";

    /// <summary>A service could not answer (down, timing out, circuit open).</summary>
    public const string ServiceUnavailable = "SERVICE_UNAVAILABLE";

    /// <summary>The HTTP request is not a GraphQL request (bad JSON, no query, wrong method or media type).</summary>
    public const string BadRequest = "BAD_REQUEST";

    /// <summary>A bug on our side; nothing internal is shown.</summary>
    public const string InternalError = "INTERNAL_ERROR";
}

/// <summary>One field error from a service's error envelope.</summary>
/// <param name="Field">The argument or input field it concerns (as the service names it).</param>
/// <param name="Message">What is wrong with it.</param>
public sealed record BackendFieldError(string Field, string Message);

/// <summary>
/// A service refused or failed a call. Thrown from resolvers and loaders, it becomes one GraphQL error on the fields
/// that needed the call (the rest of the result is still returned), with <c>extensions.code</c>, the service and its
/// own error code, and the field details of a validation failure.
/// </summary>
public sealed class BackendException : ExecutionError
{
    /// <summary>Creates the error.</summary>
    public BackendException(string code, string message, string service, int? status = null, string? serviceCode = null,
        IReadOnlyList<BackendFieldError>? details = null, Exception? inner = null)
        : base(message, inner)
    {
        Code = code;
        Service = service;
        Status = status;
        ServiceCode = serviceCode;
        Details = details ?? [];
    }

    /// <summary>The service that answered (identity, ordering, catalog, search).</summary>
    public string Service { get; }

    /// <summary>The HTTP status it answered with, if it answered over HTTP.</summary>
    public int? Status { get; }

    /// <summary>The service's own error code (<c>EMAIL_TAKEN</c>, <c>ACCOUNT_SUSPENDED</c>), when it differs from <see cref="ExecutionError.Code"/>.</summary>
    public string? ServiceCode { get; }

    /// <summary>Field errors of a validation failure.</summary>
    public IReadOnlyList<BackendFieldError> Details { get; }

    /// <summary>
    /// A fresh copy for one more field: a batch's failure is reported on every field that waited for it, and the
    /// executor writes each field's path and location into the error it is given.
    /// </summary>
    public BackendException CopyForField() => new(Code!, Message, Service, Status, ServiceCode, Details, InnerException);

    /// <summary>The GraphQL code for an HTTP error status and the service's code.</summary>
    public static string CodeFor(int status, string? serviceCode) => status switch
    {
        401 => GraphQLErrorCodes.Unauthenticated,
        403 => GraphQLErrorCodes.Forbidden,
        404 => GraphQLErrorCodes.NotFound,
        422 => GraphQLErrorCodes.ValidationError,
        >= 500 => GraphQLErrorCodes.ServiceUnavailable,
        _ => string.IsNullOrEmpty(serviceCode) ? GraphQLErrorCodes.BadRequest : serviceCode,
    };

    /// <summary>The service could not be reached or did not answer in time.</summary>
    public static BackendException Unavailable(string service, Exception? inner = null) =>
        new(GraphQLErrorCodes.ServiceUnavailable, $"The {service} service is unavailable right now; try again shortly.", service, inner: inner);
}
