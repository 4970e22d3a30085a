using Agora.Contracts.Orders;
using Agora.Hosting;

namespace Agora.Notification.Tests.Infrastructure;

/// <summary>
/// Notification in-process on a real store (SQLite file, or its own PostgreSQL database with RabbitMQ), trusting its own
/// <see cref="TestIdentity"/>, sending email to a real SMTP server (<see cref="SmtpSink"/>) and SMS to a real HTTP
/// webhook (<see cref="WebhookListener"/>). A <see cref="MessageProbe"/> stands in for Ordering and publishes the order
/// events over the mode's transport.
/// </summary>
public sealed class NotificationApp : ServiceApp<Program>
{
    /// <summary>How long a test waits for a notification to go out (the first event a handler sees is slow on a busy machine).</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    public static readonly Type[] Events =
        [typeof(OrderConfirmed), typeof(OrderCancelled), typeof(OrderPaymentFailed), typeof(OrderShipped), typeof(OrderDelivered)];

    private NotificationApp(AgoraMode mode, TestIdentity identity, SmtpSink smtp, WebhookListener sms)
        : base("notification", mode)
    {
        Identity = identity;
        Smtp = smtp;
        Sms = sms;
        Probe = new MessageProbe(mode);
        With("Agora:Auth:Authority", identity.Issuer);
        With("Notification:Smtp:Host", "127.0.0.1");
        With("Notification:Smtp:Port", smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        With("Notification:Smtp:From", "orders@agora.test");
        With("Notification:Sms:WebhookUrl", sms.Url);
        With("Notification:Sms:ApiKey", "sms-provider-key");
    }

    public TestIdentity Identity { get; }
    public SmtpSink Smtp { get; }
    public WebhookListener Sms { get; }

    /// <summary>Ordering's stand-in: publishes order events to Notification.</summary>
    public MessageProbe Probe { get; }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The listener is handed to the app, which disposes it; a failed start disposes it in the catch.")]
    public static async Task<NotificationApp> StartAsync(AgoraMode mode)
    {
        var smtp = new SmtpSink(TestServers.FreePort());
        WebhookListener? sms = null;
        TestIdentity? identity = null;
        NotificationApp? app = null;
        try
        {
            await smtp.StartAsync();
            sms = await WebhookListener.StartAsync();
            identity = await TestIdentity.StartAsync();
            app = new NotificationApp(mode, identity, smtp, sms);
            _ = app.Server;
            await app.Probe.StartAsync(app, [], Events, []);
            return app;
        }
        catch
        {
            // Nothing started here may outlive a failed start (the SMTP sink and the webhook listen on real ports).
            if (app is not null)
            {
                await app.DisposeAsync();
            }
            else
            {
                await smtp.DisposeAsync();
                if (sms is not null)
                {
                    await sms.DisposeAsync();
                }

                if (identity is not null)
                {
                    await identity.DisposeAsync();
                }
            }

            throw;
        }
    }

    /// <summary>A customer's token: <c>sub</c> is the customer id, with <c>read:notifications</c> unless told otherwise.</summary>
    public string CustomerToken(string customerId, string scope = "read:notifications") =>
        Identity.Token().Subject(customerId).Scope(scope).Build();

    public override async ValueTask DisposeAsync()
    {
        await Probe.DisposeAsync();
        await base.DisposeAsync();
        await Identity.DisposeAsync();
        await Sms.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}

/// <summary>One started Notification (with its sink, webhook and probe) per test class and mode.</summary>
public abstract class NotificationFixture(AgoraMode mode) : IAsyncLifetime
{
    public NotificationApp App { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = await NotificationApp.StartAsync(mode);
        Client = App.CreateClient();
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}

public sealed class EmbeddedNotificationFixture() : NotificationFixture(AgoraMode.Embedded);

public sealed class DistributedNotificationFixture() : NotificationFixture(AgoraMode.Distributed);
