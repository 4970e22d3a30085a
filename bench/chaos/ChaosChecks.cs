using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Agora.Bench.Orders;

namespace Agora.Bench.Chaos;

/// <summary>One check of the chaos run: what it says and whether it held.</summary>
public sealed record Check(string Name, bool Passed, string Detail);

/// <summary>
/// What must hold after any fault: every accepted order terminal; every POST answered, or its order found by its key;
/// no money taken (the PSP's own books) for an order the client could not learn of; each confirmed order captured once
/// and nothing kept for a cancelled one; stock conserved.
/// </summary>
public static class ChaosChecks
{
    public static async Task<IReadOnlyList<Check>> RunAsync(LoadGenerator bench, ShopApi api, ChaosOptions options, CancellationToken ct)
    {
        var checks = new List<Check>();
        var sent = bench.Orders.Where(o => o.Run > 0 && !o.Skipped).ToList();

        // POSTs whose client never got an answer are asked about once more, after the drain: an order placed by a POST
        // still running when the client last asked is found now, and its outcome read.
        var unanswered = bench.Orders.Where(o => !o.Skipped && o.OrderId is null && o.Status is 0 or >= 500).ToList();
        var unresolved = new List<OrderRecord>();
        foreach (var record in unanswered)
        {
            try
            {
                record.OrderId = await api.FindOrderByKeyAsync(bench.Customers[record.Customer].Token, record.Key, ct);
                if (record.OrderId is not null)
                {
                    record.ResolvedByKey = true;
                    record.Events = await api.EventsAsync(bench.Admin.Token, record.OrderId, ct);
                    record.Classify();
                }
            }
            catch (BenchException)
            {
                unresolved.Add(record);
            }
        }

        var byStatus = string.Join(", ", sent.GroupBy(o => o.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()}× {g.Key}"));
        checks.Add(new Check("every POST answered or resolvable by its key", unresolved.Count == 0,
            $"{sent.Count} orders offered; last answers {byStatus}; {sent.Count(o => o.Attempts > 1)} retried with the same key; " +
            $"{sent.Count(o => o.ResolvedByKey)} found by key after no answer; {unresolved.Count} unresolvable"));

        var standard = await Checks.RunAsync(bench, ct);
        var open = bench.Orders.Where(o => o.OrderId is not null && o.Outcome is Outcome.NotTerminal or Outcome.Unknown).ToList();
        checks.Add(new Check("every accepted order terminal", open.Count == 0, standard.Lines[0] + string.Concat(open.Take(3).Select(Stream))));
        var stock = await bench.CheckStockAsync(ct);
        checks.Add(new Check("stock conserved", stock.Count == 0, stock.Count == 0 ? $"all {bench.Products.Count} products" : string.Join("; ", stock.Take(5))));

        // The PSP's books against what the clients know.
        using var http = new HttpClient { BaseAddress = options.Psp, Timeout = TimeSpan.FromSeconds(60) };
        var authorizations = (await http.GetFromJsonAsync<JsonObject>("v1/authorizations", ct))!["data"]!.AsArray()
            .Select(a => (Id: (string)a!["id"]!, Reference: (string)a["reference"]!, Status: (string)a["status"]!,
                Captured: decimal.Parse((string)a["amount_captured"]!, CultureInfo.InvariantCulture),
                Refunded: decimal.Parse((string)a["amount_refunded"]!, CultureInfo.InvariantCulture)))
            .ToList();
        var known = bench.Orders.Where(o => o.OrderId is not null).ToDictionary(o => o.OrderId!, StringComparer.Ordinal);
        var mine = authorizations.Where(a => known.ContainsKey(a.Reference) || a.Reference.StartsWith("ord_", StringComparison.Ordinal)).ToList();
        var chargedUnknown = mine.Where(a => !known.ContainsKey(a.Reference) && (a.Captured - a.Refunded > 0 || a.Status == "authorized")).ToList();
        checks.Add(new Check("no order charged without an acknowledgement the client could obtain", chargedUnknown.Count == 0,
            $"{mine.Count} authorizations at the PSP; {chargedUnknown.Count} hold or take money for an order no client learned of" +
            (chargedUnknown.Count > 0 ? " (e.g. " + string.Join(", ", chargedUnknown.Take(5).Select(a => a.Reference)) + ")" : "")));

        var problems = new List<string>();
        foreach (var group in mine.Where(a => known.ContainsKey(a.Reference)).GroupBy(a => a.Reference))
        {
            var order = known[group.Key];
            var taken = group.Sum(a => a.Captured - a.Refunded);
            var held = group.Count(a => a.Status == "authorized");
            var captures = group.Count(a => a.Captured > 0);
            if (order.Outcome == Outcome.Confirmed && (captures != 1 || taken <= 0 || held > 0))
            {
                problems.Add($"{group.Key} confirmed: {captures} captures, {taken} kept, {held} holds open");
            }
            else if (order.Outcome is Outcome.Cancelled or Outcome.Failed && (taken != 0 || held > 0))
            {
                problems.Add($"{group.Key} {order.Outcome.ToString().ToLowerInvariant()}: {taken} kept, {held} holds open");
            }
        }

        var confirmedWithout = known.Values.Where(o => o.Outcome == Outcome.Confirmed && mine.All(a => a.Reference != o.OrderId)).Take(5).ToList();
        problems.AddRange(confirmedWithout.Select(o => $"{o.OrderId} confirmed without an authorization at the PSP"));
        checks.Add(new Check("each confirmed order captured once; nothing kept or held for a cancelled one", problems.Count == 0,
            problems.Count == 0 ? $"{known.Values.Count(o => o.Outcome == Outcome.Confirmed)} confirmed, {known.Values.Count(o => o.Outcome == Outcome.Cancelled)} cancelled"
                : string.Join("; ", problems.Take(8))));
        return checks;
    }

    /// <summary>An order that did not end, as the operator needs it: its id, when it was sent, and its event stream.</summary>
    private static string Stream(OrderRecord order) =>
        $"; {order.OrderId} (sent {order.Sent:HH:mm:ss.fff}): " +
        (order.Missing ? "the shop answered with this id and now says there is no such order"
            : string.Join(" → ", order.Events.Select(e => $"{e.Type} {e.OccurredAt:HH:mm:ss.fff}")));
}
