using Agora.ServiceDefaults.Resilience;
using Grpc.Core;
using Microsoft.Extensions.Time.Testing;
using Polly;
using Polly.CircuitBreaker;

namespace Agora.ServiceDefaults.Tests.Resilience;

/// <summary>
/// Issue 17, finding 2, between services: Catalog was down 8 s, yet Ordering refused order POSTs for 30 s after the kill
/// (503 "CatalogService is failing; circuit open (30 s)") because its breaker in front of Catalog stayed open for the
/// seed's whole 30 s, although Catalog was ready again long before. A break now ends at the first trial call that
/// succeeds; the first trial comes 5 s after the breaker opens, and each failed trial doubles the wait up to the seed's
/// 30 s. The platform's gRPC pipeline (every service-to-service gRPC call) on a fake clock.
/// </summary>
public sealed class BreakRecoveryTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero));
    private bool _peerUp;

    private async Task<StatusCode?> CallAsync(ResiliencePipeline pipeline)
    {
        try
        {
            // Internal is counted by the breaker but never retried, so no retry delay waits on the fake clock.
            await pipeline.ExecuteAsync(_ => _peerUp ? ValueTask.CompletedTask : throw new RpcException(new Status(StatusCode.Internal, "down")));
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
        catch (BrokenCircuitException)
        {
            return null; // refused by the open breaker: the peer was not called
        }
    }

    private async Task<ResiliencePipeline> OpenedAsync()
    {
        var pipeline = GrpcResilience.BuildUnaryPipeline("catalog-test", _clock);
        for (var i = 0; i < AgoraResilience.MinimumThroughput; i++)
        {
            Assert.Equal(StatusCode.Internal, await CallAsync(pipeline));
        }

        Assert.Null(await CallAsync(pipeline));
        return pipeline;
    }

    [Fact]
    public async Task PeerBackSoon_TheFirstTrialAfterFiveSecondsCloses_NotThirty()
    {
        var pipeline = await OpenedAsync();
        _peerUp = true; // restarted and ready

        _clock.Advance(TimeSpan.FromSeconds(4.9));
        Assert.Null(await CallAsync(pipeline));

        _clock.Advance(TimeSpan.FromSeconds(0.2));
        Assert.Equal(StatusCode.OK, await CallAsync(pipeline));
        Assert.Equal(StatusCode.OK, await CallAsync(pipeline));
    }

    [Fact]
    public async Task PeerStillDown_EachFailedTrialDoublesTheBreak_UpToTheSeeds30Seconds()
    {
        var pipeline = await OpenedAsync();
        var waited = new List<double>();
        for (var trial = 0; trial < 5; trial++)
        {
            var seconds = 0.0;
            while (await CallAsync(pipeline) is null)
            {
                _clock.Advance(TimeSpan.FromSeconds(0.5));
                seconds += 0.5;
                Assert.True(seconds <= 31, "the breaker stayed open longer than 30 s");
            }

            waited.Add(seconds);
        }

        Assert.Equal([5, 10, 20, 30, 30], waited);
        Assert.Equal(TimeSpan.FromSeconds(30), AgoraResilience.BreakAfter(10));
    }
}
