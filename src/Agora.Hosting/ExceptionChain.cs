namespace Agora.Hosting;

/// <summary>
/// An exception and everything it wraps, for deciding by the cause's type whatever wrappers the libraries put around it
/// (EF Core, Npgsql, Wolverine, RabbitMQ): <c>DbErrors.IsTransient</c> and <c>TransportOutageLog</c> ask it.
/// </summary>
public static class ExceptionChain
{
    /// <summary>
    /// <paramref name="root"/> and what it wraps, depth first, each once: the inner exception, or every exception of an
    /// <see cref="AggregateException"/>.
    /// </summary>
    public static IEnumerable<Exception> Of(Exception root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var seen = new HashSet<Exception>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<Exception>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var e = pending.Pop();
            if (!seen.Add(e))
            {
                continue;
            }

            yield return e;
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    pending.Push(inner);
                }
            }
            else if (e.InnerException is { } inner)
            {
                pending.Push(inner);
            }
        }
    }
}
