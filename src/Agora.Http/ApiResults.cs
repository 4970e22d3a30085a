using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Agora.Http;

/// <summary>Factory for the enveloped results endpoints return (docs/architecture.md §3).</summary>
public static class ApiResults
{
    /// <summary>200 with <c>{"data": value, "meta": …}</c>; an optional ETag.</summary>
    public static ApiOk<T> Ok<T>(T value, string? etag = null) where T : notnull => new(value, null, etag);

    /// <summary>200 with a page of items and its <c>pagination</c>.</summary>
    public static ApiOk<IReadOnlyList<T>> Page<T>(IReadOnlyList<T> items, PaginationInfo pagination) => new(items, pagination, null);

    /// <summary>201 with <c>Location</c>, the created resource and its ETag.</summary>
    public static ApiCreated<T> Created<T>(string location, T value, string? etag = null) where T : notnull => new(location, value, etag);

    /// <summary>202 Accepted with <c>Location</c> and the success envelope.</summary>
    public static ApiAccepted<T> Accepted<T>(string location, T value) where T : notnull => new(location, value);

    /// <summary>An error with the given status and code.</summary>
    public static ApiError Error(int status, string code, string message, IReadOnlyList<FieldError>? details = null) =>
        new(status, code, message, details);

    /// <summary>404 with a resource-specific code such as <c>PRODUCT_NOT_FOUND</c>.</summary>
    public static ApiError NotFound(string code, string message) => new(StatusCodes.Status404NotFound, code, message, null);

    /// <summary>409 conflict.</summary>
    public static ApiError Conflict(string code, string message) => new(StatusCodes.Status409Conflict, code, message, null);

    /// <summary>412: the <c>If-Match</c> ETag does not match the current one.</summary>
    public static ApiError PreconditionFailed() =>
        new(StatusCodes.Status412PreconditionFailed, ErrorCodes.PreconditionFailed,
            "The resource has changed since you read it (If-Match does not match the current ETag).", null);

    /// <summary>422 with field details.</summary>
    public static ApiError Validation(IReadOnlyList<FieldError> details) =>
        new(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError, "The request data is invalid.", details);

    /// <summary>422 for one field.</summary>
    public static ApiError Validation(string field, string message) => Validation([new FieldError(field, message)]);

    internal static ApiMeta Meta(HttpContext context) =>
        new(context.GetRequestIdentity().RequestId, context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime);

    internal static JsonSerializerOptions Json(HttpContext context) =>
        context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;

    internal static Task WriteEnvelopeAsync<T>(HttpContext context, int status, T value, PaginationInfo? pagination, string? etag)
        where T : notnull
    {
        context.Response.StatusCode = status;
        if (etag is not null)
        {
            context.Response.Headers.ETag = etag;
        }

        return context.Response.WriteAsJsonAsync(new ApiEnvelope<T>(value, Meta(context), pagination), Json(context));
    }

    /// <summary>Describes a success response of <paramref name="status"/> with the envelope of <typeparamref name="T"/> (OpenAPI).</summary>
    internal static void DescribeEnvelope<T>(EndpointBuilder builder, int status) where T : notnull =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(status, typeof(ApiEnvelope<T>), ["application/json"]));

    internal static Task WriteErrorAsync(HttpContext context, int status, string code, string message, IReadOnlyList<FieldError>? details)
    {
        context.Response.StatusCode = status;
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsJsonAsync(
            new ApiErrorEnvelope(new ApiErrorInfo(code, message, details), Meta(context)), Json(context));
    }
}

