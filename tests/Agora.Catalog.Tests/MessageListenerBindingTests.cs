using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Agora.Catalog.Tests.Infrastructure;
using Agora.Hosting;
using Agora.Testing;

namespace Agora.Catalog.Tests;

/// <summary>
/// Issue 14: the embedded mode's Wolverine TCP transport is plaintext, so its listener is reachable from this machine
/// only (docs/architecture.md §4). A real Catalog's listener accepts a connection on 127.0.0.1 and refuses one on every
/// other address of the machine on the same port: a second loopback address (127.0.0.2, which a wildcard bind would
/// accept) and each network interface's address. A non-loopback <c>Agora:Messaging:ListenAddress</c> stops the start.
/// </summary>
public sealed class MessageListenerBindingTests
{
    [Fact]
    public async Task Embedded_listener_accepts_loopback_and_refuses_every_other_address()
    {
        await using var app = new CatalogApp(AgoraMode.Embedded);
        await app.InitializeAsync();

        // The listener starts with the host; a connection on loopback is accepted.
        await Poll.UntilAsync(() => ConnectsAsync(IPAddress.Loopback, app.MessagePort), "the message listener accepting on 127.0.0.1");

        var elsewhere = OtherAddresses().Prepend(IPAddress.Parse("127.0.0.2")).ToList();
        foreach (var address in elsewhere)
        {
            var error = await Assert.ThrowsAsync<SocketException>(() => ConnectAsync(address, app.MessagePort));
            Assert.True(error.SocketErrorCode == SocketError.ConnectionRefused, $"{address}:{app.MessagePort}: {error.SocketErrorCode}, expected refused");
        }
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("192.0.2.10")]
    [InlineData("catalog.internal")]
    public async Task A_non_loopback_listen_address_stops_the_start_naming_the_key(string address)
    {
        await using var app = new CatalogApp(AgoraMode.Embedded).With("Agora:Messaging:ListenAddress", address);
        var error = await Assert.ThrowsAnyAsync<Exception>(app.InitializeAsync);
        var messages = string.Join(" | ", Flatten(error).Select(e => e.Message));
        Assert.Contains("Agora:Messaging:ListenAddress", messages, StringComparison.Ordinal);
        Assert.Contains("loopback only", messages, StringComparison.Ordinal);
    }

    private static async Task<bool> ConnectsAsync(IPAddress address, int port)
    {
        try
        {
            await ConnectAsync(address, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task ConnectAsync(IPAddress address, int port)
    {
        using var client = new TcpClient(address.AddressFamily);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await client.ConnectAsync(address, port, timeout.Token);
    }

    /// <summary>Every address of this machine's interfaces that is up, except loopback and IPv6 link-local ones.</summary>
    private static IEnumerable<IPAddress> OtherAddresses() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .Where(a => !IPAddress.IsLoopback(a) && !a.IsIPv6LinkLocal);

    private static IEnumerable<Exception> Flatten(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }
}
