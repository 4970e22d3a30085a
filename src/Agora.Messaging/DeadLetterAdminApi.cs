using System.Security.Claims;
using Agora.Http;
using Agora.Auth;
using Agora.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Wolverine.Persistence.Durability;
using Wolverine.Persistence.Durability.DeadLetterManagement;

namespace Agora.Messaging;

/// <summary>
/// <c>/api/v1/admin/dead-letters</c>: what an operator does with messages that failed every retry (docs/architecture.md §4):
/// list, read, replay (once, back to the handler) and discard. Staff only (role <c>admin</c>). Everything goes through
/// Wolverine's own dead-letter API (<see cref="IDeadLetters"/>) on the service's message store, the same in both modes.
/// <c>MapDefaultEndpoints</c> maps it for every service that uses <c>AddAgoraMessaging</c>.
/// </summary>
public static partial class DeadLetterAdminApi
{
    /// <summary>
    /// The authorization policy of these endpoints. <c>AddAgoraMessaging</c> registers it as a bearer token (the
    /// <c>AddAgoraAuthentication</c> scheme) with role <c>admin</c>, unless the service registered its own under this
    /// name (a service that authenticates differently, such as Identity).
    /// </summary>
    public const string Policy = "agora:dead-letters";

    /// <summary>The OpenAPI tag.</summary>
    public const string Tag = "Dead letters";

    internal const string TagDescription =
        "Messages that failed every retry (100 ms to 1.6 s backoff, 6 attempts) wait in the service's dead-letter storage. "
        + "Staff list them, read them, replay them once the cause is fixed, or discard them.";

    private const string NotFoundCode = "DEAD_LETTER_NOT_FOUND";
    private const string Route = "/api/v1/admin/dead-letters";

    /// <summary>
    /// Registered by <c>AddAgoraMessaging</c>, mapped by <c>MapDefaultEndpoints</c>: staff endpoints for messages that
    /// failed every retry, only where the service has authorization (its policy is what lets staff in).
    /// </summary>
    internal sealed class Endpoints : IDefaultEndpoints
    {
        public void Map(WebApplication app)
        {
            if (app.Services.GetService<IAuthorizationPolicyProvider>() is not null)
            {
                app.MapDeadLetterAdmin();
            }
        }
    }

