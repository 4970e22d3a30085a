using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Agora.ServiceDefaults.Telemetry;

internal static class TelemetryExtensions
{
    /// <summary>Meter and activity source names every Agora service emits under.</summary>
    public const string AgoraPrefix = "Agora.";

    public static IHostApplicationBuilder AddAgoraTelemetry(this IHostApplicationBuilder builder, string serviceName)
    {
        // One JSON object per line; scopes carry request_id and correlation_id, activity tracking adds trace and span ids.
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
            o.JsonWriterOptions = new System.Text.Json.JsonWriterOptions { Indented = false };
        });
        builder.Logging.Configure(o => o.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        builder.Logging.AddOpenTelemetry(o =>
        {
            o.IncludeFormattedMessage = true;
            o.IncludeScopes = true;
        });

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName, serviceNamespace: "agora"))
            .WithMetrics(m => m
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("Wolverine", "Wolverine:*", AgoraPrefix + "*")
                .AddView(PrometheusSafeName)
                .AddPrometheusExporter())
            .WithTracing(t => t
                .AddSource(serviceName, AgoraPrefix + "*", "Wolverine")
                .AddAspNetCoreInstrumentation(o => o.Filter = static ctx => !IsInfrastructurePath(ctx.Request.Path))
                .AddHttpClientInstrumentation()
                .AddGrpcClientInstrumentation());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            otel.UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>
    /// The runtime's gauges <c>dotnet.assembly.count</c>, <c>dotnet.process.cpu.count</c> and <c>dotnet.timer.count</c>
    /// would be exposed as <c>…_count</c>, which Prometheus reserves for histograms and summaries (promtool rejects
    /// them). They are renamed; every other instrument keeps its name.
    /// </summary>
    internal static MetricStreamConfiguration? PrometheusSafeName(System.Diagnostics.Metrics.Instrument instrument) =>
        instrument.Name.EndsWith(".count", StringComparison.Ordinal)
        && instrument is not System.Diagnostics.Metrics.Histogram<double> and not System.Diagnostics.Metrics.Histogram<long>
            ? new MetricStreamConfiguration { Name = instrument.Name[..^".count".Length] + ".number" }
            : null;

    /// <summary>Health probes and scrapes are not traced: they would drown the real traffic.</summary>
    internal static bool IsInfrastructurePath(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/metrics");
}
