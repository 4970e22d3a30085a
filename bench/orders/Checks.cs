namespace Agora.Bench.Orders;

/// <summary>
/// Correctness after the load: every accepted order reached the end of its saga, and the bench products' stock is
/// conserved (nothing left reserved; units gone = units of confirmed orders).
/// </summary>
public sealed record Checks(bool Passed, IReadOnlyList<string> Lines)
{
    public static async Task<Checks> RunAsync(LoadGenerator bench, CancellationToken ct)
    {
        var lines = new List<string>();
        var accepted = bench.Orders.Where(o => o.OrderId is not null).ToList();
        var open = accepted.Where(o => o.Outcome is Outcome.NotTerminal or Outcome.Unknown).ToList();
        var byOutcome = string.Join(", ", accepted.GroupBy(o => o.Outcome).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}"));
        lines.Add($"orders accepted over all runs (warm-up and lead-ins included): {accepted.Count} ({byOutcome}); " +
                  $"POSTs refused or failed: {bench.Orders.Count(o => !o.Skipped && o.OrderId is null)}; open-loop slots skipped: {bench.Orders.Count(o => o.Skipped)}");
        lines.Add(open.Count == 0
            ? "check: every accepted order is terminal (confirmed, cancelled or failed): **ok**"
            : $"check: every accepted order is terminal: **FAILED**, {open.Count} not terminal (e.g. {string.Join(", ", open.Take(5).Select(o => o.OrderId))})");

        var stock = await bench.CheckStockAsync(ct);
        lines.Add(stock.Count == 0
            ? $"check: stock conserved on all {bench.Products.Count} bench products (reserved 0, units gone = units in confirmed orders): **ok**"
            : $"check: stock conserved: **FAILED** on {stock.Count} products: " + string.Join("; ", stock.Take(5)));
        return new Checks(open.Count == 0 && stock.Count == 0, lines);
    }
}
