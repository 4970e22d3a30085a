using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Cjk;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Util;

namespace Agora.Search.Features.Indexing;

/// <summary>
/// One analyzer for Korean and English product text. The standard tokenizer splits on Unicode word boundaries (UAX #29)
/// and marks Hangul runs; Latin words are lower-cased and folded to ASCII (café → cafe); Hangul runs become overlapping
/// bigrams (블루투스이어폰 → 블루, 루투, 투스, 스이, 이어, 어폰), so a query word matches inside compounds and before
/// attached particles (이어폰을) without a Korean dictionary. Half-width forms are normalised first (CJKWidthFilter).
/// </summary>
internal sealed class ProductAnalyzer : Analyzer
{
    public const LuceneVersion Version = LuceneVersion.LUCENE_48;

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "Each filter owns the stream it wraps, and Lucene's TokenStreamComponents own the chain; the analyzer disposes them.")]
    protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
    {
        var source = new StandardTokenizer(Version, reader) { MaxTokenLength = 64 };
        TokenStream stream = new CJKWidthFilter(source);
        stream = new LowerCaseFilter(Version, stream);
        stream = new ASCIIFoldingFilter(stream);
        stream = new CJKBigramFilter(stream, CJKScript.ALL, outputUnigrams: false);
        return new TokenStreamComponents(source, stream);
    }

    /// <summary>The terms this analyzer makes of <paramref name="text"/>, in order.</summary>
    public List<string> Terms(string field, string text)
    {
        var terms = new List<string>();
        using var stream = GetTokenStream(field, text);
        var term = stream.AddAttribute<Lucene.Net.Analysis.TokenAttributes.ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            terms.Add(term.ToString());
        }

        stream.End();
        return terms;
    }
}
