using System.Text.Json;
using System.Text.Json.Serialization;

namespace Agora.PspSimulator;

/// <summary>One line of the journal: an authorization as it now is, a refund made, or an idempotency key's stored answer.</summary>
public sealed record JournalEntry(
    Authorization? Authorization = null, Refund? Refund = null, string? Key = null, string? Fingerprint = null, int? Status = null, JsonElement? Body = null);

/// <summary>
/// The simulator's books on disk: an append-only file of JSON lines (<c>ledger.jsonl</c> under <c>Psp:DataDirectory</c>,
/// default <c>{Agora:DataDirectory}/psp-simulator</c>), written before an answer leaves, replayed at start. A restart
/// therefore keeps every hold, capture, refund and idempotency key, as a real provider does: it never answers
/// <c>resource_missing</c> for a hold it made. Each line goes to the operating system as it is written, so a killed
/// process loses nothing it answered; a torn last line (a power cut mid-write) is skipped. Without a directory
/// (tests that want a fresh provider) the books live in memory only.
/// </summary>
public sealed class PspJournal : IDisposable
{
    public const string FileName = "ledger.jsonl";

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>How the bodies of stored answers are written: as the API writes them (snake_case).</summary>
    public static readonly JsonSerializerOptions BodyOptions = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly StreamWriter? _writer;

    private PspJournal(string? path, IReadOnlyList<JournalEntry> entries)
    {
        Path = path;
        Entries = entries;
        if (path is not null)
        {
            _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
        }
    }

    /// <summary>The file, or null when the books live in memory.</summary>
    public string? Path { get; }

    /// <summary>What the file held at start, in the order it was written.</summary>
    public IReadOnlyList<JournalEntry> Entries { get; }

    public static PspJournal Open(string? directory)
    {
        if (string.IsNullOrWhiteSpace(directory))
        {
            return new PspJournal(null, []);
        }

        Directory.CreateDirectory(directory);
        var path = System.IO.Path.Combine(directory, FileName);
        var entries = new List<JournalEntry>();
        if (File.Exists(path))
        {
            foreach (var line in File.ReadLines(path))
            {
                try
                {
                    if (line.Length > 0 && JsonSerializer.Deserialize<JournalEntry>(line, Options) is { } entry)
                    {
                        entries.Add(entry);
                    }
                }
                catch (JsonException)
                {
                    // A torn last line: the answer it would have recorded was never sent.
                }
            }
        }

        return new PspJournal(path, entries);
    }

    public void Append(JournalEntry entry) => _writer?.WriteLine(JsonSerializer.Serialize(entry, Options));

    public void Dispose() => _writer?.Dispose();
}
