using Agora.Payment.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Wolverine.Persistence.Durability;
using Wolverine.Persistence.Durability.DeadLetterManagement;

namespace Agora.Payment.Tests.Infrastructure;

/// <summary>What a test reads from Payment's own store: the payment of an order, the dead letters.</summary>
internal static class PaymentQueries
{
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
