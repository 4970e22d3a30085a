using System.Net;
using Agora.Payment.Tests.Infrastructure;

namespace Agora.Payment.Tests;

/// <summary>
/// Issue 17, finding 5: the simulator keeps its books on disk, so a restart does not forget holds and answer
/// <c>resource_missing</c> for them (which sent Payment into 1,287 void retries), and keys still replay.
/// </summary>
public sealed class PspSimulatorRestartTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("agora-psp-").FullName;

    private Task<PspSimulatorHost> StartAsync() =>
        PspSimulatorHost.StartAsync(new Dictionary<string, string?> { ["Psp:DataDirectory"] = _data });

    private static async Task<HttpResponseMessage> PostAsync(PspSimulatorHost psp, string path, object? body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Json.Of(body ?? new { }) };
        request.Headers.Add("Idempotency-Key", key);
        return await psp.Client.SendAsync(request);
    }

    [Fact]
    public async Task Restart_KeepsHoldsCapturesRefundsAndKeys()
    {
        var reference = "ord_" + Guid.NewGuid().ToString("N");
        string held, captured;
        await using (var psp = await StartAsync())
        {
            var first = await PostAsync(psp, "v1/authorizations", new { amount = "50000", currency = "KRW", reference, customer = "usr_1" }, "auth-1");
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
            held = (string)(await first.BodyAsync())["id"]!;
            var second = await PostAsync(psp, "v1/authorizations", new { amount = "12000", currency = "KRW", reference, customer = "usr_1" }, "auth-2");
            captured = (string)(await second.BodyAsync())["id"]!;
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(psp, $"v1/authorizations/{captured}/capture", null, "capture-2")).StatusCode);
            Assert.Equal(HttpStatusCode.Created,
                (await PostAsync(psp, "v1/refunds", new { authorization_id = captured, amount = "2000" }, "refund-2")).StatusCode);
        }

        await using (var psp = await StartAsync())
        {
            // The hold is still there to void (not resource_missing), the capture cannot be voided, the refund is listed.
            var voided = await PostAsync(psp, $"v1/authorizations/{held}/void", null, "void-1");
            Assert.Equal(HttpStatusCode.OK, voided.StatusCode);
            Assert.Equal("voided", (string?)(await voided.BodyAsync())["status"]);
            var notVoidable = await PostAsync(psp, $"v1/authorizations/{captured}/void", null, "void-2");
            Assert.Equal(HttpStatusCode.Conflict, notVoidable.StatusCode);
            Assert.Equal("authorization_captured", (string?)(await notVoidable.BodyAsync())["error"]!["code"]);
            var refund = Assert.Single(await psp.RefundsAsync(captured));
            Assert.Equal("2000", (string?)refund!["amount"]);

            // A key used before the restart replays its stored answer, not a second charge.
            var replay = await PostAsync(psp, "v1/authorizations", new { amount = "50000", currency = "KRW", reference, customer = "usr_1" }, "auth-1");
            Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
            Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
            Assert.Equal(held, (string?)(await replay.BodyAsync())["id"]);
            Assert.Equal(2, (await psp.AuthorizationsAsync(reference)).Count);
        }
    }

    public void Dispose() => Directory.Delete(_data, recursive: true);
}