/// <summary>200 OK with the success envelope.</summary>
public sealed class ApiOk<T>(T value, PaginationInfo? pagination, string? etag)
    : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<T>, IEndpointMetadataProvider
    where T : notnull
{
    /// <summary>The payload under <c>data</c>.</summary>
    public T Value { get; } = value;

    /// <summary>Paging facts, for collections.</summary>
    public PaginationInfo? Pagination { get; } = pagination;

    /// <summary>The ETag sent with it, if any.</summary>
    public string? ETag { get; } = etag;

    /// <inheritdoc />
    public int? StatusCode => StatusCodes.Status200OK;

    object? IValueHttpResult.Value => Value;

    /// <inheritdoc />
    public Task ExecuteAsync(HttpContext httpContext) =>
        ApiResults.WriteEnvelopeAsync(httpContext, StatusCodes.Status200OK, Value, Pagination, ETag);

    /// <inheritdoc />
    [SuppressMessage("Design", "CA1000:Do not declare static members on generic types", Justification = "IEndpointMetadataProvider's static abstract member; ASP.NET Core calls it, not our code.")]
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        ApiResults.DescribeEnvelope<T>(builder, StatusCodes.Status200OK);
}

/// <summary>
/// A success that points elsewhere: <c>Location</c> and the success envelope. One body for the two statuses that carry
/// a location, <see cref="ApiCreated{T}"/> and <see cref="ApiAccepted{T}"/>; each names its status for the OpenAPI
/// description, which is read from the type.
/// </summary>
public abstract class ApiLocated<T>(int status, string location, T value, string? etag)
    : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<T>
    where T : notnull
{
    /// <summary>The new resource's URI (201), or where the outcome can be read (202).</summary>
    public string Location { get; } = location;

    /// <summary>The resource as it is now.</summary>
    public T Value { get; } = value;

    /// <inheritdoc />
    public int? StatusCode => status;

    object? IValueHttpResult.Value => Value;

    /// <inheritdoc />
    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.Headers.Location = Location;
        return ApiResults.WriteEnvelopeAsync(httpContext, status, Value, null, etag);
    }
}

/// <summary>201 Created with <c>Location</c>, the created resource and its ETag.</summary>
public sealed class ApiCreated<T>(string location, T value, string? etag)
    : ApiLocated<T>(StatusCodes.Status201Created, location, value, etag), IEndpointMetadataProvider
    where T : notnull
{
    /// <inheritdoc />
    [SuppressMessage("Design", "CA1000:Do not declare static members on generic types", Justification = "IEndpointMetadataProvider's static abstract member; ASP.NET Core calls it, not our code.")]
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        ApiResults.DescribeEnvelope<T>(builder, StatusCodes.Status201Created);
}

/// <summary>202 Accepted: the request started work that finishes later; <c>Location</c> is where to watch it.</summary>
public sealed class ApiAccepted<T>(string location, T value)
    : ApiLocated<T>(StatusCodes.Status202Accepted, location, value, null), IEndpointMetadataProvider
    where T : notnull
{
    /// <inheritdoc />
    [SuppressMessage("Design", "CA1000:Do not declare static members on generic types", Justification = "IEndpointMetadataProvider's static abstract member; ASP.NET Core calls it, not our code.")]
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        ApiResults.DescribeEnvelope<T>(builder, StatusCodes.Status202Accepted);
}

/// <summary>A failure in the error envelope.</summary>
public sealed class ApiError(int status, string code, string message, IReadOnlyList<FieldError>? details)
    : IResult, IStatusCodeHttpResult
{
    /// <summary>HTTP status.</summary>
    public int? StatusCode { get; } = status;

    /// <summary>Stable UPPER_SNAKE code.</summary>
    public string Code { get; } = code;

    /// <summary>Human-readable message.</summary>
    public string Message { get; } = message;

    /// <summary>Field details (validation).</summary>
    public IReadOnlyList<FieldError>? Details { get; } = details;

    /// <summary>When set, sent as <c>Retry-After</c> (whole seconds): the failure is temporary and worth another try.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <inheritdoc />
    public Task ExecuteAsync(HttpContext httpContext)
    {
        if (RetryAfter is { } delay)
        {
            httpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(delay.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return ApiResults.WriteErrorAsync(httpContext, StatusCode!.Value, Code, Message, Details);
    }
}
