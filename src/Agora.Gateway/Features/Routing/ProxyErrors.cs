using System.Globalization;
using Agora.Http;
using Agora.Gateway.Features.Resilience;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Agora.Gateway.Features.Routing;

/// <summary>
/// The first step of the proxy pipeline: when YARP could not get an answer (no replica, connection refused, timeout,
/// breaker open, body too large), it sets a bare status; this writes the error envelope instead, with a code a client
/// can act on. Answers from the services pass through untouched, whatever their status.
/// </summary>
internal static partial class ProxyErrors
{
    /// <summary>Codes of the gateway's own failures.</summary>
    public const string BadGateway = "BAD_GATEWAY", GatewayTimeout = "GATEWAY_TIMEOUT", CircuitOpen = "CIRCUIT_OPEN", NoReplica = "NO_HEALTHY_REPLICA";

    public static async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        await next();
        if (context.Features.Get<IForwarderErrorFeature>() is not { } error || context.Response.HasStarted)
        {
            return;
        }

        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ProxyErrors));
        LogProxyError(logger, context.Request.Method, context.Request.Path, error.Error, error.Exception?.GetType().Name);
        // Clear drops what the upstream half-wrote, but the CORS answer must stay: a browser only shows the error if it may.
        var cors = context.Response.Headers.Where(h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase)).ToList();
        context.Response.Clear();
        foreach (var (name, value) in cors)
        {
            context.Response.Headers[name] = value;
        }

        var identity = context.GetRequestIdentity();
        context.Response.Headers[CorrelationContext.RequestIdHeader] = identity.RequestId;
        context.Response.Headers[CorrelationContext.CorrelationIdHeader] = identity.CorrelationId;
        var result = Map(error, context);
        await result.ExecuteAsync(context);
    }

    private static ApiError Map(IForwarderErrorFeature error, HttpContext context)
    {
        for (var e = error.Exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case CircuitOpenException open:
                    context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(open.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                    return ApiResults.Error(StatusCodes.Status503ServiceUnavailable, CircuitOpen,
                        "The service behind this route is failing; the gateway stopped calling it for a while. Retry later.");
                case AttemptTimeoutException:
                    return ApiResults.Error(StatusCodes.Status504GatewayTimeout, GatewayTimeout, "The service behind this route did not answer in time.");
                case BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }:
                    var (code, message) = ErrorCodes.ForStatus(StatusCodes.Status413PayloadTooLarge);
                    return ApiResults.Error(StatusCodes.Status413PayloadTooLarge, code, message);
            }
        }

        return error.Error switch
        {
            ForwarderError.NoAvailableDestinations => ApiResults.Error(StatusCodes.Status503ServiceUnavailable, NoReplica,
                "No healthy instance of the service behind this route is available. Retry later."),
            ForwarderError.RequestTimedOut => ApiResults.Error(StatusCodes.Status504GatewayTimeout, GatewayTimeout,
                "The service behind this route did not answer in time."),
            ForwarderError.RequestBodyClient or ForwarderError.RequestBodyCanceled => ApiResults.Error(StatusCodes.Status400BadRequest,
                ErrorCodes.BadRequest, "The request body could not be read."),
            _ => ApiResults.Error(StatusCodes.Status502BadGateway, BadGateway, "The service behind this route could not be reached."),
        };
    }

    [LoggerMessage(EventId = 8000, Level = LogLevel.Warning, Message = "Proxy error on {Method} {Path}: {Error} ({Exception})")]
    private static partial void LogProxyError(ILogger logger, string method, PathString path, ForwarderError error, string? exception);
}
