using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Agora.Ordering.Tests.Infrastructure;

/// <summary>
/// A test's hook into Ordering's <c>SaveChanges</c>: armed once, it runs just before a save it matches, so a test can
/// let another writer commit first at exactly that moment (a race made deterministic). Disarmed, it does nothing.
/// </summary>
public sealed class SaveHook : SaveChangesInterceptor
{
    private Func<DbContext, bool>? _when;
    private Func<Task>? _first;

    /// <summary>The next save for which <paramref name="when"/> holds runs <paramref name="first"/> before it saves.</summary>
    public void Arm(Func<DbContext, bool> when, Func<Task> first)
    {
        _first = first;
        Volatile.Write(ref _when, when);
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _when) is { } when && eventData.Context is { } db && when(db)
            && Interlocked.CompareExchange(ref _when, null, when) == when)
        {
            await _first!();
        }

        return result;
    }
}
