using System.Collections.Concurrent;
using System.Net.Sockets;
using Agora.DevInbox;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Agora.Notification.Tests.Infrastructure;

/// <summary>An email the sink received: the SMTP envelope and the parsed message.</summary>
public sealed record ReceivedEmail(string? From, IReadOnlyList<string> To, MimeMessage Message)
{
    public string Subject => Message.Subject ?? "";
    public string Html => Message.HtmlBody ?? "";
    public string Text => Message.TextBody ?? "";
}

/// <summary>
/// A real SMTP server: the repository's development inbox (<c>src/Services/DevInbox</c>, the SmtpServer library) run
/// in-process on a loopback port. It keeps each message's envelope and writes the message as it arrived to an
/// <c>.eml</c> file, which this class parses with MimeKit. It can be stopped (the port then refuses connections, as a
/// mail server that is down) and started again on the same port; what it received before is kept.
/// </summary>
public sealed class SmtpSink(int port) : IAsyncDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "agora-tests", "smtp-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly ConcurrentDictionary<string, ReceivedEmail> _parsed = new(StringComparer.Ordinal);
    private readonly List<ReceivedEmail> _before = [];
    private WebApplication? _app;
    private string _directory = "";
    private int _runs;

    public int Port { get; } = port;

    /// <summary>Every email received so far (across restarts), in arrival order.</summary>
    public IReadOnlyList<ReceivedEmail> Received
    {
        get
        {
            lock (_before)
            {
                return [.. _before, .. Current()];
            }
        }
    }

    public IReadOnlyList<ReceivedEmail> To(string address) =>
        Received.Where(m => m.To.Contains(address, StringComparer.OrdinalIgnoreCase)).ToList();

    /// <summary>Starts the inbox and returns once its SMTP port accepts connections.</summary>
    public async Task StartAsync()
    {
        _directory = Path.Combine(_root, "run" + ++_runs);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls("http://127.0.0.1:0");
        builder.Services.AddLogging();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DevInbox:SmtpPort"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["DevInbox:Directory"] = _directory,
        });
        var app = DevInboxProgram.Build(builder);
        await app.StartAsync();
        _app = app;
        await Poll.UntilAsync(AcceptsAsync, $"the SMTP sink listening on {Port}", TimeSpan.FromSeconds(30));
    }

    /// <summary>Stops the server: connections to its port are refused until it is started again.</summary>
    public async Task StopAsync()
    {
        if (_app is not { } app)
        {
            return;
        }

        lock (_before)
        {
            _before.AddRange(Current());
        }

        _app = null;
        await app.StopAsync();
        await app.DisposeAsync();
    }

    /// <summary>Waits for an email to <paramref name="address"/> matching <paramref name="match"/>.</summary>
    public Task<ReceivedEmail> WaitForAsync(string address, Func<ReceivedEmail, bool>? match = null, TimeSpan? timeout = null) =>
        Poll.UntilFoundAsync(() => To(address).FirstOrDefault(m => match?.Invoke(m) ?? true), $"an email to {address}", timeout ?? NotificationApp.Patience);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    /// <summary>What the running inbox caught, each once its <c>.eml</c> is written (the inbox lists it just before).</summary>
    private List<ReceivedEmail> Current()
    {
        if (_app is not { } app)
        {
            return [];
        }

        var caught = app.Services.GetRequiredService<Inbox>().Find("email", null, int.MaxValue).Reverse();
        var emails = new List<ReceivedEmail>();
        foreach (var message in caught)
        {
            var file = Path.Combine(_directory, $"{message.Id:D6}.eml");
            if (_parsed.TryGetValue(file, out var parsed))
            {
                emails.Add(parsed);
            }
            else if (File.Exists(file))
            {
                try
                {
                    parsed = new ReceivedEmail(message.From, message.To, MimeMessage.Load(file));
                }
                catch (Exception e) when (e is IOException or FormatException)
                {
                    break; // still being written: it and those after it count on the next look
                }

                if (parsed.Subject != (message.Subject ?? "") || (parsed.Message.HtmlBody ?? "") != (message.Html ?? ""))
                {
                    break; // only part of it written yet
                }

                emails.Add(_parsed.GetOrAdd(file, parsed));
            }
            else
            {
                break;
            }
        }

        return emails;
    }

    private async Task<bool> AcceptsAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(System.Net.IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
