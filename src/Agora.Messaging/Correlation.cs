using Agora.Http;
using Wolverine;

namespace Agora.Messaging;

/// <summary>Stamps the ambient correlation id on every outgoing envelope (unless it already carries one).</summary>
internal static class CorrelationEnvelopeRule
{
    public static void Stamp(Envelope envelope)
    {
        if (CorrelationContext.CorrelationId is not { } id)
        {
            return;
        }

        envelope.Headers.TryAdd(CorrelationContext.CorrelationIdHeader, id);
        envelope.CorrelationId ??= id;
    }
}

/// <summary>Wolverine handler middleware: the message's correlation id becomes the ambient one while it is handled.</summary>
public static class CorrelationMiddleware
{
    /// <summary>Runs before every handler.</summary>
    public static void Before(Envelope envelope)
    {
        CorrelationContext.CorrelationId =
            envelope.Headers.TryGetValue(CorrelationContext.CorrelationIdHeader, out var id) && CorrelationContext.IsSane(id)
                ? id
                : envelope.CorrelationId ?? CorrelationContext.NewId("corr");
    }
}
