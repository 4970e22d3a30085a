using Agora.GraphQL.Backends;
using GraphQL.DataLoader;

namespace Agora.GraphQL.Loading;

/// <summary>
/// A request-scoped DataLoader: <see cref="Load"/> only notes the key and hands GraphQL.NET an
/// <see cref="IDataLoaderResult{T}"/>; the executor resolves every field of a level before it asks any such result for
/// its value, and the first one asked fetches all keys noted so far in one call. Each key is fetched at most once per
/// request (later loads of it share the first result).
/// </summary>
/// <param name="fetch">Fetches many keys at once; a key missing from the answer resolves to null.</param>
internal sealed class BatchLoader<TKey, TValue>(Func<IReadOnlyList<TKey>, CancellationToken, Task<IReadOnlyDictionary<TKey, TValue>>> fetch)
    where TKey : notnull
    where TValue : class
{
    private readonly Lock _lock = new();
    private readonly Dictionary<TKey, Batch> _batchOf = [];
    private Batch _open = new();

    /// <summary>The value for <paramref name="key"/>, fetched with every other key loaded before it is asked for.</summary>
    public IDataLoaderResult<TValue?> Load(TKey key)
    {
        lock (_lock)
        {
            if (!_batchOf.TryGetValue(key, out var batch))
            {
                batch = _open;
                batch.Keys.Add(key);
                _batchOf[key] = batch;
            }

            return new Result(this, batch, key);
        }
    }

    private Task<IReadOnlyDictionary<TKey, TValue>> Dispatch(Batch batch, CancellationToken ct)
    {
        lock (_lock)
        {
            if (batch.Fetch is null)
            {
                if (ReferenceEquals(batch, _open))
                {
                    _open = new Batch();
                }

                // Started outside any resolver's own token: every field of the batch waits on the one call.
                batch.Fetch = Task.Run(() => fetch(batch.Keys, ct), CancellationToken.None);
            }

            return batch.Fetch;
        }
    }

    private sealed class Batch
    {
        public List<TKey> Keys { get; } = [];
        public Task<IReadOnlyDictionary<TKey, TValue>>? Fetch { get; set; }
    }

    private sealed class Result(BatchLoader<TKey, TValue> loader, Batch batch, TKey key) : IDataLoaderResult<TValue?>
    {
        public async Task<TValue?> GetResultAsync(CancellationToken cancellationToken = default)
        {
            var values = await Shared.AwaitAsync(loader.Dispatch(batch, cancellationToken));
            return values.TryGetValue(key, out var value) ? value : null;
        }

        async Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) => await GetResultAsync(cancellationToken);
    }
}

/// <summary>Awaiting a result many fields share.</summary>
internal static class Shared
{
    /// <summary>Awaits <paramref name="task"/>; its <see cref="BackendException"/> is copied, one per field.</summary>
    public static async Task<T> AwaitAsync<T>(Task<T> task)
    {
        try
        {
            return await task;
        }
        catch (BackendException e)
        {
            throw e.CopyForField();
        }
    }
}

/// <summary>A loaded value turned into another once it arrives (a field of a batched object).</summary>
internal sealed class MappedResult<TIn, TOut>(IDataLoaderResult<TIn> inner, Func<TIn, TOut> map) : IDataLoaderResult<TOut>
{
    public async Task<TOut> GetResultAsync(CancellationToken cancellationToken = default) => map(await inner.GetResultAsync(cancellationToken));

    async Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) => await GetResultAsync(cancellationToken);
}

/// <summary>A value already known, in DataLoader clothing.</summary>
internal sealed class KnownResult<T>(T value) : IDataLoaderResult<T>
{
    public Task<T> GetResultAsync(CancellationToken cancellationToken = default) => Task.FromResult(value);

    Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) => Task.FromResult<object?>(value);
}
