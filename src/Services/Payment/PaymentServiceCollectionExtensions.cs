using Agora.Payment.Features.Payments;
using Agora.Payment.Features.Psp;

namespace Agora.Payment;

internal static class PaymentServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddPayment(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<PaymentOptions>(PaymentOptions.SectionName)
            .Validate(o => Uri.TryCreate(o.Psp.BaseUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https",
                "Payment:Psp:BaseUrl must be an absolute http(s) URL.")
            .Validate(o => o.Psp.AttemptTimeout > TimeSpan.Zero && o.Psp.BreakDuration > TimeSpan.Zero
                && o.Psp.BreakerSamplingDuration > TimeSpan.Zero && o.Psp.RetryBaseDelay >= TimeSpan.Zero,
                "Payment:Psp timeouts and durations must be positive.")
            .Validate(o => (o.RetryDelays ?? []).All(d => d > TimeSpan.Zero) && o.MaxRetryDelay > TimeSpan.Zero && o.InlineSafetyNet > TimeSpan.Zero,
                "Payment:RetryDelays, MaxRetryDelay and InlineSafetyNet must be positive.");
        builder.Services.AddSingleton<PspCircuit>();
        builder.Services.AddPspClient();
        builder.Services.AddSingleton<PspWorker>();
        builder.Services.AddGrpc(o => o.EnableDetailedErrors = false);
        builder.Services.AddOpenApiTag("Payments", "An order's payment: the amount held and taken with the payment provider, and what was given back.");
        builder.Services.AddAuthorizationBuilder().AddPaymentPolicies();
        return builder;
    }
}
