using System.Buffers;
using System.Net;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using MimeKit;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Agora.DevInbox;

/// <summary>
/// The SMTP server (cosullivan/SmtpServer) on loopback: every message it accepts is parsed with MimeKit and kept in the
/// <see cref="Inbox"/> (and written as <c>.eml</c> when <see cref="DevInboxOptions.Directory"/> is set). While the inbox
/// is refusing, the DATA command is answered <c>451</c>, a temporary failure a sender retries.
/// </summary>
public sealed partial class SmtpListener(Inbox inbox, IOptions<DevInboxOptions> options, ILogger<SmtpListener> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        var serverOptions = new SmtpServerOptionsBuilder()
            .ServerName("agora-devinbox")
            .MaxMessageSize(o.MaxMessageBytes, MaxMessageSizeHandling.Strict)
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, o.SmtpPort)))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(this));
        var server = new SmtpServer.SmtpServer(serverOptions, services);
        LogListening(logger, o.SmtpPort);
        try
        {
            await server.StartAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task<SmtpResponse> SaveAsync(IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken ct)
    {
        if (inbox.Refusing)
        {
            LogRefused(logger);
            return new SmtpResponse(SmtpReplyCode.Aborted, "4.3.0 The inbox is refusing mail for now (failure injection); try again later");
        }

        using var stream = new MemoryStream(buffer.ToArray());
        MimeMessage mime;
        try
        {
            mime = await MimeMessage.LoadAsync(stream, ct);
        }
        catch (FormatException e)
        {
            return new SmtpResponse(SmtpReplyCode.SyntaxError, "5.6.0 The message is not valid MIME: " + e.Message);
        }

        var to = transaction.To.Select(m => m.AsAddress()).ToList();
        var (message, _) = inbox.Add((id, now) => new CaughtMessage(
            id, "email", now, transaction.From?.AsAddress(), to, mime.Subject, mime.TextBody ?? mime.HtmlBody, mime.HtmlBody, null, null));
        if (options.Value.Directory is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
            await File.WriteAllBytesAsync(Path.Combine(directory, $"{message.Id:D6}.eml"), stream.ToArray(), ct);
        }

        LogReceived(logger, message.Id, string.Join(", ", to), mime.Subject ?? "");
        return SmtpResponse.Ok;
    }

    private sealed class Store(SmtpListener listener) : MessageStore
    {
        public override Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer,
            CancellationToken cancellationToken) => listener.SaveAsync(transaction, buffer, cancellationToken);
    }

    /// <summary>Ready once the SMTP port accepts connections.</summary>
    public sealed class HealthCheck(IOptions<DevInboxOptions> options) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, options.Value.SmtpPort, cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (System.Net.Sockets.SocketException e)
            {
                return HealthCheckResult.Unhealthy($"SMTP is not listening on {options.Value.SmtpPort}: {e.SocketErrorCode}");
            }
        }
    }

    [LoggerMessage(EventId = 9100, Level = LogLevel.Information, Message = "SMTP listening on 127.0.0.1:{Port}")]
    private static partial void LogListening(ILogger logger, int port);

    [LoggerMessage(EventId = 9101, Level = LogLevel.Information, Message = "Email {Id} to {To}: {Subject}")]
    private static partial void LogReceived(ILogger logger, long id, string to, string subject);

    [LoggerMessage(EventId = 9102, Level = LogLevel.Information, Message = "Email refused with 451 (the inbox is refusing)")]
    private static partial void LogRefused(ILogger logger);
}
