using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Agora.Http;

/// <summary><c>meta</c> of every response body: the request id and the server time.</summary>
public sealed record ApiMeta(
    [property: MaxLength(128), RegularExpression("^[A-Za-z0-9._:-]+$")] string RequestId,
    DateTime Timestamp);

/// <summary>The success body: <c>{"data": …, "meta": …}</c>, plus <c>pagination</c> for collections.</summary>
public sealed record ApiEnvelope<T>(
    T Data,
    ApiMeta Meta,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] PaginationInfo? Pagination = null)
    where T : notnull;

/// <summary>Paging facts of a collection response (docs/architecture.md §3).</summary>
/// <param name="Page">The offset page when offset paging was used, else null.</param>
/// <param name="PerPage">Items per page (default 20, max 100).</param>
/// <param name="Total">Items matching the filter.</param>
/// <param name="TotalPages">Pages of <paramref name="PerPage"/> items.</param>
/// <param name="NextCursor">Opaque cursor of the next page; null on the last page.</param>
public sealed record PaginationInfo(
    [property: Range(1, int.MaxValue)] int? Page,
    [property: Range(1, int.MaxValue)] int PerPage,
    [property: Range(typeof(long), "0", "9223372036854775807")] long Total,
    [property: Range(0, int.MaxValue)] int TotalPages,
    [property: MaxLength(2048), RegularExpression("^[A-Za-z0-9_-]+$")] string? NextCursor);

/// <summary>The error body: <c>{"error": {"code", "message", "details"}, "meta": …}</c>.</summary>
public sealed record ApiErrorEnvelope(ApiErrorInfo Error, ApiMeta Meta);

/// <summary>A stable UPPER_SNAKE code, a human message, and field details for validation failures.</summary>
public sealed record ApiErrorInfo(
    [property: MaxLength(64), RegularExpression("^[A-Z0-9_]+$")] string Code,
    [property: MaxLength(1000)] string Message,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<FieldError>? Details = null);

/// <summary>One invalid field: its name as the client sent it, and what is wrong.</summary>
/// <remarks>Both can echo what the client sent, so only the request body limit bounds their length.</remarks>
public sealed record FieldError(string Field, string Message);

/// <summary>The stable error codes shared by every service.</summary>
public static class ErrorCodes
{
    public const string BadRequest = "BAD_REQUEST";
    public const string InvalidJson = "INVALID_JSON";
    public const string InvalidParameter = "INVALID_PARAMETER";
    public const string Unauthorized = "UNAUTHORIZED";
    public const string Forbidden = "FORBIDDEN";
    public const string NotFound = "NOT_FOUND";
    public const string MethodNotAllowed = "METHOD_NOT_ALLOWED";
    public const string NotAcceptable = "NOT_ACCEPTABLE";
    public const string Conflict = "CONFLICT";
    public const string Gone = "GONE";
    public const string PreconditionFailed = "PRECONDITION_FAILED";
    public const string PreconditionRequired = "PRECONDITION_REQUIRED";
    public const string PayloadTooLarge = "PAYLOAD_TOO_LARGE";
    public const string UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE";
    public const string ValidationError = "VALIDATION_ERROR";
    public const string RateLimited = "RATE_LIMITED";
    public const string InternalError = "INTERNAL_ERROR";
    public const string ServiceUnavailable = "SERVICE_UNAVAILABLE";

    /// <summary>503 caused by something the service depends on, not by the service itself (<see cref="DependencyFailure"/>).</summary>
    public const string DependencyUnavailable = "DEPENDENCY_UNAVAILABLE";

    /// <summary>The default code and message for a bare status code.</summary>
    public static (string Code, string Message) ForStatus(int status) => status switch
    {
        400 => (BadRequest, "The request is malformed."),
        401 => (Unauthorized, "Authentication is required."),
        403 => (Forbidden, "You are not allowed to do this."),
        404 => (NotFound, "No resource exists at this address."),
        405 => (MethodNotAllowed, "This method is not allowed on this resource."),
        406 => (NotAcceptable, "No acceptable representation is available."),
        409 => (Conflict, "The request conflicts with the resource's current state."),
        410 => (Gone, "This resource is no longer available."),
        412 => (PreconditionFailed, "The resource has changed since you read it."),
        413 => (PayloadTooLarge, "The request body is too large."),
        415 => (UnsupportedMediaType, "The request body's media type is not supported; send application/json."),
        422 => (ValidationError, "The request data is invalid."),
        428 => (PreconditionRequired, "This request must be conditional."),
        429 => (RateLimited, "Too many requests."),
        503 => (ServiceUnavailable, "The service is temporarily unavailable."),
        >= 500 => (InternalError, "An unexpected error occurred."),
        _ => ($"HTTP_{status}", "The request failed."),
    };
}
