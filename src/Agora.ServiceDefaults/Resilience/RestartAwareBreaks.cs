using System.Collections.Concurrent;
using System.Net.Http;
using System.Net.Sockets;
using Agora.Hosting;
using Grpc.Core;
using Polly;
using Polly.CircuitBreaker;

namespace Agora.ServiceDefaults.Resilience;

/// <summary>
/// How long a breaker stays open, told apart by why the call failed. A peer that refuses the connection is restarting:
/// nothing listens on its port yet, and asking again costs no one a wait (the refusal comes back at once). Counted like
/// any failure, the refusals opened the breaker for 5 s, the trial call came while the peer was still starting, was
/// refused too, and doubled the break to 10 s: Ordering refused order POSTs for 10.4 s after a restarted Catalog was
/// ready (embedded chaos run). So a break caused by a refused connection lasts <see cref="RefusedBreak"/>, and such
/// breaks do not count towards the doubling (<see cref="AgoraResilience.BreakAfter(int)"/>) that a peer which answers
/// badly or slowly earns. The refusals still open the breaker, so while the peer is away callers fail at once instead
/// of each going through its retries.
/// </summary>
public sealed class RestartAwareBreaks(Func<ResilienceContext, string> keyOf)
{
    /// <summary>The break after a refused connection: the next trial call comes this soon.</summary>
    public static readonly TimeSpan RefusedBreak = TimeSpan.FromSeconds(1);

    private static readonly ResiliencePropertyKey<bool> LastRefused = new("agora.resilience.refused");

    // Per downstream (one pipeline per downstream, but the HTTP options, and with them these callbacks, are shared by
    // all of them): how many of the current run of breaks were refusals.
    private readonly ConcurrentDictionary<string, int> _refusedBreaks = new(StringComparer.Ordinal);

    /// <summary>
    /// True when <paramref name="error"/> is, or wraps, a refused TCP connection (also as the debug exception of a
    /// gRPC status, which is where Grpc.Net.Client puts the cause).
    /// </summary>
    public static bool IsRefusedConnection(Exception? error)
    {
        if (error is null)
        {
            return false;
        }

        foreach (var e in ExceptionChain.Of(error))
        {
            switch (e)
            {
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused }:
                    return true;
                case RpcException { Status.DebugException: { } cause } when IsRefusedConnection(cause):
                    return true;
            }
        }

        return false;
    }

    /// <summary>Notes whether this attempt's failure was a refused connection; call it for every outcome the breaker counts.</summary>
    public static void Observe(ResilienceContext context, Exception? error) =>
        context.Properties.Set(LastRefused, IsRefusedConnection(error));

    /// <summary>The break to open for: <see cref="RefusedBreak"/> after a refusal, else the doubling break not counting refusals.</summary>
    public TimeSpan Next(BreakDurationGeneratorArguments args)
    {
        var key = keyOf(args.Context);
        if (args.Context.Properties.TryGetValue(LastRefused, out var refused) && refused)
        {
            _refusedBreaks.AddOrUpdate(key, 1, (_, n) => n + 1);
            return RefusedBreak;
        }

        return AgoraResilience.BreakAfter(Math.Max(0, args.HalfOpenAttempts - _refusedBreaks.GetValueOrDefault(key)));
    }

    /// <summary>The breaker closed: its next break starts over.</summary>
    public void Closed(ResilienceContext context) => _refusedBreaks.TryRemove(keyOf(context), out _);
}
