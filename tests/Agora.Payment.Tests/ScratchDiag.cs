using Agora.Contracts.Orders;
using Agora.Payment.Infrastructure;
using Agora.Payment.Tests.Infrastructure;
using Agora.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Wolverine.Persistence.Durability;
using Wolverine.Persistence.Durability.DeadLetterManagement;
using Xunit.Abstractions;

namespace Agora.Payment.Tests;

public sealed class ScratchDiag(ITestOutputHelper output)
{
    [Fact]
    public async Task Diag()
    {
        var f = new EmbeddedPaymentFixture();
        await f.InitializeAsync();
        try
        {
            var orderId = "ord_diag" + Guid.NewGuid().ToString("N")[..6];
            await f.Ordering.SendAsync(new AuthorizePayment(Guid.NewGuid(), DateTimeOffset.UtcNow, orderId, "usr_1", 1000, "KRW"));
            await Task.Delay(8000);
            await using var scope = f.App.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PaymentDbContext>();
            foreach (var p in await db.Payments.Include(x => x.Operations).ToListAsync())
            {
                output.WriteLine($"{p.Id} {p.OrderId} {p.Status} ops: {string.Join(",", p.Operations.Select(o => $"{o.Kind}:{o.Status}:{o.Attempts}:{o.LastError}"))}");
            }

            var store = f.App.Services.GetRequiredService<IMessageStore>();
            var counts = await store.Admin.FetchCountsAsync();
            output.WriteLine($"incoming {counts.Incoming} outgoing {counts.Outgoing} scheduled {counts.Scheduled} dead {counts.DeadLetter}");
            var dead = await store.DeadLetters.QueryAsync(new DeadLetterEnvelopeQuery { PageSize = 10 }, CancellationToken.None);
            foreach (var d in dead.Envelopes)
            {
                output.WriteLine($"DEAD {d.MessageType} {d.ExceptionType} {d.ExceptionMessage}");
            }

            output.WriteLine("answers: " + string.Join(",", FakeOrdering.AnswersFor(orderId).Select(a => a.GetType().Name)));
            output.WriteLine("psp requests " + await f.Psp.RequestsAsync());
        }
        finally
        {
            await f.DisposeAsync();
        }
    }
}
