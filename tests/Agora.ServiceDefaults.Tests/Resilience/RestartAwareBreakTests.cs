using System.Net;
using System.Net.Sockets;
using Agora.Contracts.Catalog.V1;
using Agora.ServiceDefaults.Resilience;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Time.Testing;
using Polly;
using Polly.CircuitBreaker;

namespace Agora.ServiceDefaults.Tests.Resilience;

/// <summary>
/// Issue 17, the last measured miss: in the embedded chaos run Ordering refused order POSTs for 10.4 s after a killed
/// Catalog was ready again (target 10 s). Ordering's breaker in front of Catalog opened on the refused connections for
/// 5 s, its trial call came while Catalog was still starting, was refused too, and doubled the break to 10 s. A refused
/// connection (nothing listens: the peer is restarting) now opens the breaker for 1 s without doubling, so the first
/// call after the peer listens again goes through within about a second; a peer that answers badly still earns the
/// doubling breaks. On the platform's gRPC pipeline and a fake clock.
/// </summary>
public sealed class RestartAwareBreakTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero));
    private Func<Exception?> _peer = () => null;

    private static RpcException Refused() => new(new Status(StatusCode.Unavailable, "Error connecting to subchannel.",
        new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (127.0.0.1:25102)", new SocketException((int)SocketError.ConnectionRefused))));

    private static RpcException Broken() => new(new Status(StatusCode.Internal, "the peer answered, badly"));

    /// <summary>One call with its retries, the fake clock moved on in 50 ms steps until it ends: true when the peer answered OK.</summary>
    private async Task<bool> CallAsync(ResiliencePipeline pipeline)
    {
        var call = pipeline.ExecuteAsync(_ => _peer() is { } e ? ValueTask.FromException(e) : ValueTask.CompletedTask).AsTask();
        while (!call.IsCompleted)
        {
            await Task.Yield();
            if (!call.IsCompleted)
            {
                _clock.Advance(TimeSpan.FromMilliseconds(50));
                await Task.Delay(1);
            }
        }

        try
        {
            await call;
            return true;
        }
        catch (Exception e) when (e is RpcException or BrokenCircuitException)
        {
            return false;
        }
    }

    /// <summary>Calls every 100 ms (fake) until <paramref name="until"/>, each call failing.</summary>
    private async Task CallsFailEvery100MsAsync(ResiliencePipeline pipeline, DateTimeOffset until)
    {
        while (_clock.GetUtcNow() < until)
        {
            Assert.False(await CallAsync(pipeline));
            _clock.Advance(TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary>Calls every 100 ms (fake) until one succeeds; the seconds from <paramref name="since"/> to that call.</summary>
    private async Task<double> SecondsUntilACallSucceedsAsync(ResiliencePipeline pipeline, DateTimeOffset since)
    {
        while (!await CallAsync(pipeline))
        {
            _clock.Advance(TimeSpan.FromMilliseconds(100));
            Assert.True(_clock.GetUtcNow() - since < TimeSpan.FromSeconds(60), "no call succeeded within 60 s");
        }

        return (_clock.GetUtcNow() - since).TotalSeconds;
    }

    [Theory]
    [InlineData(8, 0)] // refused for 8 s; with refusals counted as plain failures: open 5 s, trial refused, open 10 s: ~15 s
    [InlineData(4, 2)] // refused for 4 s, then its first answers outlast the deadline for 2 s while it warms up (seen in the
                       // embedded chaos run on a loaded machine: the first trial's timeout opened a 5 s break)
    public async Task PeerRestarting_FirstCallsSucceedWithinASecondOfItAnsweringInTime(int refusedSeconds, int slowSeconds)
    {
        var pipeline = GrpcResilience.BuildUnaryPipeline($"catalog-restart-{refusedSeconds}-{slowSeconds}", _clock);
        var listening = _clock.GetUtcNow() + TimeSpan.FromSeconds(refusedSeconds);
        var warm = listening + TimeSpan.FromSeconds(slowSeconds);
        _peer = () => _clock.GetUtcNow() < listening ? Refused() : _clock.GetUtcNow() < warm ? TooSlow() : null;

        var seconds = await SecondsUntilACallSucceedsAsync(pipeline, warm);

        Assert.InRange(seconds, 0, 1.5);
    }

    [Fact]
    public async Task PeerRefusedThenAnsweringBadly_GetsTheFirstFiveSecondBreak_NotOneDoubledByTheRefusals()
    {
        var pipeline = GrpcResilience.BuildUnaryPipeline("catalog-refused-then-broken", _clock);
        var listening = _clock.GetUtcNow() + TimeSpan.FromSeconds(6);
        _peer = () => _clock.GetUtcNow() < listening ? Refused() : Broken();
        await CallsFailEvery100MsAsync(pipeline, listening);

        // Listening now but answering Internal: the first trial that meets it opens the breaker for 5 s, not 2^6 × 5.
        var healthy = _clock.GetUtcNow() + TimeSpan.FromSeconds(2);
        var brokenSince = _clock.GetUtcNow();
        _peer = () => _clock.GetUtcNow() < healthy ? Broken() : null;
        var seconds = await SecondsUntilACallSucceedsAsync(pipeline, brokenSince);
        Assert.InRange(seconds, 2, 7.5);
    }

    [Fact]
    public async Task PeerListeningButNeverAnsweringInTime_GetsTheDoublingBreaksAfterAFewShortOnes()
    {
        var pipeline = GrpcResilience.BuildUnaryPipeline("catalog-hung", _clock);
        var listening = _clock.GetUtcNow() + TimeSpan.FromSeconds(2);
        _peer = () => _clock.GetUtcNow() < listening ? Refused() : TooSlow();
        await CallsFailEvery100MsAsync(pipeline, _clock.GetUtcNow() + TimeSpan.FromSeconds(60));

        // A trial every second for the whole minute would mean the slow start never ends; the doubling breaks apply
        // after SlowStartTrials: between ~15 s and 60 s there are only a handful of trials.
        var trialsLate = 0;
        _peer = () => { trialsLate++; return TooSlow(); };
        await CallsFailEvery100MsAsync(pipeline, _clock.GetUtcNow() + TimeSpan.FromSeconds(30));

        Assert.InRange(trialsLate, 1, 3 * (AgoraResilience.MaxRetries + 1));
    }

    private static RpcException TooSlow() => new(new Status(StatusCode.DeadlineExceeded, ""));

    [Fact]
    public async Task PeerAnsweringBadly_StillDoublesItsBreaks()
    {
        var pipeline = GrpcResilience.BuildUnaryPipeline("catalog-broken", _clock);
        var since = _clock.GetUtcNow();
        var healthy = since + TimeSpan.FromSeconds(6);
        _peer = () => _clock.GetUtcNow() < healthy ? Broken() : null;

        // Open at 0 s for 5 s; the trial at 5 s fails and doubles it to 10 s: the first success comes at about 15 s.
        var seconds = await SecondsUntilACallSucceedsAsync(pipeline, since);
        Assert.InRange(seconds, 14.5, 16);
    }

    [Fact]
    public async Task A_real_refused_gRPC_call_and_a_real_refused_HTTP_call_are_both_recognised()
    {
        var port = ClosedPort();
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var grpc = await Assert.ThrowsAsync<RpcException>(() =>
            new CatalogService.CatalogServiceClient(channel).GetProductAsync(new GetProductRequest { ProductId = "prd_1" }).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, grpc.StatusCode);
        Assert.True(RestartAwareBreaks.IsRefusedConnection(grpc), grpc.ToString());

        using var http = new HttpClient();
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new Uri($"http://127.0.0.1:{port}/")));
        Assert.True(RestartAwareBreaks.IsRefusedConnection(refused), refused.ToString());

        Assert.False(RestartAwareBreaks.IsRefusedConnection(Broken()));
        Assert.False(RestartAwareBreaks.IsRefusedConnection(new RpcException(new Status(StatusCode.DeadlineExceeded, "slow"))));
        Assert.False(RestartAwareBreaks.IsRefusedConnection(new HttpRequestException(HttpRequestError.ConnectionError, "reset", new SocketException((int)SocketError.ConnectionReset))));
    }

    [Fact]
    public async Task Http_clients_too_a_refusing_downstream_gets_a_one_second_break_and_a_prompt_trial()
    {
        var options = new HttpStandardResilienceOptions();
        AgoraResilience.Configure(options);
        var port = ClosedPort();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/");
        var context = ResilienceContextPool.Shared.Get();
        context.SetRequestMessage(request);
        try
        {
            var refusal = Outcome.FromException<HttpResponseMessage>(new HttpRequestException(HttpRequestError.ConnectionError, "refused", new SocketException((int)SocketError.ConnectionRefused)));
            Assert.True(await options.CircuitBreaker.ShouldHandle(new CircuitBreakerPredicateArguments<HttpResponseMessage>(context, refusal)));
            Assert.Equal(RestartAwareBreaks.RefusedBreak, await options.CircuitBreaker.BreakDurationGenerator!(new BreakDurationGeneratorArguments(1, 5, context, 0)));

            // The next trial meets a 500: the first real failure gets the first 5 s break, not a doubled one.
            using var answer = new HttpResponseMessage(HttpStatusCode.InternalServerError);
            Assert.True(await options.CircuitBreaker.ShouldHandle(new CircuitBreakerPredicateArguments<HttpResponseMessage>(context, Outcome.FromResult(answer))));
            Assert.Equal(TimeSpan.FromSeconds(5), await options.CircuitBreaker.BreakDurationGenerator!(new BreakDurationGeneratorArguments(1, 1, context, 1)));
            Assert.Equal(TimeSpan.FromSeconds(10), await options.CircuitBreaker.BreakDurationGenerator!(new BreakDurationGeneratorArguments(1, 1, context, 2)));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port; // closed again when disposed: connecting is refused
    }
}
