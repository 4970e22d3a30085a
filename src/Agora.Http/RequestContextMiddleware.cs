using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Agora.Http;

/// <summary>
/// Accepts (if sane) or generates <c>X-Request-ID</c> and <c>X-Correlation-ID</c>, echoes both on the
/// response, tags the trace and opens the log scope that puts them on every log line of the request.
/// </summary>
public sealed partial class RequestContextMiddleware(RequestDelegate next, ILogger<RequestContextMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Request.Headers;
        var requestId = headers[CorrelationContext.RequestIdHeader].ToString();
        if (!CorrelationContext.IsSane(requestId))
        {
            requestId = CorrelationContext.NewId("req");
        }

        var correlationId = headers[CorrelationContext.CorrelationIdHeader].ToString();
        if (!CorrelationContext.IsSane(correlationId))
        {
            correlationId = CorrelationContext.NewId("corr");
        }

        context.Features.Set(new RequestIdentity(requestId, correlationId));
        context.Response.Headers[CorrelationContext.RequestIdHeader] = requestId;
        context.Response.Headers[CorrelationContext.CorrelationIdHeader] = correlationId;
        CorrelationContext.CorrelationId = correlationId;

        if (Activity.Current is { } activity)
        {
            activity.SetTag("agora.request_id", requestId);
            activity.SetTag("agora.correlation_id", correlationId);
        }

        var scope = logger.BeginScope(new LogScope(requestId, correlationId));
        if (scope is null)
        {
            return next(context);
        }

        var started = logger.IsEnabled(LogLevel.Debug) ? Stopwatch.GetTimestamp() : 0;
        var task = next(context);
        if (task.IsCompletedSuccessfully)
        {
            LogAccess(context, started);
            scope.Dispose();
            return Task.CompletedTask;
        }

        return AwaitedAsync(task, scope, context, started);
    }

    private async Task AwaitedAsync(Task task, IDisposable scope, HttpContext context, long started)
    {
        using (scope)
        {
            await task;
            LogAccess(context, started);
        }
    }

    /// <summary>An access-log line (Debug, off by default) inside the request's scope: ids, status, duration.</summary>
    private void LogAccess(HttpContext context, long started)
    {
        if (started != 0)
        {
            LogRequest(logger, context.Request.Method, context.Request.Path, context.Response.StatusCode,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    [LoggerMessage(EventId = 1000, Level = LogLevel.Debug, Message = "{Method} {Path} responded {StatusCode} in {ElapsedMs:F1} ms")]
    private static partial void LogRequest(ILogger logger, string method, PathString path, int statusCode, double elapsedMs);

    /// <summary>Log scope rendered by the JSON console formatter as <c>request_id</c> and <c>correlation_id</c>.</summary>
    internal sealed class LogScope(string requestId, string correlationId) : IReadOnlyList<KeyValuePair<string, object>>
    {
        public KeyValuePair<string, object> this[int index] => index switch
        {
            0 => new("request_id", requestId),
            1 => new("correlation_id", correlationId),
            _ => throw new ArgumentOutOfRangeException(nameof(index)),
        };

        public int Count => 2;

        public IEnumerator<KeyValuePair<string, object>> GetEnumerator()
        {
            yield return this[0];
            yield return this[1];
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => $"request_id:{requestId} correlation_id:{correlationId}";
    }
}
