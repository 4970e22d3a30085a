using System.ComponentModel.DataAnnotations;

namespace Agora.DevInbox;

/// <summary><c>DevInbox</c> section.</summary>
public sealed class DevInboxOptions
{
    public const string SectionName = "DevInbox";

    /// <summary>The loopback port SMTP listens on (plain SMTP, no authentication: a development sink). Default 2525.</summary>
    [Range(1, 65535)]
    public int SmtpPort { get; set; } = 2525;

    /// <summary>How many messages are kept (the oldest go first). Default 5,000.</summary>
    [Range(1, 1_000_000)]
    public int Capacity { get; set; } = 5_000;

    /// <summary>Largest accepted email in bytes (SMTP <c>SIZE</c>). Default 10 MiB.</summary>
    [Range(1024, 100 * 1024 * 1024)]
    public int MaxMessageBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>When set, every email is also written there as <c>{id}.eml</c>, to open in a mail client.</summary>
    public string? Directory { get; set; }
}
