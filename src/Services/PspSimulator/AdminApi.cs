namespace Agora.PspSimulator;

/// <summary>Body of <c>PUT /admin/behaviour</c>: the behaviour, plus an optional new seed for the random source.</summary>
public sealed record BehaviourBody(int LatencyMs, double DeclineRate, double ErrorRate, bool Outage, string[]? DeclineCustomers, int? Seed);

/// <summary>The simulator's own controls (not part of a real provider's API). They keep working during an outage.</summary>
public static class AdminApi
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin");
        admin.MapGet("/behaviour", (PspControl control) => Results.Json(control.Behaviour));
        admin.MapPut("/behaviour", (BehaviourBody body, PspControl control, ILoggerFactory logs) =>
        {
            var behaviour = new PspBehaviour
            {
                LatencyMs = body.LatencyMs,
                DeclineRate = body.DeclineRate,
                ErrorRate = body.ErrorRate,
                Outage = body.Outage,
                DeclineCustomers = body.DeclineCustomers ?? [],
            };
            var problems = behaviour.Problems().ToList();
            if (problems.Count > 0)
            {
                return Results.Json(new { Error = new { Type = "invalid_request_error", Code = "parameter_invalid", Message = string.Join("; ", problems) } },
                    statusCode: StatusCodes.Status400BadRequest);
            }

            control.Set(behaviour, body.Seed);
            PspLog.BehaviourChanged(logs.CreateLogger("Agora.PspSimulator"), behaviour.LatencyMs, behaviour.DeclineRate, behaviour.ErrorRate,
                behaviour.Outage, behaviour.DeclineCustomers.Length);
            return Results.Json(behaviour);
        });
        admin.MapGet("/stats", (PspControl control, PspLedger ledger) =>
        {
            var (authorizations, refunds, keys) = ledger.Counts();
            return Results.Json(new { control.Requests, Authorizations = authorizations, Refunds = refunds, IdempotencyKeys = keys });
        });
        admin.MapPost("/authorizations/{id}/expire", (string id, PspLedger ledger) => PspApi.Reply(ledger.Expire(id)));
        return app;
    }
}

internal static partial class PspLog
{
    [LoggerMessage(EventId = 9001, Level = LogLevel.Warning,
        Message = "Behaviour changed: latency {LatencyMs} ms, decline rate {DeclineRate}, error rate {ErrorRate}, outage {Outage}, {DeclineCustomers} declined customer(s)")]
    public static partial void BehaviourChanged(ILogger logger, int latencyMs, double declineRate, double errorRate, bool outage, int declineCustomers);
}
