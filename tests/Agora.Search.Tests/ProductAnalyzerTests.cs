using Agora.Search.Features.Indexing;

namespace Agora.Search.Tests;

/// <summary>How product text becomes terms: English words folded, Hangul as bigrams.</summary>
public sealed class ProductAnalyzerTests
{
    private static readonly ProductAnalyzer Analyzer = new();

    [Fact]
    public void Terms_English_LowerCasedAndFolded() =>
        Assert.Equal(["cafe", "noise", "cancelling"], Analyzer.Terms("name", "Café Noise-Cancelling"));

    [Fact]
    public void Terms_Hangul_Bigrams() =>
        Assert.Equal(["무선", "이어", "어폰"], Analyzer.Terms("name", "무선 이어폰"));

    [Fact]
    public void Terms_HangulCompound_ContainsTheWordsBigrams()
    {
        var terms = Analyzer.Terms("name", "블루투스무선이어폰을");
        Assert.Contains("이어", terms);
        Assert.Contains("어폰", terms);
        Assert.Contains("무선", terms);
    }

    [Fact]
    public void Terms_Mixed_BothScripts() =>
        Assert.Equal(["kimchi", "김치"], Analyzer.Terms("name", "Kimchi 김치"));
}
