using Agora.Hosting;
using Agora.AppHost;
using Microsoft.Extensions.Configuration;

namespace Agora.EndToEnd.Tests;

/// <summary>The AppHost's own configuration: mode selection and the distributed-mode checks (no processes started).</summary>
public sealed class AgoraSettingsTests
{
    private static readonly string AppHostDirectory =
        Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "src", "Agora.AppHost"));

    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build();

    [Fact]
    public void Settings_Default_IsEmbeddedWithDataUnderTheRepoRoot()
    {
        var settings = AgoraSettings.From(Config(), AppHostDirectory);

        Assert.Equal(AgoraMode.Embedded, settings.Mode);
        Assert.True(File.Exists(Path.Combine(settings.RepositoryRoot, "Agora.slnx")));
        Assert.Equal(Path.Combine(settings.RepositoryRoot, ".agora", "data"), settings.DataDirectory);
    }

    private static readonly (string, string)[] Distributed =
    [
        ("Agora:Mode", "Distributed"), ("ConnectionStrings:postgres", "Host=localhost"), ("ConnectionStrings:rabbitmq", "amqp://localhost"),
        ("ConnectionStrings:redis", "localhost:6379"),
    ];

    [Fact]
    public void Settings_MutualTls_IsTheDistributedDefault_AndOffInTheEmbeddedMode()
    {
        var distributed = AgoraSettings.From(Config(Distributed), AppHostDirectory);
        var embedded = AgoraSettings.From(Config(), AppHostDirectory);

        Assert.Equal(Path.Combine(distributed.RepositoryRoot, ".agora", "certs"), distributed.MutualTlsDirectory);
        Assert.Null(embedded.MutualTlsDirectory);
    }

    [Fact]
    public void Settings_MutualTls_Off_IsPlainInTheDistributedMode()
    {
        Assert.Null(AgoraSettings.From(Config([.. Distributed, ("Agora:Tls:Mode", "off")]), AppHostDirectory).MutualTlsDirectory);
    }

    [Theory]
    [InlineData("Mutual")]
    [InlineData("TLS")]
    [InlineData("7")]
    public void Settings_MutualTls_InTheEmbeddedMode_OrNotAMode_IsRefused(string mode)
    {
        var e = Assert.Throws<AgoraConfigurationException>(() => AgoraSettings.From(Config(("Agora:Tls:Mode", mode)), AppHostDirectory));

        Assert.Contains("Agora:Tls:Mode", e.Message);
    }

    [Fact]
    public void Settings_CatalogCanary_InTheDistributedMode_IsItsShare()
    {
        var settings = AgoraSettings.From(Config([.. Distributed, ("Agora:Canary:Catalog", "10")]), AppHostDirectory);

        Assert.Equal(10, settings.CatalogCanaryWeight);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("101")]
    [InlineData("ten")]
    public void Settings_CatalogCanary_NotAShare_SaysWhatIsExpected(string weight)
    {
        var e = Assert.Throws<AgoraConfigurationException>(() =>
            AgoraSettings.From(Config([.. Distributed, ("Agora:Canary:Catalog", weight)]), AppHostDirectory));

        Assert.Contains("Agora:Canary:Catalog", e.Message);
        Assert.Contains("percent", e.Message);
    }

    [Fact]
    public void Settings_CatalogCanary_InTheEmbeddedMode_IsRefused()
    {
        var e = Assert.Throws<AgoraConfigurationException>(() => AgoraSettings.From(Config(("Agora:Canary:Catalog", "10")), AppHostDirectory));

        Assert.Contains("Distributed", e.Message);
    }

    [Fact]
    public void Settings_Replicas_DefaultOne_InTheDistributedModeAsGiven()
    {
        Assert.Equal(1, AgoraSettings.From(Config(Distributed), AppHostDirectory).Replicas);
        Assert.Equal(2, AgoraSettings.From(Config([.. Distributed, ("Agora:Replicas", "2")]), AppHostDirectory).Replicas);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("4")]
    [InlineData("two")]
    public void Settings_Replicas_OutOfRange_SaysWhatIsExpected(string replicas)
    {
        var e = Assert.Throws<AgoraConfigurationException>(() =>
            AgoraSettings.From(Config([.. Distributed, ("Agora:Replicas", replicas)]), AppHostDirectory));

        Assert.Contains("Agora:Replicas", e.Message);
        Assert.Contains("1 to 3", e.Message);
    }

    [Fact]
    public void Settings_Replicas_InTheEmbeddedMode_IsRefused()
    {
        var e = Assert.Throws<AgoraConfigurationException>(() => AgoraSettings.From(Config(("Agora:Replicas", "2")), AppHostDirectory));

        Assert.Contains("Distributed", e.Message);
    }

    [Fact]
    public void Settings_Distributed_WithoutConnectionStrings_NamesEachMissingServerAndKey()
    {
        var e = Assert.Throws<AgoraConfigurationException>(() =>
            AgoraSettings.From(Config(("Agora:Mode", "Distributed"), ("ConnectionStrings:redis", "localhost:6379")), AppHostDirectory));

        Assert.Contains("PostgreSQL", e.Message);
        Assert.Contains("ConnectionStrings:postgres", e.Message);
        Assert.Contains("RabbitMQ", e.Message);
        Assert.Contains("ConnectionStrings:rabbitmq", e.Message);
        Assert.DoesNotContain("ConnectionStrings:redis", e.Message);
    }

    [Fact]
    public void Settings_Distributed_WithAllConnectionStrings_IsAccepted()
    {
        var settings = AgoraSettings.From(Config(
            ("Agora:Mode", "distributed"),
            ("ConnectionStrings:postgres", "Host=localhost;Username=agora;Password=agora"),
            ("ConnectionStrings:rabbitmq", "amqp://guest:guest@localhost:5672/"),
            ("ConnectionStrings:redis", "localhost:6379")), AppHostDirectory);

        Assert.Equal(AgoraMode.Distributed, settings.Mode);
    }

    [Fact]
    public void Settings_UnknownMode_IsRejected()
    {
        var e = Assert.Throws<AgoraConfigurationException>(() => AgoraSettings.From(Config(("Agora:Mode", "Cluster")), AppHostDirectory));

        Assert.Contains("Agora:Mode", e.Message);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("true", true)]
    [InlineData("False", false)]
    public void Settings_DemoAccounts_IsOptionalAndParsed(string? value, bool? expected)
    {
        var settings = AgoraSettings.From(value is null ? Config() : Config(("Agora:DemoAccounts", value)), AppHostDirectory);
        Assert.Equal(expected, settings.DemoAccounts);
    }

    [Fact]
    public void Settings_DemoAccounts_NotABoolean_SaysWhatToUse()
    {
        var e = Assert.Throws<AgoraConfigurationException>(() => AgoraSettings.From(Config(("Agora:DemoAccounts", "sure")), AppHostDirectory));
        Assert.Contains("true or false", e.Message);
    }

    [Fact]
    public void Settings_EdgeTls_IsOnByDefault_InTheDistributedModeOnly()
    {
        Assert.Null(AgoraSettings.From(Config(), AppHostDirectory).EdgeCertificateDirectory);
        var distributed = AgoraSettings.From(Config(Distributed), AppHostDirectory);
        Assert.Equal(Path.Combine(distributed.RepositoryRoot, ".agora", "certs"), distributed.EdgeCertificateDirectory);
    }

    [Fact]
    public void Settings_EdgeTls_False_IsPlainHttpInTheDistributedMode()
    {
        Assert.Null(AgoraSettings.From(Config([.. Distributed, ("Agora:Tls:Edge", "false")]), AppHostDirectory).EdgeCertificateDirectory);
    }

    [Fact]
    public void Settings_EdgeTls_InTheEmbeddedMode_IsRefused()
    {
        var e = Assert.Throws<AgoraConfigurationException>(() => AgoraSettings.From(Config(("Agora:Tls:Edge", "true")), AppHostDirectory));

        Assert.Contains("Distributed", e.Message);
    }

    [Fact]
    public void Settings_EdgeTls_WithTheGatewayCertificate_IsTheirDirectory()
    {
        var certificates = Directory.CreateTempSubdirectory("agora-certs-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(certificates, "gateway.crt"), "");
            File.WriteAllText(Path.Combine(certificates, "gateway.key"), "");
            var settings = AgoraSettings.From(Config([.. Distributed, ("Agora:Tls:Edge", "true"), ("Agora:Tls:CertificateDirectory", certificates)]), AppHostDirectory);
            Assert.Equal(certificates, settings.EdgeCertificateDirectory);
        }
        finally
        {
            Directory.Delete(certificates, recursive: true);
        }
    }
}
