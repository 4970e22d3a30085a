using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Agora.Gateway.RateLimiting;
using Microsoft.Extensions.Options;

namespace Agora.Gateway.Features.Auth;

/// <summary>
/// What the edge knows about partner API keys, and when it asks Identity (which owns them: SHA-256 at rest, scoped,
/// revocable; <c>POST /api/v1/api-keys</c> issues, <c>DELETE /api/v1/api-keys/{id}</c> revokes). One process-wide
/// instance; keys are remembered by their SHA-256, never in clear.
/// <list type="bullet">
/// <item>A key not shaped like Identity's (<c>agk_&lt;prefix8&gt;_&lt;secret43&gt;</c>, the secret starting with the
/// prefix) is refused without asking.</item>
/// <item>Good keys: an LRU of <see cref="ApiKeyOptions.MaxCachedKeys"/>, trusted for <see cref="ApiKeyOptions.CacheDuration"/>,
/// then checked again. Only keys Identity called active get in, so made-up keys can never push a partner out.</item>
/// <item>Refused keys: a second LRU of the same size, by hash and by prefix, for <see cref="ApiKeyOptions.NegativeCacheDuration"/>:
/// a flood of keys sharing a prefix costs one question. The prefix entry only stops keys this gateway has never seen
/// active, so a guesser cannot lock a working partner out; a key issued while its prefix is listed works once it lapses.</item>
/// <item>Keys never seen active are asked about at most <see cref="ApiKeyOptions.MaxConcurrentLookups"/> at a time (the
/// rest wait up to a second, then get 503): a flood cannot fill the connection pool that partners' re-checks need.</item>
/// <item>Concurrent checks of one key share one question.</item>
/// </list>
/// It is also the rate limiter's <see cref="IPreAuthenticationScreen"/>: a request with a key not known to be good is
/// counted against its client address before authentication.
/// </summary>
internal sealed partial class ApiKeyCache : IPreAuthenticationScreen, IDisposable
{
    /// <summary>How long a check of a never-seen key waits for a lookup slot before the answer is 503.</summary>
    public static readonly TimeSpan LookupWait = TimeSpan.FromSeconds(1);

    private const string KeyPrefix = "agk_";
    private const int PrefixLength = 8;
    private const int SecretLength = 43;

    private readonly IServiceProvider _services;
    private readonly IOptionsMonitor<GatewayOptions> _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<ApiKeyCache> _logger;
    private readonly BoundedLru<Known> _valid;
    private readonly BoundedLru<DateTimeOffset> _invalid;
    private readonly ConcurrentDictionary<string, Lazy<Task<(ApiKeyOutcome, ApiKeyIdentity?)>>> _inflight = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _lookups;
    private readonly SemaphoreSlim _tokenLock = new(1, 1);
    private long _busy;
    private long _busyLogged = long.MinValue / 2;
    private string? _token;
    private DateTimeOffset _tokenUntil;

    public ApiKeyCache(IServiceProvider services, IOptionsMonitor<GatewayOptions> options, TimeProvider clock, ILogger<ApiKeyCache> logger)
    {
        _services = services;
        _options = options;
        _clock = clock;
        _logger = logger;
        var o = options.CurrentValue.ApiKeys;
        _valid = new BoundedLru<Known>(o.MaxCachedKeys);
        _invalid = new BoundedLru<DateTimeOffset>(o.MaxCachedKeys);
        _lookups = new SemaphoreSlim(o.MaxConcurrentLookups, o.MaxConcurrentLookups);
    }

    /// <summary>A good key (with its holder) and until when it is trusted without asking.</summary>
    private sealed record Known(ApiKeyIdentity Identity, DateTimeOffset Until);

    /// <inheritdoc />
    public bool CountByAddress(HttpContext context)
    {
        var presented = context.Request.Headers[ApiKeyAuthenticationHandler.Header];
        return presented.Count > 0 && !_valid.TryGet(HashOf(presented.ToString().Trim()), out _);
    }

