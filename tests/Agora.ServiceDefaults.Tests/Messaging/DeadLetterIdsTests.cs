using Agora.Messaging;
using Wolverine;

namespace Agora.ServiceDefaults.Tests.Messaging;

public sealed class DeadLetterIdsTests
{
    [Fact]
    public void Format_ThenTryParse_RoundTripsTheMessageId()
    {
        var messageId = Guid.CreateVersion7();

        var id = DeadLetterIds.Format(messageId);

        Assert.Matches(DeadLetterIds.Pattern, id);
        Assert.True(DeadLetterIds.TryParse(id, out var parsed));
        Assert.Equal(messageId, parsed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("dlt_")]
    [InlineData("prd_0195f0c2a7e34d1c9b6a2f4e8d0c1b2a")]
    [InlineData("dlt_0195f0c2-a7e3-4d1c-9b6a-2f4e8d0c1b2a")]
    [InlineData("dlt_0195f0c2a7e34d1c9b6a2f4e8d0c1b2z")]
    [InlineData("DLT_0195f0c2a7e34d1c9b6a2f4e8d0c1b2a")]
    public void TryParse_NotADeadLetterId_IsFalse(string? id) => Assert.False(DeadLetterIds.TryParse(id, out _));

    [Fact]
    public void CorrelationIdOf_AgoraHeader_WinsOverWolverinesOwn()
    {
        var envelope = new Envelope { CorrelationId = "wolverine-own" };
        envelope.Headers["X-Correlation-ID"] = "corr_from_header";

        Assert.Equal("corr_from_header", DeadLetterIds.CorrelationIdOf(envelope));
    }

    [Fact]
    public void CorrelationIdOf_InsaneHeader_FallsBackOrIsNull()
    {
        var envelope = new Envelope { CorrelationId = "wolverine-own" };
        envelope.Headers["X-Correlation-ID"] = "<script>";
        Assert.Equal("wolverine-own", DeadLetterIds.CorrelationIdOf(envelope));

        Assert.Null(DeadLetterIds.CorrelationIdOf(new Envelope { CorrelationId = "not sane" }));
        Assert.Null(DeadLetterIds.CorrelationIdOf(null));
    }
}
