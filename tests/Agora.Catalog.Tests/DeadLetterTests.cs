using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Agora.Http;
using Agora.Catalog.Tests.Infrastructure;
using Agora.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Wolverine;

namespace Agora.Catalog.Tests;

/// <summary>Messages whose handler fails until a test "fixes" it (<see cref="DeadLetterProbeHandler.Fix"/>).</summary>
public sealed record DeadLetterProbe(Guid Id);

/// <summary>The same, as another message type, for the bulk operations and paging (filtered by type).</summary>
public sealed record BulkReplayProbe(Guid Id);

/// <summary>
/// A message whose handler finds the database away (<paramref name="Failures"/> times, in the mode's own database's
/// words), then handles it.
/// </summary>
public sealed record DatabaseOutageProbe(Guid Id, int Failures, bool Sqlite);

/// <summary>Another type, for bulk discard.</summary>
public sealed record BulkDiscardProbe(Guid Id);

/// <summary>
/// One type per mode for the metric: both modes' apps run in one test process, and meters are matched by name, so
/// each counts a type the other never sends.
/// </summary>
public sealed record EmbeddedMetricProbe(Guid Id);

/// <inheritdoc cref="EmbeddedMetricProbe"/>
public sealed record DistributedMetricProbe(Guid Id);

public static class DeadLetterProbeHandler
{
    public static readonly ConcurrentDictionary<Guid, int> Attempts = new();
    public static readonly ConcurrentDictionary<Guid, int> Handled = new();
    private static readonly ConcurrentDictionary<Guid, bool> Fixed = new();

    /// <summary>From now on, the message with this id is handled.</summary>
    public static void Fix(Guid id) => Fixed[id] = true;

    public static void Handle(DeadLetterProbe message) => Run(message.Id);

    public static void Handle(BulkReplayProbe message) => Run(message.Id);

    public static void Handle(DatabaseOutageProbe message)
    {
        if (Attempts.AddOrUpdate(message.Id, 1, (_, n) => n + 1) <= message.Failures)
        {
            throw message.Sqlite
                ? new Microsoft.Data.Sqlite.SqliteException($"database is locked ({message.Id})", 5)
                : new InvalidOperationException("An exception has been raised that is likely due to a transient failure.",
                    new Npgsql.NpgsqlException($"Failed to connect ({message.Id})",
                        new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused)));
        }

        Handled.AddOrUpdate(message.Id, 1, (_, n) => n + 1);
    }

    public static void Handle(BulkDiscardProbe message) => Run(message.Id);

    public static void Handle(EmbeddedMetricProbe message) => Run(message.Id);

    public static void Handle(DistributedMetricProbe message) => Run(message.Id);

    private static void Run(Guid id)
    {
        Attempts.AddOrUpdate(id, 1, (_, n) => n + 1);
        if (!Fixed.ContainsKey(id))
        {
            throw new InvalidOperationException($"dead letter probe {id} is broken");
        }

        Handled.AddOrUpdate(id, 1, (_, n) => n + 1);
    }
}

/// <summary>One Catalog per mode with the probe handlers and a log collector; poison messages reach it over its real transport.</summary>
public abstract class DeadLetterFixture(AgoraMode mode) : IAsyncLifetime
{
    public AgoraMode Mode => mode;

    public CatalogApp App { get; private set; } = null!;
    public HttpClient Admin { get; private set; } = null!;
    public HttpClient Anonymous { get; private set; } = null!;
    public LogRecorder Logs { get; } = new(LogLevel.Information);

    /// <summary>How often the durability agent looks for replayed dead letters here (1 s in production).</summary>
    public static readonly TimeSpan RecoveryPolling = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How long the exactly-once checks watch after a replay or discard: four recovery polls. Nothing signals that a poll
    /// will never hand a message over again, so this is a bounded wait (<see cref="Poll.StaysAsync{T}"/>).
    /// </summary>
    public static readonly TimeSpan SeveralPolls = RecoveryPolling * 4;

