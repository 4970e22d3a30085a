using Agora.Notification.Features.Deliveries;
using Agora.Notification.Features.Templates;
using Agora.Notification.Infrastructure;

namespace Agora.Notification.Tests;

/// <summary>Placeholders, escaping and locale fallback, without a running service.</summary>
public sealed class TemplateTextTests
{
    [Fact]
    public void Problems_KnownPlaceholdersWithSpaces_None()
    {
        Assert.Empty(TemplateText.Problems("Hi {{ customer_name }}, {{tracking_number}}", Placeholders.For(NotificationEvent.OrderShipped)));
    }

    [Theory]
    [InlineData("{{reason}}")]          // not a value OrderShipped has
    [InlineData("{{order_id}")]         // unbalanced
    [InlineData("a }} b")]
    [InlineData("{{Order_Id}}")]        // names are exact
    public void Problems_UnknownOrMalformed_Reported(string text)
    {
        Assert.NotEmpty(TemplateText.Problems(text, Placeholders.For(NotificationEvent.OrderShipped)));
    }

    [Fact]
    public void Render_Html_EscapesValuesButNotTheTemplate()
    {
        var html = TemplateText.Render("<b>{{customer_name}}</b>", new Dictionary<string, string> { ["customer_name"] = "Tom & \"Jerry\" <x> 김" }, html: true);
        Assert.Equal("<b>Tom &amp; &quot;Jerry&quot; &lt;x&gt; 김</b>", html);
    }

    [Fact]
    public void Render_PlainText_LeavesValuesAlone()
    {
        Assert.Equal("Tom & <x>", TemplateText.Render("{{customer_name}}", new Dictionary<string, string> { ["customer_name"] = "Tom & <x>" }, html: false));
    }

    [Theory]
    [InlineData("ko_kr", new[] { "ko-KR", "ko", "en" })]
    [InlineData("KO", new[] { "ko", "en" })]
    [InlineData("en-GB", new[] { "en-GB", "en" })]
    [InlineData("", new[] { "en" })]
    [InlineData("klingon", new[] { "en" })]
    public void Candidates_BestFirstThenFallback(string locale, string[] expected)
    {
        Assert.Equal(expected, Locales.Candidates(locale, "en"));
    }

    [Fact]
    public void Money_UsesTheCurrencysDigits()
    {
        Assert.Equal("50,000 KRW", NotificationModel.Money(50_000m, "KRW"));
        Assert.Equal("1,234.50 USD", NotificationModel.Money(1234.5m, "USD"));
    }
}
