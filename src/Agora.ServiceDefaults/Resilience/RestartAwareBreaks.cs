using System.Collections.Concurrent;
using System.Net.Http;
using System.Net.Sockets;
using Agora.Hosting;
using Grpc.Core;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Agora.ServiceDefaults.Resilience;

/// <summary>
/// How long a breaker stays open, told apart by why the call failed. A peer that refuses the connection is restarting:
/// nothing listens on its port yet, and asking again costs no one a wait (the refusal comes back at once). Counted like
/// any failure, the refusals opened the breaker for 5 s, the trial call came while the peer was still starting, was
/// refused too, and doubled the break to 10 s: Ordering refused order POSTs for 10.4 s after a restarted Catalog was
/// ready (embedded chaos run). So a break caused by a refused connection lasts <see cref="RefusedBreak"/>, and such
/// breaks do not count towards the doubling (<see cref="AgoraResilience.BreakAfter(int)"/>) that a peer which answers
/// badly or slowly earns. A peer that has just come back is also slow on its first calls (JIT, caches, connection
/// pools; on a loaded machine its first trial outlasted the 2 s deadline and cost a 5 s break): a trial that times
/// out right after refusals gets the short break too, at most <see cref="SlowStartTrials"/> times. The refusals still
/// open the breaker, so while the peer is away callers fail at once instead of each going through its retries.
/// </summary>
public sealed class RestartAwareBreaks(Func<ResilienceContext, string> keyOf)
{
    /// <summary>The break after a refused connection: the next trial call comes this soon.</summary>
    public static readonly TimeSpan RefusedBreak = TimeSpan.FromSeconds(1);

    /// <summary>Trials that may time out after a restart (the peer warming up) before the doubling breaks apply.</summary>
    public const int SlowStartTrials = 5;

    private static readonly ResiliencePropertyKey<Failure> LastFailure = new("agora.resilience.failure");

    // Per downstream (one pipeline per downstream, but the HTTP options, and with them these callbacks, are shared by
    // all of them): the short breaks of the current run of breaks (refusals, slow starts).
    private readonly ConcurrentDictionary<string, Run> _runs = new(StringComparer.Ordinal);

    private enum Failure
    {
        Other,
        Refused,
        TimedOut,
    }

    private readonly record struct Run(int ShortBreaks, int SlowStarts);

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

    /// <summary>True when the attempt ran out of time: a gRPC deadline, or the HTTP pipeline's attempt timeout.</summary>
    public static bool IsTimeout(Exception? error) =>
        error is RpcException { StatusCode: StatusCode.DeadlineExceeded } or TimeoutRejectedException;

    /// <summary>Notes why this attempt failed (refused, timed out, other); call it for every outcome the breaker counts.</summary>
    public static void Observe(ResilienceContext context, Exception? error) =>
        context.Properties.Set(LastFailure, IsRefusedConnection(error) ? Failure.Refused : IsTimeout(error) ? Failure.TimedOut : Failure.Other);

    /// <summary>
    /// The break to open for: <see cref="RefusedBreak"/> after a refusal or a slow start right after one, else the
    /// doubling break not counting the short ones.
    /// </summary>
    public TimeSpan Next(BreakDurationGeneratorArguments args)
    {
        var key = keyOf(args.Context);
        args.Context.Properties.TryGetValue(LastFailure, out var failure);
        var run = _runs.GetValueOrDefault(key);
        if (failure == Failure.Refused || (failure == Failure.TimedOut && run.ShortBreaks > 0 && run.SlowStarts < SlowStartTrials))
        {
            _runs[key] = new Run(run.ShortBreaks + 1, run.SlowStarts + (failure == Failure.TimedOut ? 1 : 0));
            return RefusedBreak;
        }

        return AgoraResilience.BreakAfter(Math.Max(0, args.HalfOpenAttempts - run.ShortBreaks));
    }

    /// <summary>The breaker closed: its next break starts over.</summary>
    public void Closed(ResilienceContext context) => _runs.TryRemove(keyOf(context), out _);
}
