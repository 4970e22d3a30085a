using Agora.Contracts.Catalog.V1;
using Agora.ServiceDefaults.Resilience;
using Agora.Testing;
using Grpc.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Agora.ServiceDefaults.Tests.Tls;

/// <summary>
/// Issue 14 for gRPC: a factory-made gRPC client (<c>AddAgoraGrpcClient</c>, as Ordering's to Catalog) over mutual TLS to
/// a real Kestrel HTTP/2 endpoint in Mutual mode (<see cref="MutualTlsFixture"/>'s Grpc endpoint).
/// </summary>
public sealed class GrpcMutualTlsTests(MutualTlsFixture shop) : IClassFixture<MutualTlsFixture>
{
    private const int ClientRefused = 9332;

    [Fact]
    public async Task A_factory_made_gRPC_client_with_its_services_certificate_is_served_and_known_as_that_peer()
    {
        using var ordering = ClientHost(shop.Directory, "ordering");
        var client = ordering.Services.GetRequiredService<CatalogService.CatalogServiceClient>();

        var answer = await client.GetProductAsync(new GetProductRequest { ProductId = "prd_1" });

        Assert.Equal("ordering", answer.Product.Name);
    }

    [Fact]
    public async Task A_gRPC_client_whose_certificate_the_project_CA_did_not_issue_gets_Unavailable_and_is_logged_once_over_its_retries()
    {
        // Trusts the project CA (so it accepts Catalog), but presents "ordering" issued by a foreign CA.
        var directory = Path.Combine(shop.Directory, "impostor-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(directory);
        TestCertificates.WriteCa(shop.ProjectCa, directory);
        using var foreignCa = TestCertificates.Ca("Not Agora's CA");
        using var impostor = TestCertificates.Issue(foreignCa, "ordering");
        TestCertificates.Write(impostor, directory, "ordering");
        using var host = ClientHost(directory, "ordering");
        var client = host.Services.GetRequiredService<CatalogService.CatalogServiceClient>();

        for (var i = 0; i < 2; i++)
        {
            var refused = await Assert.ThrowsAsync<RpcException>(async () => await client.GetProductAsync(new GetProductRequest { ProductId = "prd_1" }));
            Assert.True(refused.StatusCode == StatusCode.Unavailable, $"{refused.StatusCode}: {refused.Status.Detail} {refused.Status.DebugException}");
        }

        var logged = await Poll.UntilAsync(() => Task.FromResult(shop.Logs.Entries
                .Where(e => e.EventId.Id == ClientRefused && Equals(e.State.GetValueOrDefault("Thumbprint"), impostor.Thumbprint)).ToList()),
            entries => entries.Count > 0, "the refusal of the impostor's certificate logged");
        Assert.Single(logged);
        Assert.Contains("not issued by the project CA", logged[0].Message, StringComparison.Ordinal);
        Assert.Equal("Grpc", logged[0].State.GetValueOrDefault("Endpoint"));
    }

    /// <summary>A host of <paramref name="service"/> in Mutual mode with its certificates in <paramref name="directory"/> and a Catalog gRPC client.</summary>
    private IHost ClientHost(string directory, string service)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing", ContentRootPath = directory });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Agora:Tls:Mode"] = MutualTlsFixture.Mode,
            ["Agora:Tls:CertificateDirectory"] = directory,
            ["Agora:Services:catalog:Grpc"] = $"https://127.0.0.1:{shop.GrpcPort}",
        });
        builder.AddServiceDefaults(service);
        builder.Services.AddAgoraGrpcClient<CatalogService.CatalogServiceClient>(builder.Configuration, "catalog");
        return builder.Build();
    }
}
