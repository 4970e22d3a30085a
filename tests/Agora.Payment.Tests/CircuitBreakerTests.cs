using System.Text.RegularExpressions;
using Agora.Hosting;
using Agora.Payment.Features.Psp;
using Agora.Payment.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;

namespace Agora.Payment.Tests;

/// <summary>
/// The breaker in front of the provider, through Payment's own client over real HTTP: it opens after repeated
/// failures (and then stops calling), shows on /metrics and in the log, and closes after the break once the provider
/// answers. Break 2 s here (configuration), the seed's other numbers as they are.
/// </summary>
/// <remarks>
/// Alone (no other test runs beside it): OpenTelemetry listens to meters by name across the process, so another
/// Payment app started by a parallel test would put its own breaker's gauge on this app's /metrics.
/// </remarks>
[Collection(nameof(CircuitBreakerTests))]
public sealed partial class CircuitBreakerTests : IAsyncLifetime, IDisposable
{
    private readonly LogRecorder _logs = new();
    private PspSimulatorHost _psp = null!;
    private PaymentApp _app = null!;

    public async Task InitializeAsync()
    {
        _psp = await PspSimulatorHost.StartAsync();
        _app = new PaymentApp(AgoraMode.Embedded, _psp)
            .WithServices(s => s.AddSingleton<ILoggerProvider>(_logs));
        await _app.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _psp.DisposeAsync();
    }

    public void Dispose() => _logs.Dispose();

    private async Task<PspResult> AuthorizeAsync(string key)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PspClient>().AuthorizeAsync(key, 1000m, "KRW", "ord_" + key, "usr_b", CancellationToken.None);
    }

    private async Task<int> ScrapedStateAsync()
    {
        var text = await (await _app.CreateClient().GetAsync("/metrics")).Content.ReadAsStringAsync();
        var match = StateLine().Match(text);
        Assert.True(match.Success, "agora_payment_psp_circuit_state is not on /metrics");
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Breaker_ProviderFailing_OpensStopsCallingThenClosesAfterTheBreak()
    {
        await _psp.SetAsync(new { error_rate = 1.0 });
        var circuit = _app.Services.GetRequiredService<PspCircuit>();

        // One call: the first attempt and its retries fail (503); the fifth failure opens the breaker, so the last
        // retry is refused without reaching the provider.
        var opened = System.Diagnostics.Stopwatch.StartNew();
        var first = await AuthorizeAsync("cb-1");
        Assert.Equal(PspOutcome.Unavailable, first.Outcome);
        Assert.Equal("circuit open", first.Message);

        // While open: failing fast, the provider is left alone.
        var second = await AuthorizeAsync("cb-2");
        Assert.Equal("circuit open", second.Message);
        Assert.Equal(5, await _psp.RequestsAsync());
        Assert.Equal(CircuitState.Open, circuit.State);
        Assert.Equal(1, await Poll.UntilAsync(ScrapedStateAsync, s => s == 1, "state 1 on /metrics"));
        Assert.Contains(_logs.Entries, e => e.EventId.Id == 4101 && e.Level == LogLevel.Error);

        // The provider recovers; once the break (2 s) is over, a trial call goes through and closes the breaker.
        await _psp.HealthyAsync();
        var third = await Poll.UntilAsync(() => AuthorizeAsync("cb-3"), r => r.Outcome == PspOutcome.Ok, "a call through", TimeSpan.FromSeconds(15));
        Assert.True(opened.Elapsed >= TimeSpan.FromSeconds(1.9), $"closed after {opened.Elapsed}, before the break was over");
        Assert.Equal(CircuitState.Closed, circuit.State);
        Assert.Equal(0, await Poll.UntilAsync(ScrapedStateAsync, s => s == 0, "state 0 on /metrics"));
        Assert.Contains(_logs.Entries, e => e.EventId.Id == 4102);
        Assert.Contains(_logs.Entries, e => e.EventId.Id == 4103);
        var metrics = await (await _app.CreateClient().GetAsync("/metrics")).Content.ReadAsStringAsync();
        Assert.Matches("agora_payment_psp_circuit_transitions_total\\{[^}]*state=\"open\"[^}]*\\} 1", metrics);
        Assert.Matches("agora_payment_psp_circuit_transitions_total\\{[^}]*state=\"closed\"[^}]*\\} 1", metrics);
    }

    [Fact]
    public async Task Decline_IsAnAnswerNotAFailure_NeitherRetriedNorCounted()
    {
        await _psp.SetAsync(new { decline_rate = 1.0 });
        for (var i = 0; i < 8; i++)
        {
            var result = await AuthorizeAsync("dc-" + i);
            Assert.Equal(PspOutcome.Refused, result.Outcome);
            Assert.Equal("card_declined", result.Code);
        }

        Assert.Equal(8, await _psp.RequestsAsync());
        Assert.Equal(CircuitState.Closed, _app.Services.GetRequiredService<PspCircuit>().State);
    }

    [GeneratedRegex(@"(?m)^agora_payment_psp_circuit_state(?:\{[^}]*\})? (\d+)")]
    private static partial Regex StateLine();
}

[CollectionDefinition(nameof(CircuitBreakerTests), DisableParallelization = true)]
public sealed class CircuitBreakerCollection;
