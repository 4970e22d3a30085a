namespace Agora.Web.Features.Console;

/// <summary>
/// The console's views of the order saga, from Ordering's saga states (<c>SagaStep</c>) and order statuses: in flight
/// (a step or a compensation under way), stuck (in flight, and nothing happened for longer than a step's timeout),
/// <c>payment_pending</c> (the payment provider has not answered), and failed (the saga gave up: a person must look).
/// </summary>
public static class SagaBoard
{
    public const string InFlight = "in_flight";
    public const string Stuck = "stuck";
    public const string PaymentPending = "payment_pending";
    public const string Failed = "failed";

    /// <summary>The views, in the order the page offers them, with their names.</summary>
    public static readonly IReadOnlyList<(string View, string Label)> Views =
    [
        (InFlight, "In flight"), (Stuck, "Stuck"), (PaymentPending, "Payment pending"), (Failed, "Failed"),
    ];

    /// <summary>Saga states in which a step or a compensation is under way (Ordering's <c>SagaStep</c>, snake_case).</summary>
    public static readonly IReadOnlyList<string> InFlightStates =
    [
        "reserve_stock", "authorize_payment", "create_shipment", "capture_payment", "commit_stock",
        "cancel_shipment", "return_payment", "release_stock",
    ];

    /// <summary>The view <paramref name="view"/> names, or <see cref="InFlight"/> for none or an unknown one.</summary>
    public static string Normalize(string? view) => Views.Any(v => v.View == view) ? view! : InFlight;

    /// <summary>
    /// Whether <paramref name="row"/> is stuck at <paramref name="now"/>: in flight, and unchanged for longer than
    /// <paramref name="stepTimeout"/> (each step waits that long before Ordering asks again or compensates).
    /// </summary>
    public static bool IsStuck(SagaRow row, DateTimeOffset now, TimeSpan stepTimeout) =>
        InFlightStates.Contains(row.SagaState) && now - row.UpdatedAt > stepTimeout;

    /// <summary>Rows newest first; for <see cref="Stuck"/> only the stuck ones.</summary>
    public static IReadOnlyList<SagaRow> Select(string view, IEnumerable<SagaRow> rows, DateTimeOffset now, TimeSpan stepTimeout) =>
        [.. rows.Where(r => view != Stuck || IsStuck(r, now, stepTimeout))
            .DistinctBy(r => r.Id, StringComparer.Ordinal)
            .OrderByDescending(r => r.PlacedAt).ThenBy(r => r.Id, StringComparer.Ordinal)];

    /// <summary>How long a row has gone without a change, as a reader wants it (seconds, minutes, hours, days).</summary>
    public static string Idle(SagaRow row, DateTimeOffset now)
    {
        var idle = now - row.UpdatedAt;
        return idle < TimeSpan.Zero ? "0 s"
            : idle < TimeSpan.FromMinutes(2) ? $"{(int)idle.TotalSeconds} s"
            : idle < TimeSpan.FromHours(2) ? $"{(int)idle.TotalMinutes} min"
            : idle < TimeSpan.FromDays(2) ? $"{(int)idle.TotalHours} h"
            : $"{(int)idle.TotalDays} d";
    }
}