    public async Task<(ApiKeyOutcome Outcome, ApiKeyIdentity? Identity)> VerifyAsync(string key, CancellationToken cancellationToken)
    {
        if (PrefixOf(key) is not { } prefix)
        {
            return (ApiKeyOutcome.Invalid, null);
        }

        var hash = HashOf(key);
        var now = _clock.GetUtcNow();
        var known = _valid.TryGet(hash, out var entry);
        if (known && now < entry.Until)
        {
            return (ApiKeyOutcome.Valid, entry.Identity);
        }

        if (!known && (Listed("h:" + hash, now) || Listed("p:" + prefix, now)))
        {
            return (ApiKeyOutcome.Invalid, null);
        }

        if (string.IsNullOrEmpty(_options.CurrentValue.ApiKeys.ClientId))
        {
            LogNoClient(_logger);
            return (ApiKeyOutcome.Unavailable, null);
        }

        // One question per key at a time, whoever else is waiting for the answer; not tied to the first asker's request.
        var created = new Lazy<Task<(ApiKeyOutcome, ApiKeyIdentity?)>>(() => LookUpAsync(key, hash, prefix, known));
        var lookup = _inflight.GetOrAdd(hash, created);
        if (ReferenceEquals(lookup, created))
        {
            // Gone once answered (by whoever is still waiting or not): the next check starts from the caches again.
            _ = lookup.Value.ContinueWith(
                static (_, state) =>
                {
                    var (inflight, entry) = ((ConcurrentDictionary<string, Lazy<Task<(ApiKeyOutcome, ApiKeyIdentity?)>>>,
                        KeyValuePair<string, Lazy<Task<(ApiKeyOutcome, ApiKeyIdentity?)>>>))state!;
                    inflight.TryRemove(entry);
                },
                (_inflight, new KeyValuePair<string, Lazy<Task<(ApiKeyOutcome, ApiKeyIdentity?)>>>(hash, lookup)),
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return await lookup.Value.WaitAsync(cancellationToken);
    }

    private bool Listed(string entry, DateTimeOffset now) => _invalid.TryGet(entry, out var until) && now < until;

    private async Task<(ApiKeyOutcome, ApiKeyIdentity?)> LookUpAsync(string key, string hash, string prefix, bool known)
    {
        var slot = false;
        try
        {
            if (!known)
            {
                slot = await _lookups.WaitAsync(LookupWait);
                if (!slot)
                {
                    Busy();
                    return (ApiKeyOutcome.Unavailable, null);
                }
            }

            var o = _options.CurrentValue.ApiKeys;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10), _clock);
            ApiKeyIdentity? identity;
            try
            {
                identity = await AskIdentityAsync(key, o, timeout.Token);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Down, refusing, timing out, its client's breaker open, or answering nonsense: the key cannot be checked now.
                LogUnavailable(_logger, e.GetType().Name);
                return (ApiKeyOutcome.Unavailable, null);
            }

            var now = _clock.GetUtcNow();
            if (identity is not null)
            {
                _valid.Set(hash, new Known(identity, now + o.CacheDuration));
                return (ApiKeyOutcome.Valid, identity);
            }

            _valid.Remove(hash);
            if (o.NegativeCacheDuration > TimeSpan.Zero)
            {
                _invalid.Set("h:" + hash, now + o.NegativeCacheDuration);
                _invalid.Set("p:" + prefix, now + o.NegativeCacheDuration);
            }

            return (ApiKeyOutcome.Invalid, null);
        }
        finally
        {
            if (slot)
            {
                _lookups.Release();
            }
        }
    }

    private async Task<ApiKeyIdentity?> AskIdentityAsync(string key, ApiKeyOptions o, CancellationToken cancellationToken)
    {
        var verifier = _services.GetRequiredService<ApiKeyVerifier>();
        for (var attempt = 0; ; attempt++)
        {
            var token = await TokenAsync(verifier, o, attempt > 0, cancellationToken);
            var (unauthorized, identity) = await verifier.VerifyAsync(token, key, o, cancellationToken);
            if (!unauthorized)
            {
                return identity;
            }

            if (attempt > 0)
            {
                throw new HttpRequestException("Identity refused the gateway's token twice.");
            }
        }
    }

    private async Task<string> TokenAsync(ApiKeyVerifier verifier, ApiKeyOptions o, bool renew, CancellationToken cancellationToken)
    {
        await _tokenLock.WaitAsync(cancellationToken);
        try
        {
            if (!renew && _token is not null && _clock.GetUtcNow() < _tokenUntil)
            {
                return _token;
            }

            var (token, expiresIn) = await verifier.RequestTokenAsync(o, cancellationToken);
            _token = token;
            _tokenUntil = _clock.GetUtcNow() + TimeSpan.FromSeconds(Math.Max(0, expiresIn - 60));
            return _token;
        }
        finally
        {
            _tokenLock.Release();
        }
    }

    /// <summary>Logs a busy lookup at most once every 10 s (a flood would otherwise flood the log too), with the count.</summary>
    private void Busy()
    {
        Interlocked.Increment(ref _busy);
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        var last = Interlocked.Read(ref _busyLogged);
        if (now - last >= 10_000 && Interlocked.CompareExchange(ref _busyLogged, now, last) == last)
        {
            LogLookupsBusy(_logger, Interlocked.Exchange(ref _busy, 0));
        }
    }

    /// <summary>Lowercase hex SHA-256 of the whole key, as Identity stores it.</summary>
    private static string HashOf(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>The prefix of a key shaped as Identity issues them; null for anything else (never worth a question).</summary>
    internal static string? PrefixOf(string key)
    {
        if (key.Length != KeyPrefix.Length + PrefixLength + 1 + SecretLength || !key.StartsWith(KeyPrefix, StringComparison.Ordinal)
            || key[KeyPrefix.Length + PrefixLength] != '_')
        {
            return null;
        }

        var secret = key.AsSpan(KeyPrefix.Length + PrefixLength + 1);
        foreach (var c in secret)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                return null;
            }
        }

        var prefix = key.Substring(KeyPrefix.Length, PrefixLength);
        return secret.StartsWith(prefix, StringComparison.Ordinal) ? prefix : null;
    }

    public void Dispose()
    {
        _lookups.Dispose();
        _tokenLock.Dispose();
    }

    [LoggerMessage(EventId = 8300, Level = LogLevel.Warning, Message = "An API key was presented but Gateway:ApiKeys:ClientId is not set; API keys are refused")]
    private static partial void LogNoClient(ILogger logger);

    [LoggerMessage(EventId = 8301, Level = LogLevel.Error, Message = "Could not verify an API key with Identity: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string reason);

    [LoggerMessage(EventId = 8302, Level = LogLevel.Warning, Message = "Every API-key lookup slot was busy (a flood of unknown keys?): {Count} keys never seen before were answered 503 since the last warning")]
    private static partial void LogLookupsBusy(ILogger logger, long count);
}
