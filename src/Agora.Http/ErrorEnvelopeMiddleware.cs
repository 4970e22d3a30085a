using System.Text.Json;
using System.Text.RegularExpressions;
using Agora.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Agora.Http;

/// <summary>
/// Turns every failure the framework produces into the error envelope: malformed JSON and binding
/// failures (400), unsupported media type (415), body too large (413), bare status codes such as
/// unknown route (404) or wrong method (405), an <see cref="Outage"/> such as the database restarting (503 with
/// <c>Retry-After</c>), and unhandled exceptions (500, nothing internal).
/// </summary>
public sealed partial class ErrorEnvelopeMiddleware(
    RequestDelegate next,
    ILogger<ErrorEnvelopeMiddleware> logger,
    IOptions<AgoraOptions> options,
    IEnumerable<Outage> outages)
{
    private readonly Outage[] _outages = [.. outages];

    private readonly long _maxBody = options.Value.MaxRequestBodyBytes;

    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.ContentLength > _maxBody)
        {
            return ApiResults.WriteErrorAsync(context, StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge,
                $"The request body is larger than {_maxBody} bytes.", null);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = _maxBody;
        }

        Task task;
        try
        {
            task = next(context);
        }
        catch (Exception ex)
        {
            return HandleAsync(context, ex);
        }

        if (task.IsCompletedSuccessfully)
        {
            return NeedsEnvelope(context) ? WriteBareStatusAsync(context) : Task.CompletedTask;
        }

        return AwaitedAsync(task, context);
    }

    private async Task AwaitedAsync(Task task, HttpContext context)
    {
        try
        {
            await task;
        }
        catch (Exception ex)
        {
            await HandleAsync(context, ex);
            return;
        }

        if (NeedsEnvelope(context))
        {
            await WriteBareStatusAsync(context);
        }
    }

    private static bool NeedsEnvelope(HttpContext context) =>
        context.Response.StatusCode >= 400
        && !context.Response.HasStarted
        && context.Response.ContentLength is null
        && string.IsNullOrEmpty(context.Response.ContentType)
        && !HttpMethods.IsHead(context.Request.Method);

    private static Task WriteBareStatusAsync(HttpContext context)
    {
        var (code, message) = ErrorCodes.ForStatus(context.Response.StatusCode);
        if (context.Response.StatusCode == StatusCodes.Status405MethodNotAllowed
            && context.Response.Headers.Allow.Count > 0)
        {
            message = $"This method is not allowed here; allowed: {context.Response.Headers.Allow}.";
        }

        return ApiResults.WriteErrorAsync(context, context.Response.StatusCode, code, message, null);
    }

    private Task HandleAsync(HttpContext context, Exception exception)
    {
        if (context.Response.HasStarted)
        {
            LogFailedAfterStart(logger, exception, context.Request.Method, context.Request.Path);
            return Task.FromException(exception);
        }

        if (exception is OperationCanceledException && context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody is listening for an error body.
            context.Response.StatusCode = 499;
            return Task.CompletedTask;
        }

        context.Response.Clear();
        var identity = context.GetRequestIdentity();
        context.Response.Headers[CorrelationContext.RequestIdHeader] = identity.RequestId;
        context.Response.Headers[CorrelationContext.CorrelationIdHeader] = identity.CorrelationId;
        if (exception is BadHttpRequestException bad)
        {
            return WriteBadRequestAsync(context, bad);
        }

        if (exception is ApiException api)
        {
            return ApiResults.WriteErrorAsync(context, api.StatusCode, api.Code, api.Message, api.Details);
        }

        if (Array.Find(_outages, o => o.Matches(exception)) is { } outage)
        {
            LogOutage(logger, outage.What, context.Request.Method, context.Request.Path, exception.GetBaseException().Message);
            context.Response.Headers.RetryAfter = Outage.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return ApiResults.WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable, ErrorCodes.ServiceUnavailable,
                $"The service's {outage.What} is unavailable for a moment; nothing was changed. Retry in a few seconds.", null);
        }

        LogUnhandled(logger, exception, context.Request.Method, context.Request.Path);
        return ApiResults.WriteErrorAsync(context, StatusCodes.Status500InternalServerError, ErrorCodes.InternalError,
            $"An unexpected error occurred. Quote request id {context.GetRequestIdentity().RequestId} when reporting it.", null);
    }

    private static Task WriteBadRequestAsync(HttpContext context, BadHttpRequestException bad)
    {
        // A body-size failure surfaces wrapped in the binder's "failed to read" 400; the inner status is the truth.
        if (bad.InnerException is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } inner)
        {
            bad = inner;
        }

        var status = bad.StatusCode;
        switch (status)
        {
            case StatusCodes.Status413PayloadTooLarge:
            case StatusCodes.Status415UnsupportedMediaType:
                var (code, message) = ErrorCodes.ForStatus(status);
                return ApiResults.WriteErrorAsync(context, status, code, message, null);
        }

        if (bad.InnerException is JsonException json)
        {
            var field = string.IsNullOrEmpty(json.Path) ? "$" : json.Path;
            return ApiResults.WriteErrorAsync(context, StatusCodes.Status400BadRequest, ErrorCodes.InvalidJson,
                "The request body is not valid JSON for this operation.",
                [new FieldError(field, json.LineNumber is { } line
                    ? $"Invalid JSON or wrong type at line {line + 1}, position {json.BytePositionInLine + 1}."
                    : "Invalid JSON or wrong type.")]);
        }

        if (BindFailure().Match(bad.Message) is { Success: true } m)
        {
            // [AsParameters] reports the property name (PerPage); clients know the query name (per_page).
            var name = System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(m.Groups["name"].Value);
            var type = m.Groups["type"].Value.Replace("Nullable<", "", StringComparison.Ordinal).TrimEnd('>', '?');
            return ApiResults.WriteErrorAsync(context, StatusCodes.Status400BadRequest, ErrorCodes.InvalidParameter,
                $"Parameter '{name}' has an invalid value.",
                [new FieldError(name, $"'{Truncate(m.Groups["value"].Value)}' is not a valid {type}.")]);
        }

        if (RequiredMissing().Match(bad.Message) is { Success: true } r)
        {
            return ApiResults.WriteErrorAsync(context, StatusCodes.Status400BadRequest, ErrorCodes.BadRequest,
                r.Groups["name"].Value == "body" || r.Groups["source"].Value == "body"
                    ? "A JSON request body is required."
                    : $"Required parameter '{r.Groups["name"].Value}' is missing.",
                null);
        }

        return ApiResults.WriteErrorAsync(context, status, ErrorCodes.BadRequest, "The request is malformed.", null);
    }

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..64] + "…";

    [GeneratedRegex("^Failed to bind parameter \"(?<type>[^ \"]+) (?<name>[^\"]+)\" from \"(?<value>.*)\"\\.$", RegexOptions.Singleline)]
    private static partial Regex BindFailure();

    [GeneratedRegex("^Required parameter \"(?<type>[^ \"]+) (?<name>[^\"]+)\" was not provided from (?<source>\\w+)", RegexOptions.Singleline)]
    private static partial Regex RequiredMissing();

    [LoggerMessage(EventId = 5000, Level = LogLevel.Error, Message = "Unhandled exception for {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, PathString path);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "{Method} {Path} answered 503: the {What} is unavailable ({Cause})")]
    private static partial void LogOutage(ILogger logger, string what, string method, PathString path, string cause);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Error, Message = "Exception after the response started for {Method} {Path}")]
    private static partial void LogFailedAfterStart(ILogger logger, Exception exception, string method, PathString path);
}

/// <summary>An expected failure that maps to the error envelope (thrown where returning a result is awkward).</summary>
public sealed class ApiException(int statusCode, string code, string message, IReadOnlyList<FieldError>? details = null)
    : Exception(message)
{
    /// <summary>HTTP status.</summary>
    public int StatusCode { get; } = statusCode;

    /// <summary>Stable code.</summary>
    public string Code { get; } = code;

    /// <summary>Field details.</summary>
    public IReadOnlyList<FieldError>? Details { get; } = details;
}
