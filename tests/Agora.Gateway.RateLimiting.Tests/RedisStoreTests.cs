using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Agora.Gateway.RateLimiting.Tests;

/// <summary>The distributed mode's promises: one limit across replicas, and a defined answer when Redis is gone.</summary>
[Collection("redis")]
public sealed class RedisStoreTests
{
    public RedisStoreTests() => TestServers.EnsureDistributedServers();

    [Fact]
    public async Task TwoReplicas_OnOneRedis_AdmitExactlyTheLimitUnderConcurrency()
    {
        // Two gateway processes' worth of hosts sharing one key space, as two replicas share one Redis. Limits that time
        // cannot move during the test: a bucket refilling one token per 1,000 s, an hour-long window.
        var prefix = $"test:rl:{Guid.NewGuid():N}:";
        Dictionary<string, string?> Settings() => new LimiterConfig(RateLimitStoreKind.Redis, prefix)
            .TokenBucket("bucket", 100, 0.001, faultTolerant: false)
            .Sliding("window", (100, "01:00:00"))
            .Set("Policies:window:FaultTolerant", "false")
            .Build();
        await using var a = await LimiterHost.StartAsync(Settings());
        await using var b = await LimiterHost.StartAsync(Settings());

        foreach (var policy in new[] { "bucket", "window" })
        {
            var requests = Enumerable.Range(0, 400)
                .Select(i => (i % 2 == 0 ? a : b).Client.Status($"/agora/{policy}"))
                .ToArray();
            var statuses = await Task.WhenAll(requests);

            // Fail-closed policies: a store failure would show as a 503 here, not as an over-admission.
            Assert.Equal([], statuses.Where(s => s is not HttpStatusCode.OK and not HttpStatusCode.TooManyRequests).Distinct());
            Assert.Equal(100, statuses.Count(s => s == HttpStatusCode.OK));
            Assert.Equal(300, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        }
    }

    [Fact]
    public async Task DistributedMode_WithoutAStoreSetting_SharesCountersThroughConnectionStringsRedis()
    {
        var settings = new LimiterConfig(RateLimitStoreKind.Redis).TokenBucket("pair", 2, 0.01).Build();
        settings.Remove($"{AgoraRateLimitingOptions.SectionName}:Store");
        settings.Remove($"{AgoraRateLimitingOptions.SectionName}:Redis");
        settings["Agora:Mode"] = "Distributed";
        settings["ConnectionStrings:redis"] = TestServers.Redis;
        await using var a = await LimiterHost.StartAsync(settings);
        await using var b = await LimiterHost.StartAsync(settings);

        Assert.Equal(HttpStatusCode.OK, await a.Client.Status("/agora/pair"));
        Assert.Equal(HttpStatusCode.OK, await b.Client.Status("/agora/pair"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await a.Client.Status("/agora/pair"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await b.Client.Status("/agora/pair"));
    }

    [Fact]
    public async Task RedisStopped_FaultTolerantPolicyFailsOpen_OtherFailsClosed_BothSaySo_ThenRecover()
    {
        await using var redis = await PrivateRedis.StartAsync();
        var settings = new LimiterConfig(RateLimitStoreKind.Redis, redis: redis.Configuration)
            .TokenBucket("open", 5, 0.01, faultTolerant: true)
            .TokenBucket("closed", 5, 0.01, faultTolerant: false)
            .Set("RedisTimeout", "00:00:01")
            .Build();
        await using var host = await LimiterHost.StartAsync(settings);
        using var failures = host.Collect(RateLimitTelemetry.StoreFailuresName);

        using (var before = await host.Client.Get("/agora/open"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
            Assert.Equal("4", before.Header("X-RateLimit-Remaining"));
        }

        redis.Stop();

        // Fail open: the request passes, without claiming a count it does not know.
        for (var i = 0; i < 3; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var open = await host.Client.Get("/agora/open");
            Assert.Equal(HttpStatusCode.OK, open.StatusCode);
            Assert.Null(open.Header("X-RateLimit-Remaining"));

            // The gateway must not hang on a dead Redis (generous bound: shared CI machine).
            Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(5));
        }

        // Fail closed: 503 in the error envelope.
        using (var closed = await host.Client.Get("/agora/closed"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, closed.StatusCode);
            Assert.Equal("1", closed.Header("Retry-After"));
            var body = await closed.Json();
            Assert.Equal("SERVICE_UNAVAILABLE", body.GetProperty("error").GetProperty("code").GetString());
        }

        var measured = failures.GetMeasurementSnapshot();
        Assert.Equal(3, measured.Where(m => Equals(m.Tags["policy"], "open") && Equals(m.Tags["outcome"], "allowed")).Sum(m => m.Value));
        Assert.Equal(1, measured.Where(m => Equals(m.Tags["policy"], "closed") && Equals(m.Tags["outcome"], "rejected")).Sum(m => m.Value));

        // One warning per policy, not one per request.
        var warnings = host.Logs.GetSnapshot().Where(r => r.Level == LogLevel.Warning && r.Message.Contains("Rate limit store unreachable")).ToList();
        Assert.Single(warnings, w => w.Message.Contains("policy open") && w.Message.Contains("failing open"));
        Assert.Single(warnings, w => w.Message.Contains("policy closed") && w.Message.Contains("failing closed"));

        // Redis back (empty: a restart loses the counters): limiting resumes on its own.
        redis.Start();
        var remaining = await Poll.UntilAsync(async () =>
        {
            using var again = await host.Client.Get("/agora/closed");
            return again.StatusCode == HttpStatusCode.OK ? again.Header("X-RateLimit-Remaining") : null;
        }, r => r is not null, "limiting to resume after Redis came back", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(200));
        Assert.Equal("4", remaining);
    }

    [Fact]
    public async Task RedisHung_RequestsDoNotWaitLongerThanTheTimeout()
    {
        // A Redis that accepts the connection but never answers (SIGSTOP): only the timeout can save the request.
        await using var redis = await PrivateRedis.StartAsync();
        var settings = new LimiterConfig(RateLimitStoreKind.Redis, redis: redis.Configuration)
            .TokenBucket("open", 5, 0.01)
            .Set("RedisTimeout", "00:00:00.300")
            .Build();
        await using var host = await LimiterHost.StartAsync(settings);
        using var failures = host.Collect(RateLimitTelemetry.StoreFailuresName);
        var warmed = false;
        for (var i = 0; i < 20 && !warmed; i++)
        {
            using var response = await host.Client.Get("/agora/open");
            warmed = response.Header("X-RateLimit-Remaining") is not null;
        }

        Assert.True(warmed, "Redis never answered before the test hung it.");
        var before = failures.GetMeasurementSnapshot().Sum(m => m.Value);

        redis.Signal("STOP");
        try
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await host.Client.Get("/agora/open");
            var elapsed = Stopwatch.GetElapsedTime(started);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Null(response.Header("X-RateLimit-Remaining"));
            Assert.Equal(before + 1, failures.GetMeasurementSnapshot().Sum(m => m.Value));

            // 300 ms timeout, noticed on a heartbeat of 150 ms; the bound is loose for a loaded test machine, but far
            // below StackExchange.Redis' 5 s default.
            Assert.True(elapsed < TimeSpan.FromSeconds(3), $"The request waited {elapsed.TotalMilliseconds:F0} ms for a hung Redis.");
        }
        finally
        {
            redis.Signal("CONT");
        }
    }

    /// <summary>A redis-server of this test's own on a free port, so stopping it disturbs nobody.</summary>
    private sealed class PrivateRedis : IAsyncDisposable
    {
        private readonly int _port = TestServers.FreePort();
        private Process? _process;

        public string Configuration => $"127.0.0.1:{_port}";

        public static async Task<PrivateRedis> StartAsync()
        {
            var redis = new PrivateRedis();
            redis.Start();
            await redis.WaitUntilListening();
            return redis;
        }

        public void Start()
        {
            var info = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var arg in new[] { "--port", _port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
            {
                info.ArgumentList.Add(arg);
            }

            _process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start.");
            _process.OutputDataReceived += static (_, _) => { };
            _process.BeginOutputReadLine();
        }

        public void Signal(string signal)
        {
            using var kill = Process.Start("kill", ["-" + signal, _process!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
        }

        public void Stop()
        {
            if (_process is { HasExited: false })
            {
                _process.Kill();
                _process.WaitForExit();
            }

            _process?.Dispose();
            _process = null;
        }

        private Task WaitUntilListening() => Poll.UntilAsync(async () =>
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, _port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }, $"redis-server listening on {_port}", TimeSpan.FromSeconds(5));

        public ValueTask DisposeAsync()
        {
            Stop();
            return ValueTask.CompletedTask;
        }
    }
}