    /// <summary>A poison message of this mode's own type (<see cref="EmbeddedMetricProbe"/>).</summary>
    public object MetricProbe(Guid id) => mode == AgoraMode.Embedded ? new EmbeddedMetricProbe(id) : new DistributedMetricProbe(id);

    /// <summary>Its message type name.</summary>
    public string MetricProbeType => mode == AgoraMode.Embedded
        ? typeof(EmbeddedMetricProbe).FullName!
        : typeof(DistributedMetricProbe).FullName!;

    public async Task InitializeAsync()
    {
        App = new CatalogApp(mode).With("Agora:Messaging:RecoveryPollingInterval", RecoveryPolling.ToString("c", System.Globalization.CultureInfo.InvariantCulture)).WithServices(s =>
        {
            s.AddTestHandler(typeof(DeadLetterProbeHandler));
            s.AddSingleton<ILoggerProvider>(Logs);
        });
        await App.InitializeAsync();
        Admin = App.CreateAdminClient();
        Anonymous = App.CreateClient();
    }

    public async Task DisposeAsync() => await App.DisposeAsync();

    /// <summary>
    /// Sends a message to Catalog's own listener: TCP (embedded) or its RabbitMQ queue (distributed), with the correlation
    /// header a sending service stamps on what it publishes.
    /// </summary>
    public async Task SendAsync(object message, string? correlationId = null)
    {
        var destination = mode == AgoraMode.Embedded
            ? new Uri($"tcp://localhost:{App.MessagePort}")
            : new Uri("rabbitmq://queue/" + App.QueueName);
        var options = correlationId is null ? null : new DeliveryOptions().WithHeader(CorrelationContext.CorrelationIdHeader, correlationId);
        await App.Services.GetRequiredService<IMessageBus>().EndpointFor(destination).SendAsync(message, options);
    }
}

public sealed class EmbeddedDeadLetterFixture() : DeadLetterFixture(AgoraMode.Embedded);

public sealed class DistributedDeadLetterFixture() : DeadLetterFixture(AgoraMode.Distributed);

/// <summary>
/// The dead-letter queue as an operator uses it (docs/architecture.md §4): a message that fails every retry is listed with its
/// type, error and attempts, counted in <c>agora_messaging_dead_letters_total</c> and logged as a warning; once the cause
/// is fixed it is replayed and handled exactly once, or discarded and never handled. Staff only.
/// </summary>
public abstract partial class DeadLetterBehaviour(DeadLetterFixture fixture)
{
    private const string Base = "/api/v1/admin/dead-letters";
    private static readonly TimeSpan DeadLetterWait = TimeSpan.FromSeconds(45);

    private HttpClient Admin => fixture.Admin;

    /// <summary>Sends a poison message and waits until it is listed; returns the list item.</summary>
    private async Task<JsonNode> DeadLetterAsync(object message, Guid id, string? correlationId = null)
    {
        await fixture.SendAsync(message, correlationId);
        return await Poll.UntilFoundAsync(() => FindListedAsync(id), $"dead letter of {id}", DeadLetterWait);
    }

