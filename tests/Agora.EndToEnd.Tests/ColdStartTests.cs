using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Agora.Hosting;

namespace Agora.EndToEnd.Tests;

/// <summary>
/// The embedded shop started from nothing while a client polls the gateway every 0.3 s from the moment the AppHost starts
/// (issue 12: the gateway answered before Catalog had migrated and seeded, five early 502s opened the <c>catalog</c>
/// breaker, and every request got 503 <c>CIRCUIT_OPEN</c> for 30 s although Catalog was healthy within seconds).
/// </summary>
public sealed class ColdStartFixture() : AppHostFixture(AgoraMode.Embedded)
{
    /// <summary>One poll: when (since the AppHost started), the status (0: no answer) and the envelope's error code.</summary>
    public sealed record Poll(TimeSpan At, int Status, string? Code);

    /// <summary>Every poll, in order.</summary>
    public List<Poll> Polls { get; } = [];

    /// <summary>When every service was healthy (since the AppHost started).</summary>
    public TimeSpan AllHealthyAt { get; private set; }

    /// <summary>Polls after every service was healthy (a few seconds' worth, to see the state the shop settled in).</summary>
    public const int PollsAfterReady = 20;

    protected override async Task WaitUntilHealthyAsync(IReadOnlyList<ProjectResource> projects, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var afterReady = -1;
        var poller = Task.Run(async () =>
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            var url = ServiceTable.Get("gateway").HttpUrl() + "/api/v1/products";
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(300));
            while (Volatile.Read(ref afterReady) < PollsAfterReady && await timer.WaitForNextTickAsync(stop.Token))
            {
                Poll poll;
                try
                {
                    using var response = await client.GetAsync(url, stop.Token);
                    var body = await response.Content.ReadAsStringAsync(stop.Token);
                    var code = response.IsSuccessStatusCode || body.Length == 0 ? null : (string?)JsonNode.Parse(body)?["error"]?["code"];
                    poll = new Poll(clock.Elapsed, (int)response.StatusCode, code);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !stop.IsCancellationRequested)
                {
                    poll = new Poll(clock.Elapsed, 0, null);
                }

                lock (Polls)
                {
                    Polls.Add(poll);
                }

                if (Volatile.Read(ref afterReady) >= 0)
                {
                    Interlocked.Increment(ref afterReady);
                }
            }
        }, stop.Token);

        await base.WaitUntilHealthyAsync(projects, cancellationToken);
        AllHealthyAt = clock.Elapsed;
        Volatile.Write(ref afterReady, 0);
        await poller;
    }
}

/// <summary>Its own AppHost, started cold: not shared with the other tests' (already warm) shop.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ColdStartCollection : ICollectionFixture<ColdStartFixture>
{
    /// <summary>Collection name.</summary>
    public const string Name = "AppHost (cold start)";
}

[Collection(ColdStartCollection.Name)]
public sealed class ColdStartTests(ColdStartFixture shop)
{
    [Fact]
    public void FromTheGatewaysFirstAnswer_NoCircuitOpen_AndEveryAnswerOnceReadyIsTheCatalogue()
    {
        var answered = shop.Polls.SkipWhile(p => p.Status == 0).ToList();
        var timeline = string.Join(", ", shop.Polls.Select(p => $"{p.At.TotalSeconds:F1}s:{p.Status}{(p.Code is null ? "" : "/" + p.Code)}"));

        Assert.True(answered.Count > 0, "the gateway never answered: " + timeline);
        Assert.DoesNotContain(answered, p => p.Code == "CIRCUIT_OPEN");
        var afterReady = answered.Where(p => p.At > shop.AllHealthyAt).ToList();
        Assert.True(afterReady.Count >= ColdStartFixture.PollsAfterReady / 2, timeline);
        Assert.All(afterReady, p => Assert.True(p.Status == (int)HttpStatusCode.OK, $"{p} after every service was healthy at {shop.AllHealthyAt}: {timeline}"));

        // The gateway waits for the services it fronts: its first answer is already the catalogue.
        Assert.Equal((int)HttpStatusCode.OK, answered[0].Status);
    }
}
