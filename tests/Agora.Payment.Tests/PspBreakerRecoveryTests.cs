using System.Diagnostics.Metrics;
using System.Net;
using Agora.Payment.Features.Psp;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Polly;
using Polly.CircuitBreaker;

namespace Agora.Payment.Tests;

/// <summary>
/// Issue 17, finding 4: after a 10 s outage of the provider, confirmations stayed at tens of seconds because the
/// breaker in front of it stayed open for its whole 30 s although the provider was back after 10. A break now ends at
/// the first trial call that succeeds, and the first trial comes after <see cref="PspOptions.FirstBreakDuration"/>
/// (5 s); each failed trial doubles the wait, up to the seed's 30 s (<see cref="PspOptions.BreakDuration"/>).
/// Payment's real pipeline (<see cref="PspResilience.Configure"/>) on a fake clock.
/// </summary>
public sealed class PspBreakerRecoveryTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero));
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly PspCircuit _circuit;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private HttpStatusCode _provider = HttpStatusCode.ServiceUnavailable;

    public PspBreakerRecoveryTests()
    {
        _circuit = new PspCircuit(_services.GetRequiredService<IMeterFactory>());
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _clock };
        // No retries: each call here is one attempt, so the fake clock alone decides when the breaker lets one through.
        PspResilience.Configure(builder, new PspOptions { MaxRetries = 0 }, _circuit, NullLogger.Instance);
        _pipeline = builder.Build();
    }

    public void Dispose() => _services.Dispose();

    private async Task<HttpStatusCode?> CallAsync()
    {
        try
        {
            using var response = await _pipeline.ExecuteAsync(_ => ValueTask.FromResult(new HttpResponseMessage(_provider)));
            return response.StatusCode;
        }
        catch (BrokenCircuitException)
        {
            return null; // refused by the open breaker: the provider was not called
        }
    }

    private async Task OpenAsync()
    {
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await CallAsync());
        }

        Assert.Null(await CallAsync());
        Assert.Equal(CircuitState.Open, _circuit.State);
    }

    [Fact]
    public async Task ProviderBackAfterAShortOutage_TheFirstTrialAfterFiveSecondsClosesTheBreaker()
    {
        await OpenAsync();
        _provider = HttpStatusCode.OK; // the outage is over

        _clock.Advance(TimeSpan.FromSeconds(4.9));
        Assert.Null(await CallAsync());

        _clock.Advance(TimeSpan.FromSeconds(0.2));
        Assert.Equal(HttpStatusCode.OK, await CallAsync());
        Assert.Equal(CircuitState.Closed, _circuit.State);
    }

    [Fact]
    public async Task ProviderStillDown_EachFailedTrialDoublesTheBreak_UpToTheSeeds30Seconds()
    {
        await OpenAsync();
        var waited = new List<double>();
        for (var trial = 0; trial < 5; trial++)
        {
            // Step the clock half a second at a time until the breaker lets a trial call through (it fails: still down).
            var seconds = 0.0;
            while (await CallAsync() is null)
            {
                _clock.Advance(TimeSpan.FromSeconds(0.5));
                seconds += 0.5;
                Assert.True(seconds <= 31, "the breaker stayed open longer than 30 s");
            }

            waited.Add(seconds);
        }

        Assert.Equal([5, 10, 20, 30, 30], waited);
    }
}