    /// <summary>The listed dead letter whose error names the probe id (the dead letter's own id is the envelope's).</summary>
    private async Task<JsonNode?> FindListedAsync(Guid id, string? messageType = null)
    {
        var url = $"{Base}?per_page=100" + (messageType is null ? "" : "&message_type=" + Uri.EscapeDataString(messageType));
        var response = await Admin.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.BodyAsync())["data"]!.AsArray()
            .FirstOrDefault(d => ((string?)d!["error"]!["message"])?.Contains(id.ToString(), StringComparison.Ordinal) == true);
    }

    private async Task<double> DeadLetterMetricAsync(string messageType)
    {
        var text = await (await fixture.Anonymous.GetAsync("/metrics")).Content.ReadAsStringAsync();
        return MetricLine().Matches(text)
            .Where(m => m.Groups["labels"].Value.Contains($"message_type=\"{messageType}\"", StringComparison.Ordinal))
            .Sum(m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"^agora_messaging_dead_letters_total\{(?<labels>[^}]*)\} (?<value>[0-9.eE+-]+)", RegexOptions.Multiline)]
    private static partial Regex MetricLine();

    [Fact]
    public async Task PoisonMessage_AfterRetries_ListedWithTypeErrorAndAttempts_CountedAndLogged()
    {
        var probeId = Guid.NewGuid();
        var type = fixture.MetricProbeType;
        var correlation = "corr-dlq-" + Guid.NewGuid().ToString("N")[..12];
        var before = await DeadLetterMetricAsync(type);

        var listed = await DeadLetterAsync(fixture.MetricProbe(probeId), probeId, correlation);

        var id = (string)listed["id"]!;
        var messageId = (string)listed["message_id"]!;
        Assert.Matches("^dlt_[0-9a-f]{32}$", id);
        Assert.Equal("dlt_" + Guid.Parse(messageId).ToString("N"), id);
        Assert.Equal(type, (string)listed["message_type"]!);
        Assert.Equal(typeof(InvalidOperationException).FullName, (string)listed["error"]!["type"]!);
        Assert.Equal($"dead letter probe {probeId} is broken", (string)listed["error"]!["message"]!);
        Assert.Equal(6, (int)listed["attempts"]!); // the first try and five retries
        Assert.Equal(6, DeadLetterProbeHandler.Attempts[probeId]);
        Assert.Equal(correlation, (string?)listed["correlation_id"]);
        Assert.Equal(0, (int)listed["replay_count"]!);
        Assert.False((bool)listed["replay_requested"]!);
        var failedAt = (DateTime)listed["failed_at"]!;
        Assert.InRange(failedAt, DateTime.UtcNow.AddMinutes(-2), DateTime.UtcNow.AddMinutes(1));
        Assert.Equal(failedAt, (DateTime)listed["first_failed_at"]!);

        // The detail carries the message body as JSON.
        var detail = await Admin.GetAsync($"{Base}/{id}");
        Assert.Equal(HttpStatusCode.OK, detail.StatusCode);
        var data = (await detail.BodyAsync())["data"]!;
        Assert.Equal(id, (string)data["id"]!);
        var body = data["message"]!.AsObject();
        Assert.Equal(probeId, Guid.Parse((string)body.Single(p => p.Key.Equals("id", StringComparison.OrdinalIgnoreCase)).Value!));
        Assert.Contains("json", (string)data["content_type"]!, StringComparison.Ordinal);

        // The counter moved by exactly one, under the message type.
        var after = await Poll.UntilAsync(() => DeadLetterMetricAsync(type), v => v > before, "agora_messaging_dead_letters_total to move");
        Assert.Equal(before + 1, after);

        // One warning, with what an operator needs to find it.
        var warning = await Poll.UntilFoundAsync(
            () => fixture.Logs.Entries.FirstOrDefault(e => e.EventId.Id == 7000 && Equals(e.State.GetValueOrDefault("MessageId"), Guid.Parse(messageId))),
            "the dead-letter warning");
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Equal(type, warning.State["MessageType"]);
        Assert.Equal(id, warning.State["DeadLetterId"]);
        Assert.Equal(typeof(InvalidOperationException).FullName, warning.State["ExceptionType"]);
        Assert.Equal($"dead letter probe {probeId} is broken", warning.State["ExceptionMessage"]);
        Assert.Equal(6, warning.State["Attempts"]);
        Assert.Equal(correlation, warning.State["CorrelationId"]);
        Assert.Single(fixture.Logs.Entries, e => e.EventId.Id == 7000 && Equals(e.State.GetValueOrDefault("MessageId"), Guid.Parse(messageId)));
    }

    [Fact]
    public async Task DatabaseAway_LongerThanTheQuickRetries_IsWaitedOutAndHandledOnce_NotDeadLettered()
    {
        // PostgreSQL restarting in the chaos run failed handlers for about 3 s, as long as the five quick retries
        // (100…1600 ms) last: a message that failed six times was dead-lettered, and the dead-letter store, in the
        // same database, could not take it either. An order waiting on it never ended.
        var probe = new DatabaseOutageProbe(Guid.NewGuid(), Failures: 6, Sqlite: fixture.Mode == AgoraMode.Embedded);

        await fixture.SendAsync(probe);

        await Poll.UntilAsync(() => DeadLetterProbeHandler.Handled.ContainsKey(probe.Id), "the message handled once the database is back", DeadLetterWait);
        Assert.Equal(7, DeadLetterProbeHandler.Attempts[probe.Id]);
        Assert.Equal(1, DeadLetterProbeHandler.Handled[probe.Id]);
        Assert.Null(await FindListedAsync(probe.Id));
    }

    [Fact]
    public async Task Replay_AfterTheHandlerIsFixed_HandledExactlyOnceAndGone()
    {
        var probe = new DeadLetterProbe(Guid.NewGuid());
        var id = (string)(await DeadLetterAsync(probe, probe.Id))["id"]!;
        DeadLetterProbeHandler.Fix(probe.Id);

        var response = await Admin.PostAsync($"{Base}/{id}/replay", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal($"{Base}/{id}", response.Headers.Location?.OriginalString);
        var marked = (await response.BodyAsync())["data"]!;
        Assert.Equal(id, (string)marked["id"]!);
        Assert.True((bool)marked["replay_requested"]!);
        await Poll.UntilAsync(() => DeadLetterProbeHandler.Handled.ContainsKey(probe.Id), "the replayed message handled", DeadLetterWait);
        await Poll.UntilAsync(async () => (await Admin.GetAsync($"{Base}/{id}")).StatusCode == HttpStatusCode.NotFound, "the dead letter gone");
        // Several recovery polls: none may hand it over twice.
        await Poll.StaysAsync(() => DeadLetterProbeHandler.Handled[probe.Id] == 1, "the replayed message handled once", DeadLetterFixture.SeveralPolls);
        Assert.Equal(7, DeadLetterProbeHandler.Attempts[probe.Id]);
        Assert.Null(await FindListedAsync(probe.Id));
        await (await Admin.PostAsync($"{Base}/{id}/replay", null)).AssertErrorAsync(404, "DEAD_LETTER_NOT_FOUND");
    }

    [Fact]
    public async Task Replay_StillBroken_ComesBackWithReplayCount()
    {
        var probe = new DeadLetterProbe(Guid.NewGuid());
        var listed = await DeadLetterAsync(probe, probe.Id);
        var id = (string)listed["id"]!;

        Assert.Equal(HttpStatusCode.Accepted, (await Admin.PostAsync($"{Base}/{id}/replay", null)).StatusCode);

        var again = await Poll.UntilFoundAsync(
            async () => await FindListedAsync(probe.Id) is { } d && (int)d["replay_count"]! == 1 ? d : null, "the dead letter back", DeadLetterWait);
        Assert.Equal(id, (string)again["id"]!);
        Assert.Equal(12, DeadLetterProbeHandler.Attempts[probe.Id]);
        Assert.False((bool)again["replay_requested"]!);
        Assert.Equal((DateTime)listed["first_failed_at"]!, (DateTime)again["first_failed_at"]!);
        Assert.NotNull((DateTime?)again["last_replayed_at"]);
        Assert.False(DeadLetterProbeHandler.Handled.ContainsKey(probe.Id));
    }

    [Fact]
    public async Task Discard_RemovesWithoutHandling()
    {
        var probe = new DeadLetterProbe(Guid.NewGuid());
        var id = (string)(await DeadLetterAsync(probe, probe.Id))["id"]!;
        DeadLetterProbeHandler.Fix(probe.Id); // were it handed back, it would now be handled

        var response = await Admin.DeleteAsync($"{Base}/{id}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await (await Admin.GetAsync($"{Base}/{id}")).AssertErrorAsync(404, "DEAD_LETTER_NOT_FOUND");
        await (await Admin.DeleteAsync($"{Base}/{id}")).AssertErrorAsync(404, "DEAD_LETTER_NOT_FOUND");
        // Several recovery polls: none may hand a discarded message back.
        await Poll.StaysAsync(() => !DeadLetterProbeHandler.Handled.ContainsKey(probe.Id), "the discarded message never handled", DeadLetterFixture.SeveralPolls);
        Assert.Equal(6, DeadLetterProbeHandler.Attempts[probe.Id]);
        Assert.Null(await FindListedAsync(probe.Id));
    }

    [Fact]
    public async Task BulkReplay_ByMessageType_PagedListThenEachHandledOnce()
    {
        var probes = Enumerable.Range(0, 3).Select(_ => new BulkReplayProbe(Guid.NewGuid())).ToList();
        var other = new DeadLetterProbe(Guid.NewGuid());
        await Task.WhenAll(probes.Select(p => DeadLetterAsync(p, p.Id)).Append(DeadLetterAsync(other, other.Id)));
        const string type = "Agora.Catalog.Tests.BulkReplayProbe";

        // Two pages of two: every dead letter of the type once.
        var first = await (await Admin.GetAsync($"{Base}?message_type={type}&per_page=2")).BodyAsync();
        var second = await (await Admin.GetAsync($"{Base}?message_type={type}&per_page=2&page=2")).BodyAsync();
        Assert.Equal(3, (long)first["pagination"]!["total"]!);
        Assert.Equal(2, (int)first["pagination"]!["total_pages"]!);
        Assert.Equal(3, (long)second["pagination"]!["total"]!);
        var ids = first["data"]!.AsArray().Concat(second["data"]!.AsArray()).Select(d => (string)d!["id"]!).ToList();
        Assert.Equal(3, ids.Distinct().Count());
        Assert.All(first["data"]!.AsArray().Concat(second["data"]!.AsArray()), d => Assert.Equal(type, (string)d!["message_type"]!));
        var beyond = await (await Admin.GetAsync($"{Base}?message_type={type}&per_page=2&page=3")).BodyAsync();
        Assert.Empty(beyond["data"]!.AsArray());
        Assert.Equal(3, (long)beyond["pagination"]!["total"]!);

        probes.ForEach(p => DeadLetterProbeHandler.Fix(p.Id));
        var response = await Admin.PostAsync($"{Base}/replay?message_type={type}", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal($"{Base}?message_type={type}", response.Headers.Location?.OriginalString);
        Assert.Equal(3, (int)(await response.BodyAsync())["data"]!["replayed"]!);
        await Poll.UntilAsync(() => probes.All(p => DeadLetterProbeHandler.Handled.ContainsKey(p.Id)), "all three handled", DeadLetterWait);
        await Poll.UntilAsync(async () => (long)(await (await Admin.GetAsync($"{Base}?message_type={type}")).BodyAsync())["pagination"]!["total"]! == 0,
            "the type's dead letters gone");
        // Several recovery polls: none may hand one over twice.
        await Poll.StaysAsync(() => probes.All(p => DeadLetterProbeHandler.Handled[p.Id] == 1), "each replayed message handled once", DeadLetterFixture.SeveralPolls);
        Assert.NotNull(await FindListedAsync(other.Id)); // another type stays
    }

    [Fact]
    public async Task BulkDiscard_ByMessageType_RemovesOnlyThatType()
    {
        var probes = Enumerable.Range(0, 2).Select(_ => new BulkDiscardProbe(Guid.NewGuid())).ToList();
        var other = new DeadLetterProbe(Guid.NewGuid());
        await Task.WhenAll(probes.Select(p => DeadLetterAsync(p, p.Id)).Append(DeadLetterAsync(other, other.Id)));
        probes.ForEach(p => DeadLetterProbeHandler.Fix(p.Id));

        var response = await Admin.DeleteAsync($"{Base}?message_type=Agora.Catalog.Tests.BulkDiscardProbe");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, (int)(await response.BodyAsync())["data"]!["discarded"]!);
        var left = await (await Admin.GetAsync($"{Base}?message_type=Agora.Catalog.Tests.BulkDiscardProbe")).BodyAsync();
        Assert.Empty(left["data"]!.AsArray());
        // Several recovery polls: none may hand a discarded message back.
        await Poll.StaysAsync(() => probes.All(p => !DeadLetterProbeHandler.Handled.ContainsKey(p.Id)), "the discarded messages never handled",
            DeadLetterFixture.SeveralPolls);
        Assert.NotNull(await FindListedAsync(other.Id));
    }

    public static TheoryData<string, string> Endpoints => new()
    {
        { "GET", Base },
        { "GET", $"{Base}/dlt_{Guid.NewGuid():N}" },
        { "POST", $"{Base}/dlt_{Guid.NewGuid():N}/replay" },
        { "POST", $"{Base}/replay" },
        { "DELETE", $"{Base}/dlt_{Guid.NewGuid():N}" },
        { "DELETE", $"{Base}?all=true" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Endpoint_Anonymous_Is401(string method, string url)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        var response = await fixture.Anonymous.SendAsync(request);
        await response.AssertErrorAsync(401, ErrorCodes.Unauthorized);
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Endpoint_NotAdmin_Is403(string method, string url)
    {
        // A user without the admin role, and a service with every catalogue scope: neither is staff.
        foreach (var token in new[] { fixture.App.Identity.Token().Subject("usr_someone").Build(), fixture.App.Identity.ClientToken("write:catalog write:inventory") })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), url);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            await (await fixture.Anonymous.SendAsync(request)).AssertErrorAsync(403, ErrorCodes.Forbidden);
        }
    }

    [Theory]
    [InlineData("GET", Base + "/not-a-dead-letter", 404, "DEAD_LETTER_NOT_FOUND")]
    [InlineData("GET", Base + "/dlt_00000000000000000000000000000000", 404, "DEAD_LETTER_NOT_FOUND")]
    [InlineData("POST", Base + "/prd_0195f0c2a7e34d1c9b6a2f4e8d0c1b2a/replay", 404, "DEAD_LETTER_NOT_FOUND")]
    [InlineData("GET", Base + "?per_page=0", 422, ErrorCodes.ValidationError)]
    [InlineData("GET", Base + "?page=0", 422, ErrorCodes.ValidationError)]
    [InlineData("GET", Base + "?message_type=%3Cscript%3E", 422, ErrorCodes.ValidationError)]
    [InlineData("GET", Base + "?per_page=many", 400, ErrorCodes.InvalidParameter)]
    [InlineData("DELETE", Base, 422, ErrorCodes.ValidationError)]
    [InlineData("DELETE", Base + "?all=false", 422, ErrorCodes.ValidationError)]
    [InlineData("DELETE", Base + "?all=true&message_type=Agora.Catalog.Tests.DeadLetterProbe", 422, ErrorCodes.ValidationError)]
    public async Task Endpoint_BadRequest_IsEnvelopedError(string method, string url, int status, string code)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        var response = await Admin.SendAsync(request);
        await response.AssertErrorAsync(status, code);
    }
}

/// <summary>
/// Run alone, after the parallel tests: OpenTelemetry matches meters by name across the whole process, so a metric stream
/// of another app's <c>Agora.Messaging</c> meter would absorb this app's counts and vanish when that app is disposed. One
/// service per process, as in production, keeps the counter honest.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DeadLetterCollection
{
    public const string Name = "Dead letters (alone: process-wide meters)";
}

[Collection(DeadLetterCollection.Name)]
public sealed class EmbeddedDeadLetterTests(EmbeddedDeadLetterFixture fixture)
    : DeadLetterBehaviour(fixture), IClassFixture<EmbeddedDeadLetterFixture>;

[Collection(DeadLetterCollection.Name)]
public sealed class DistributedDeadLetterTests(DistributedDeadLetterFixture fixture)
    : DeadLetterBehaviour(fixture), IClassFixture<DistributedDeadLetterFixture>;
