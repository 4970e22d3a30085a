using Agora.Contracts.Orders;
using Agora.Ordering.Domain;
using Agora.Ordering.Features.Orders;

namespace Agora.Ordering.Tests;

/// <summary>
/// The order view keeps to the lengths its published contract documents, whatever other services send: a reason built
/// from a long decline or stock message is cut, not published longer than <see cref="OrderViewLimits.Reason"/>.
/// </summary>
public sealed class OrderViewLimitsTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private static OrderState Order(params IOrderEvent[] more) => OrderState.Fold(
    [
        new OrderEvent.Placed(At, "ord_limits", new CustomerContact("usr_limits", "limits@example.com", "Limits", "en"),
            [new OrderLine("prd_kettle", "KETTLE-1", "Kettle", 1, 30000m, "KRW")],
            new ShippingAddress("Kim Minji", "010-1234-5678", "152 Teheran-ro", null, "Seoul", "06236", "KR"), 30000m, "KRW"),
        .. more,
    ])!;

    [Fact]
    public void View_ReasonLongerThanDocumented_IsCutWithAnEllipsis()
    {
        var reason = "payment declined: " + new string('x', 5000);
        var view = OrderProjection.View(Order(new OrderEvent.SagaFailed(At.AddSeconds(1), reason)));

        Assert.Equal(OrderViewLimits.Reason, view.Reason!.Length);
        Assert.StartsWith("payment declined: xxx", view.Reason, StringComparison.Ordinal);
        Assert.EndsWith("…", view.Reason, StringComparison.Ordinal);
        Assert.Equal("failed", view.Status);
    }

    [Fact]
    public void View_ShortReason_IsShownWhole()
    {
        var view = OrderProjection.View(Order(new OrderEvent.SagaFailed(At.AddSeconds(1), "out of stock")));
        Assert.Equal("out of stock", view.Reason);
    }
}
