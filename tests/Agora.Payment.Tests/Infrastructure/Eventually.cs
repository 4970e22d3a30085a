using Agora.Payment.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Wolverine.Persistence.Durability;
using Wolverine.Persistence.Durability.DeadLetterManagement;

namespace Agora.Payment.Tests.Infrastructure;

internal static class Eventually
{
    public static async Task<T> Async<T>(Func<Task<T?>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        T? last = default;
        while (DateTime.UtcNow < deadline)
        {
            last = await probe();
            if (last is not null && done(last))
            {
                return last;
            }

            await Task.Delay(100);
        }

        throw new Xunit.Sdk.XunitException($"Timed out after {timeout.TotalSeconds} s waiting for {what}; last: {last}");
    }

    public static async Task<PaymentRecord?> StoredAsync(this PaymentApp app, string orderId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PaymentDbContext>().Payments.AsNoTracking()
            .Include(p => p.Operations).FirstOrDefaultAsync(p => p.OrderId == orderId);
    }

    public static async Task<IReadOnlyList<DeadLetterEnvelope>> DeadLettersAsync(this PaymentApp app)
    {
        var store = app.Services.GetRequiredService<IMessageStore>();
        return (await store.DeadLetters.QueryAsync(new DeadLetterEnvelopeQuery { PageSize = 100 }, CancellationToken.None)).Envelopes;
    }
}
