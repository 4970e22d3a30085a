using System.Net.Http.Headers;
using System.Text.Json;
using Agora.Http;
using Agora.GraphQL.Backends;
using Agora.GraphQL.Schema;
using GraphQL;
using GraphQL.Transport;
using GraphQL.Types;
using GraphQL.Validation;
using GraphQLParser.Exceptions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Agora.GraphQL.Execution;

/// <summary>
/// The <c>/graphql</c> endpoint (GraphQL over HTTP): POST <c>application/json</c> <c>{query, variables, operationName}</c>,
/// or GET <c>?query=…&amp;variables=…&amp;operationName=…</c> for queries only. Answers <c>application/json</c>:
/// 200 with <c>data</c> and/or <c>errors</c> for anything that was a GraphQL request (including one that failed
/// validation or the limits on depth, complexity, aliases and backend fields), 429 when the caller's rate limit cannot
/// pay for the document's cost (<see cref="IGraphQLCostGate"/>; nothing runs), 400 for one that was not a GraphQL
/// request (bad JSON, no query), 405 for another method or a mutation over GET, 415 for another media type. Every error
/// carries <c>extensions.code</c> and <c>extensions.request_id</c>; nothing a client sends gives a 500.
/// </summary>
internal static partial class GraphQLEndpoint
{
    private const string JsonMediaType = "application/json";

