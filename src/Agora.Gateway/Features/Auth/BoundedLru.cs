namespace Agora.Gateway.Features.Auth;

/// <summary>
/// A size-bounded map that forgets its least recently used entry when full (never everything at once). One lock: every
/// operation is a dictionary lookup and a linked-list splice, far cheaper than what the cache saves (a call to Identity).
/// </summary>
internal sealed class BoundedLru<TValue>(int capacity)
{
    private readonly Dictionary<string, LinkedListNode<(string Key, TValue Value)>> _map = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Key, TValue Value)> _order = new();
    private readonly Lock _lock = new();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _map.Count;
            }
        }
    }

    /// <summary>The value for <paramref name="key"/>, which becomes the most recently used.</summary>
    public bool TryGet(string key, out TValue value)
    {
        lock (_lock)
        {
            if (_map.TryGetValue(key, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                value = node.Value.Value;
                return true;
            }
        }

        value = default!;
        return false;
    }

    /// <summary>Adds or replaces <paramref name="key"/>; evicts the least recently used entry when over capacity.</summary>
    public void Set(string key, TValue value)
    {
        lock (_lock)
        {
            if (_map.TryGetValue(key, out var node))
            {
                _order.Remove(node);
                node.Value = (key, value);
                _order.AddFirst(node);
                return;
            }

            _map[key] = _order.AddFirst((key, value));
            while (_map.Count > capacity && _order.Last is { } last)
            {
                _order.RemoveLast();
                _map.Remove(last.Value.Key);
            }
        }
    }

    public void Remove(string key)
    {
        lock (_lock)
        {
            if (_map.Remove(key, out var node))
            {
                _order.Remove(node);
            }
        }
    }
}
