namespace Agora.Hosting;

/// <summary>
/// The <c>[LoggerMessage(EventId = …)]</c> ranges, per assembly: every event id an assembly declares lies in one of its
/// ranges, and no two assemblies' ranges overlap, so an id names one log statement across the whole shop (search the
/// logs for <c>EventId 7201</c> and find one line of code). <c>LogEventIdTests</c> (tests/Agora.Gateway.Tests) reads every
/// <c>src/**/*.cs</c> and fails on an id outside its assembly's ranges, on an id used twice, on an assembly missing here,
/// and on overlapping ranges. A new assembly takes the next free range.
/// </summary>
public static class LogEventIds
{
    /// <summary>Assembly name → its ranges (inclusive).</summary>
    public static IReadOnlyDictionary<string, (int From, int To)[]> Ranges { get; } = new Dictionary<string, (int, int)[]>(StringComparer.Ordinal)
    {
        // The platform.
        ["Agora.Http"] = [(1000, 1099), (5000, 5099)],
        ["Agora.Storage"] = [(1100, 1199)],
        ["Agora.Auth"] = [(6000, 6099)],
        ["Agora.Messaging"] = [(7000, 7099)],
        ["Agora.ServiceDefaults"] = [(9300, 9399)],
        ["Agora.Hosting"] = [(9500, 9599)],
        ["Agora.OpenApi"] = [(9600, 9699)],
        ["Agora.Catalog"] = [(1200, 1299), (2000, 2999)],
        ["Agora.Identity"] = [(3000, 3999)],
        ["Agora.Payment"] = [(4000, 4999)],
        ["Agora.Shipping"] = [(5100, 5199)],
        ["Agora.Gateway.RateLimiting"] = [(5300, 5399)],
        ["Agora.Notification"] = [(6100, 6999)],
        ["Agora.Search"] = [(7100, 7199)],
        ["Agora.GraphQL"] = [(7200, 7299)],
        ["Agora.Ordering"] = [(7300, 7399)],
        ["Agora.Gateway"] = [(8000, 8999)],
        ["Agora.PspSimulator"] = [(9000, 9099)],
        ["Agora.DevInbox"] = [(9100, 9199)],
        ["Agora.Web"] = [(9400, 9499)],
    };
}