    public static async Task HandleAsync(HttpContext http, IDocumentExecuter<AgoraSchema> executer, IGraphQLTextSerializer serializer,
        CallerContext caller, IOptions<AgoraGraphQLOptions> options, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("Agora.GraphQL");
        var requestId = http.GetRequestIdentity().RequestId;
        caller.RequestId = requestId;
        if (AuthenticationHeaderValue.TryParse(http.Request.Headers.Authorization.ToString(), out var authorization)
            && string.Equals(authorization.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase) && !string.IsNullOrEmpty(authorization.Parameter))
        {
            caller.Authorization = new AuthenticationHeaderValue("Bearer", authorization.Parameter);
        }

        var isGet = HttpMethods.IsGet(http.Request.Method);
        GraphQLRequest? request;
        if (isGet)
        {
            var query = http.Request.Query;
            request = new GraphQLRequest { Query = query["query"].ToString(), OperationName = NullIfEmpty(query["operationName"].ToString()) };
            if (NullIfEmpty(query["variables"].ToString()) is { } variables)
            {
                try
                {
                    request.Variables = serializer.Deserialize<Inputs>(variables);
                }
                catch (Exception e) when (e is JsonException or GraphQLSyntaxErrorException or InvalidOperationException or FormatException)
                {
                    await WriteErrorAsync(http, serializer, StatusCodes.Status400BadRequest, "INVALID_JSON", "variables is not a JSON object.", requestId);
                    return;
                }
            }
        }
        else if (HttpMethods.IsPost(http.Request.Method))
        {
            if (!IsJson(http.Request.ContentType))
            {
                await WriteErrorAsync(http, serializer, StatusCodes.Status415UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE",
                    "Send the request as application/json: {\"query\": \"…\", \"variables\": {…}, \"operationName\": \"…\"}.", requestId);
                return;
            }

            try
            {
                request = await serializer.ReadAsync<GraphQLRequest>(http.Request.Body, http.RequestAborted);
            }
            catch (Exception e) when (e is JsonException or GraphQLSyntaxErrorException or InvalidOperationException or FormatException or NotSupportedException)
            {
                await WriteErrorAsync(http, serializer, StatusCodes.Status400BadRequest, "INVALID_JSON",
                    "The body is not a GraphQL request: {\"query\": \"…\", \"variables\": {…}, \"operationName\": \"…\"}.", requestId);
                return;
            }
            catch (BadHttpRequestException e)
            {
                await WriteErrorAsync(http, serializer, e.StatusCode, e.StatusCode == 413 ? "PAYLOAD_TOO_LARGE" : GraphQLErrorCodes.BadRequest,
                    e.StatusCode == 413 ? "The request body is too large." : "The request could not be read.", requestId);
                return;
            }
        }
        else
        {
            http.Response.Headers.Allow = "GET, POST";
            await WriteErrorAsync(http, serializer, StatusCodes.Status405MethodNotAllowed, "METHOD_NOT_ALLOWED", "Use POST (or GET for queries).", requestId);
            return;
        }

        if (string.IsNullOrWhiteSpace(request?.Query))
        {
            await WriteErrorAsync(http, serializer, StatusCodes.Status400BadRequest, GraphQLErrorCodes.BadRequest,
                "No query: send {\"query\": \"{ … }\"} (persisted documents are not supported).", requestId);
            return;
        }

        if (request.Query.Length > options.Value.MaxQueryLength)
        {
            await WriteErrorAsync(http, serializer, StatusCodes.Status400BadRequest, "QUERY_TOO_LONG",
                $"The query is longer than {options.Value.MaxQueryLength} characters.", requestId);
            return;
        }

        var gate = http.RequestServices.GetService<IGraphQLCostGate>();
        var charging = gate is null ? null : new CostChargingListener(http, gate, http.RequestServices.GetRequiredService<DocumentBudget>());
        var result = await executer.ExecuteAsync(o =>
        {
            if (charging is not null)
            {
                o.Listeners.Add(charging);
            }

            o.Query = request.Query;
            o.OperationName = request.OperationName;
            o.Variables = request.Variables;
            o.Extensions = request.Extensions;
            o.RequestServices = http.RequestServices;
            o.User = http.User;
            o.CancellationToken = http.RequestAborted;
            if (isGet)
            {
                o.ValidationRules = DocumentValidator.CoreRules.Append(GetOnlyQueriesRule.Instance);
            }

            o.UnhandledExceptionDelegate = context =>
            {
                // A bug, not something the client did: logged with the request id, shown as a bare INTERNAL_ERROR.
                LogUnhandled(logger, context.FieldContext?.FieldDefinition.Name ?? "(document)", requestId, context.OriginalException);
                context.ErrorMessage = "Something went wrong on our side; quote the request id if you report it.";
                context.Exception = new ExecutionError(context.ErrorMessage) { Code = GraphQLErrorCodes.InternalError };
                return Task.CompletedTask;
            };
        });

        var status = StatusCodes.Status200OK;
        foreach (var error in result.Errors ?? [])
        {
            error.Data[AgoraErrorInfoProvider.RequestIdKey] = requestId;
            if (error.Code == GetOnlyQueriesRule.Code)
            {
                http.Response.Headers.Allow = "POST";
                status = StatusCodes.Status405MethodNotAllowed;
            }
        }

        if (charging?.RetryAfter is { } retryAfter)
        {
            // The caller's rate limit could not pay for the document: the same answer as any other refusal by the limit.
            status = StatusCodes.Status429TooManyRequests;
            http.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        http.Response.StatusCode = status;
        http.Response.ContentType = JsonMediaType + "; charset=utf-8";
        await serializer.WriteAsync(http.Response.Body, result, http.RequestAborted);
    }

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && (string.Equals(media.MediaType, JsonMediaType, StringComparison.OrdinalIgnoreCase)
            || string.Equals(media.MediaType, "application/graphql-response+json", StringComparison.OrdinalIgnoreCase));

    private static string? NullIfEmpty(string value) => string.IsNullOrEmpty(value) ? null : value;

    private static async Task WriteErrorAsync(HttpContext http, IGraphQLTextSerializer serializer, int status, string code, string message, string requestId)
    {
        var error = new ExecutionError(message) { Code = code };
        error.Data[AgoraErrorInfoProvider.RequestIdKey] = requestId;
        http.Response.StatusCode = status;
        http.Response.ContentType = JsonMediaType + "; charset=utf-8";
        await serializer.WriteAsync(http.Response.Body, new ExecutionResult { Errors = [error] }, http.RequestAborted);
    }

    [LoggerMessage(EventId = 7101, Level = LogLevel.Error, Message = "GraphQL: unhandled error in {Field} (request {RequestId})")]
    private static partial void LogUnhandled(ILogger logger, string field, string requestId, Exception exception);
}