    /// <summary>Maps the dead-letter admin endpoints (done by <c>MapDefaultEndpoints</c> through <see cref="Endpoints"/>).</summary>
    public static IEndpointRouteBuilder MapDeadLetterAdmin(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Route).WithTags(Tag).RequireAuthorization(Policy);
        group.MapGet("/", ListAsync).WithName("ListDeadLetters")
            .WithSummary("Dead letters, optionally of one message type; offset-paged")
            .WithDescription("A page of the service's dead letters with their type, error, attempts and failure times. "
                + "Paged with page and per_page (Wolverine's store offers no keyset order for a cursor); pagination.total counts "
                + "every match.")
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError);
        group.MapGet("/{id}", GetAsync).WithName("GetDeadLetter")
            .WithSummary("A dead letter with its message body")
            .WithDescription("One dead letter, with the message body as JSON when it can be read as JSON (else null).")
            .ProducesError(StatusCodes.Status404NotFound, NotFoundCode);
        group.MapPost("/{id}/replay", ReplayOneAsync).WithName("ReplayDeadLetter")
            .WithSummary("Hand a dead letter back to its handler, once")
            .WithDescription("Marks the dead letter for replay: within seconds the service moves it back to its inbox, removes it "
                + "from the dead letters and handles it once. If it fails every retry again, it comes back here with replay_count "
                + "one higher. Answers 202 with the dead letter as marked, and its address as Location.")
            .ProducesError(StatusCodes.Status404NotFound, NotFoundCode);
        group.MapPost("/replay", ReplayManyAsync).WithName("ReplayDeadLetters")
            .WithSummary("Hand every dead letter (or those of one message type) back to its handler, once")
            .WithDescription("Marks every dead letter, or those of message_type, for replay, and answers 202 with how many and "
                + "the list they leave as Location.")
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError);
        group.MapDelete("/{id}", DiscardOneAsync).WithName("DiscardDeadLetter")
            .WithSummary("Discard a dead letter: it will not be handled")
            .WithDescription("Deletes the dead letter for good; its message is never handled.")
            .ProducesError(StatusCodes.Status404NotFound, NotFoundCode);
        group.MapDelete("/", DiscardManyAsync).WithName("DiscardDeadLetters")
            .WithSummary("Discard the dead letters of one message type (or all, when asked explicitly)")
            .WithDescription("Deletes the dead letters of message_type for good, or every dead letter with all=true; one of the "
                + "two is required (422 otherwise). Answers how many were discarded.")
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError);
        return app;
    }

    private static async Task<Results<ApiOk<IReadOnlyList<DeadLetterDto>>, ApiError>> ListAsync(
        [Microsoft.AspNetCore.Http.AsParameters] DeadLetterListQuery query, IMessageStore store, CancellationToken ct)
    {
        var v = new Validator();
        var perPage = Paging.PerPage(query.PerPage, query.Page, null, v);
        var page = query.Page ?? 1;
        v.Require(page <= DeadLetterFilter.MaxPage, "page", $"Must be at most {DeadLetterFilter.MaxPage}.");
        ValidateMessageType(query.MessageType, v);
        if (!v.IsValid)
        {
            return v.ToError();
        }

        var results = await store.DeadLetters.QueryAsync(
            new DeadLetterEnvelopeQuery { PageNumber = page, PageSize = perPage, MessageType = NullIfEmpty(query.MessageType) }, ct);
        long total = results.TotalCount;
        if (results.Envelopes.Count == 0 && page > 1)
        {
            // The total rides on the rows; a page past the end has none, so count on the first page.
            total = (await store.DeadLetters.QueryAsync(
                new DeadLetterEnvelopeQuery { PageNumber = 1, PageSize = 1, MessageType = NullIfEmpty(query.MessageType) }, ct)).TotalCount;
        }

        var items = results.Envelopes.Select(DeadLetterDto.From).ToList();
        return ApiResults.Page<DeadLetterDto>(items, Paging.Info(perPage, total, null, page));
    }

    private static async Task<Results<ApiOk<DeadLetterDetailDto>, ApiError>> GetAsync(string id, IMessageStore store)
    {
        var found = await FindAsync(store, id);
        return found is null ? NotFound(id) : ApiResults.Ok(DeadLetterDetailDto.FromDetail(found));
    }

    private static async Task<Results<ApiAccepted<DeadLetterDto>, ApiError>> ReplayOneAsync(
        string id, IMessageStore store, ClaimsPrincipal user, ILoggerFactory loggers, CancellationToken ct)
    {
        if (await FindAsync(store, id) is not { } found)
        {
            return NotFound(id);
        }

        var result = await store.DeadLetters.ReplayMatchingAsync(new DeadLetterEnvelopeQuery { MessageIds = [found.Id] }, ct);
        if (result.Affected == 0)
        {
            return NotFound(id); // replayed or discarded meanwhile
        }

        LogReplayed(Logger(loggers), 1, found.MessageType, Subject(user));
        var marked = await store.DeadLetters.DeadLetterEnvelopeByIdAsync(found.Id);
        // Location: the dead letter itself, which answers 404 once the message is back with its handler.
        return ApiResults.Accepted($"{Route}/{DeadLetterIds.Format(found.Id)}", DeadLetterDto.From(marked ?? found));
    }

    private static async Task<Results<ApiAccepted<DeadLetterReplayResult>, ApiError>> ReplayManyAsync(
        [Microsoft.AspNetCore.Http.AsParameters] DeadLetterFilter filter, IMessageStore store, ClaimsPrincipal user,
        ILoggerFactory loggers, CancellationToken ct)
    {
        var v = new Validator();
        ValidateMessageType(filter.MessageType, v);
        if (!v.IsValid)
        {
            return v.ToError();
        }

        var result = await store.DeadLetters.ReplayMatchingAsync(new DeadLetterEnvelopeQuery { MessageType = NullIfEmpty(filter.MessageType) }, ct);
        var count = result.Affected ?? 0;
        LogReplayed(Logger(loggers), count, NullIfEmpty(filter.MessageType) ?? "(all types)", Subject(user));
        // Location: the list the replayed dead letters leave as they are handed back.
        var type = NullIfEmpty(filter.MessageType);
        return ApiResults.Accepted(type is null ? Route : $"{Route}?message_type={Uri.EscapeDataString(type)}", new DeadLetterReplayResult(count));
    }

    private static async Task<Results<NoContent, ApiError>> DiscardOneAsync(
        string id, IMessageStore store, ClaimsPrincipal user, ILoggerFactory loggers, CancellationToken ct)
    {
        if (await FindAsync(store, id) is not { } found)
        {
            return NotFound(id);
        }

        var result = await store.DeadLetters.DiscardMatchingAsync(new DeadLetterEnvelopeQuery { MessageIds = [found.Id] }, ct);
        if (result.Affected == 0)
        {
            return NotFound(id);
        }

        LogDiscarded(Logger(loggers), 1, found.MessageType, Subject(user));
        return TypedResults.NoContent();
    }

    private static async Task<Results<ApiOk<DeadLetterDiscardResult>, ApiError>> DiscardManyAsync(
        [Microsoft.AspNetCore.Http.AsParameters] DeadLetterDiscardFilter filter, IMessageStore store, ClaimsPrincipal user,
        ILoggerFactory loggers, CancellationToken ct)
    {
        var v = new Validator();
        ValidateMessageType(filter.MessageType, v);
        var type = NullIfEmpty(filter.MessageType);
        v.Require(type is not null || filter.All == true, "message_type",
            "Give the message type to discard, or all=true to discard every dead letter.");
        v.Require(type is null || filter.All != true, "all", "Give either message_type or all=true, not both.");
        if (!v.IsValid)
        {
            return v.ToError();
        }

        var result = await store.DeadLetters.DiscardMatchingAsync(new DeadLetterEnvelopeQuery { MessageType = type }, ct);
        var count = result.Affected ?? 0;
        LogDiscarded(Logger(loggers), count, type ?? "(all types)", Subject(user));
        return ApiResults.Ok(new DeadLetterDiscardResult(count));
    }

    /// <summary>The dead letter an API id names, or null (also for an id that is not a dead-letter id at all).</summary>
    private static async Task<DeadLetterEnvelope?> FindAsync(IMessageStore store, string id) =>
        DeadLetterIds.TryParse(id, out var messageId) ? await store.DeadLetters.DeadLetterEnvelopeByIdAsync(messageId) : null;

    private static ApiError NotFound(string id) =>
        ApiResults.NotFound(NotFoundCode, $"No dead letter '{DeadLetterIds.Truncate(id, 64)}' (replayed, discarded, or never there).");

    private static void ValidateMessageType(string? messageType, Validator v) =>
        v.Require(messageType is null || (messageType.Length <= DeadLetterDto.MaxMessageTypeLength
                && MessageTypeName().IsMatch(messageType)),
            "message_type", $"A message type name as listed: at most {DeadLetterDto.MaxMessageTypeLength} characters of letters, digits and ._+:/`,[]-.");

    [System.Text.RegularExpressions.GeneratedRegex(DeadLetterFilter.MessageTypePattern)]
    private static partial System.Text.RegularExpressions.Regex MessageTypeName();

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static string Subject(ClaimsPrincipal user) => user.FindFirst(AgoraClaims.Subject)?.Value ?? "unknown";

    private static ILogger Logger(ILoggerFactory loggers) => loggers.CreateLogger("Agora.Messaging.DeadLetterAdmin");

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Replay of {Count} dead letter(s) of {MessageType} requested by {Subject}")]
    private static partial void LogReplayed(ILogger logger, int count, string messageType, string subject);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "Discarded {Count} dead letter(s) of {MessageType}, by {Subject}")]
    private static partial void LogDiscarded(ILogger logger, int count, string messageType, string subject);
}
