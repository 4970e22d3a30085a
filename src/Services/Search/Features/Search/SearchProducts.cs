using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Agora.Search.Features.Indexing;
using Lucene.Net.Index;
using Lucene.Net.Search.Highlight;
using Lucene.Net.Search;
using Microsoft.AspNetCore.Mvc;
using Validator = Agora.Http.Validator;

namespace Agora.Search.Features.Search;

/// <summary><c>GET /api/v1/search/products</c>.</summary>
internal static class SearchProducts
{
    public const int MaxQueryLength = 200;

    /// <summary>Query words beyond this are ignored (a pasted paragraph must not cost more than a sentence).</summary>
    public const int MaxTerms = 16;

    /// <summary>Largest price a filter may name (its 1/10,000 units must fit a 64-bit integer with room).</summary>
    public const decimal MaxPrice = 1_000_000_000_000m;

    /// <summary>Keyset position: sort, a hash of the query and filters it belongs to, the last item's key and id.</summary>
    internal sealed record Position(string S, string H, long K, string Id);

    private static readonly Dictionary<string, SortKind> Sorts = new(StringComparer.Ordinal)
    {
        ["relevance"] = SortKind.Relevance,
        ["price"] = SortKind.PriceAscending,
        ["-price"] = SortKind.PriceDescending,
        ["created_at"] = SortKind.CreatedAscending,
        ["-created_at"] = SortKind.CreatedDescending,
    };

    private static readonly Filter VisibleOnly = new CachingWrapperFilter(new QueryWrapperFilter(new TermQuery(new Term(IndexFields.Visible, "1"))));

    public static Results<ApiOk<ProductSearchResult>, ApiError> Handle([AsParameters] ProductSearchQuery query, ProductIndex index)
    {
        var v = new Validator();
        var perPage = Paging.PerPage(query.PerPage, null, query.Cursor, v);
        var text = query.Q?.Trim() ?? "";
        v.Require(text.Length <= MaxQueryLength, "q", $"At most {MaxQueryLength} characters.");
        v.Require(query.Category is null || (query.Category.Length is > 0 and <= 40 && query.Category.All(IsIdChar)), "category",
            "A category id: up to 40 letters, digits or . _ : -");
        v.Require(query.MinPrice is null or (>= 0 and <= MaxPrice), "min_price", $"Between 0 and {MaxPrice}.");
        v.Require(query.MaxPrice is null or (>= 0 and <= MaxPrice), "max_price", $"Between 0 and {MaxPrice}.");
        v.Require(query.MinPrice is null || query.MaxPrice is null || query.MinPrice <= query.MaxPrice, "max_price", "Must not be below min_price.");
        var sortName = string.IsNullOrEmpty(query.Sort) ? (text.Length > 0 ? "relevance" : "-created_at") : query.Sort;
        if (!Sorts.TryGetValue(sortName, out var sort))
        {
            v.Add("sort", "One of relevance, price, -price, created_at, -created_at.");
        }

        var hash = Fingerprint(text, query);
        Position? position = null;
        if (!string.IsNullOrEmpty(query.Cursor)
            && (!Paging.TryDecodeCursor(query.Cursor, out position) || position!.S != sortName || position.H != hash || position.Id is null))
        {
            v.Add("cursor", "Invalid cursor; use pagination.next_cursor of a response to the same query, filters and sort.");
        }

        if (!v.IsValid)
        {
            return v.ToError();
        }

        var result = index.Search(searcher => Run(searcher, index.Analyzer, text.Length == 0 ? null : BuildTextQuery(text, index.Analyzer, searcher.IndexReader),
            query, sort, perPage, position is null ? null : new After(position.K, position.Id!)));

        string? next = null;
        if (result.Hits.Count > perPage)
        {
            result.Hits.RemoveAt(perPage);
            var (last, key) = result.Keys[perPage - 1];
            next = Paging.EncodeCursor(new Position(sortName, hash, key, last));
        }

        return new ApiOk<ProductSearchResult>(new ProductSearchResult(result.Hits, new SearchFacets(result.Facets)),
            Paging.Info(perPage, result.Total, next), null);
    }

    private sealed record Outcome(List<ProductHit> Hits, List<(string Id, long Key)> Keys, int Total, IReadOnlyList<CategoryCount> Facets);

    private static Outcome Run(IndexSearcher searcher, ProductAnalyzer analyzer, Query? textQuery, ProductSearchQuery query, SortKind sort, int perPage, After? after)
    {
        Query main = textQuery is null ? new MatchAllDocsQuery() : searcher.Rewrite(textQuery);
        var collector = new SearchCollector(SortOf(sort), perPage + 1, sort, query.Category, after);
        searcher.Search(main, FilterOf(query), collector);
        var top = collector.TopDocs();

        Highlighter? names = null, descriptions = null;
        if (textQuery is not null)
        {
            var encoder = HtmlEncoder.Instance;
            var formatter = new SimpleHTMLFormatter("<em>", "</em>");
            names = new Highlighter(formatter, encoder, new QueryScorer(main, IndexFields.Name)) { TextFragmenter = new NullFragmenter() };
            descriptions = new Highlighter(formatter, encoder, new QueryScorer(main, IndexFields.Description)) { TextFragmenter = new SimpleFragmenter(160) };
        }

        var hits = new List<ProductHit>(top.ScoreDocs.Length);
        var keys = new List<(string, long)>(top.ScoreDocs.Length);
        foreach (var scoreDoc in top.ScoreDocs)
        {
            var entry = IndexedProduct.Read(searcher, scoreDoc.Doc);
            ProductHighlights? highlights = null;
            if (names is not null)
            {
                var name = names.GetBestFragment(analyzer, IndexFields.Name, entry.Name);
                var description = entry.Description.Length == 0 ? null : descriptions!.GetBestFragment(analyzer, IndexFields.Description, entry.Description);
                highlights = name is null && description is null ? null : new ProductHighlights(name, description);
            }

            hits.Add(ToHit(entry, sort == SortKind.Relevance ? scoreDoc.Score : null, highlights));
            keys.Add((entry.Id, sort switch
            {
                SortKind.Relevance => BitConverter.SingleToInt32Bits(scoreDoc.Score),
                SortKind.PriceAscending or SortKind.PriceDescending => entry.PriceUnits,
                _ => entry.CreatedAtMicros,
            }));
        }

        return new Outcome(hits, keys, collector.Total, collector.Facets());
    }

    /// <summary>A query word in at most this many products is also looked up with typos (a word in more is spelt right).</summary>
    public const int RareTermDocs = 2;

    /// <summary>
    /// Every analysed query term must match (from three terms on, three in four: Korean bigrams of a word written
    /// without spaces need not all be there). A term matches in the name (weight 3) or the description (1). A Latin
    /// word of 4+ letters that is rare in the index (at most <see cref="RareTermDocs"/> products: most likely a typo)
    /// also matches words one edit away (8+ letters: two), weighted well below an exact match; expanding a common,
    /// correctly spelt word would cost more than the rest of the search and find nothing better. A query equal to a SKU
    /// finds that product first.
    /// </summary>
    internal static Query BuildTextQuery(string text, ProductAnalyzer analyzer, IndexReader reader)
    {
        var terms = analyzer.Terms(IndexFields.Name, text).Distinct(StringComparer.Ordinal).Take(MaxTerms).ToList();
        var words = new BooleanQuery(disableCoord: true);
        foreach (var term in terms)
        {
            var clause = new BooleanQuery(disableCoord: true)
            {
                { new TermQuery(new Term(IndexFields.Name, term)) { Boost = 3f }, Occur.SHOULD },
                { new TermQuery(new Term(IndexFields.Description, term)) { Boost = 1f }, Occur.SHOULD },
            };
            if (term.Length >= 4 && term.All(char.IsAsciiLetter)
                && reader.DocFreq(new Term(IndexFields.Name, term)) + reader.DocFreq(new Term(IndexFields.Description, term)) <= RareTermDocs)
            {
                var edits = term.Length >= 8 ? 2 : 1;
                clause.Add(new FuzzyQuery(new Term(IndexFields.Name, term), edits, prefixLength: 1) { Boost = 0.8f }, Occur.SHOULD);
                clause.Add(new FuzzyQuery(new Term(IndexFields.Description, term), edits, prefixLength: 1) { Boost = 0.2f }, Occur.SHOULD);
            }

            words.Add(clause, Occur.SHOULD);
        }

        words.MinimumNumberShouldMatch = terms.Count <= 2 ? terms.Count : (int)Math.Ceiling(terms.Count * 0.75);
        var top = new BooleanQuery(disableCoord: true)
        {
            { new TermQuery(new Term(IndexFields.SkuExact, text.ToLowerInvariant())) { Boost = 20f }, Occur.SHOULD },
        };
        if (terms.Count > 0)
        {
            top.Add(words, Occur.SHOULD);
        }

        return top;
    }

    private static Filter FilterOf(ProductSearchQuery query)
    {
        if (query.MinPrice is null && query.MaxPrice is null && query.InStock != true)
        {
            return VisibleOnly;
        }

        var filter = new BooleanQuery { { new TermQuery(new Term(IndexFields.Visible, "1")), Occur.MUST } };
        if (query.MinPrice is not null || query.MaxPrice is not null)
        {
            long? min = query.MinPrice is { } lo ? IndexedProduct.ToUnits(lo) : null;
            long? max = query.MaxPrice is { } hi ? IndexedProduct.ToUnits(hi) : null;
            filter.Add(NumericRangeQuery.NewInt64Range(IndexFields.PriceRange, min, max, true, true), Occur.MUST);
        }

        if (query.InStock == true)
        {
            filter.Add(new TermQuery(new Term(IndexFields.InStock, "1")), Occur.MUST);
        }

        return new QueryWrapperFilter(filter);
    }

    private static Sort SortOf(SortKind kind) => kind switch
    {
        SortKind.Relevance => new Sort(SortField.FIELD_SCORE, new SortField(IndexFields.IdSort, SortFieldType.STRING)),
        SortKind.PriceAscending => new Sort(new SortField(IndexFields.PriceSort, SortFieldType.INT64), new SortField(IndexFields.IdSort, SortFieldType.STRING)),
        SortKind.PriceDescending => new Sort(new SortField(IndexFields.PriceSort, SortFieldType.INT64, true), new SortField(IndexFields.IdSort, SortFieldType.STRING, true)),
        SortKind.CreatedAscending => new Sort(new SortField(IndexFields.CreatedAtSort, SortFieldType.INT64), new SortField(IndexFields.IdSort, SortFieldType.STRING)),
        _ => new Sort(new SortField(IndexFields.CreatedAtSort, SortFieldType.INT64, true), new SortField(IndexFields.IdSort, SortFieldType.STRING, true)),
    };

    private static ProductHit ToHit(IndexedProduct p, float? score, ProductHighlights? highlights) => new(
        p.Id, p.Sku, p.Name, p.Description, p.CategoryId, PriceOf(p), p.Available, p.Available > 0,
        p.CreatedAtMicros == 0 ? null : IndexedProduct.FromMicros(p.CreatedAtMicros).UtcDateTime, score, highlights,
        p.Localized.ToDictionary(l => l.Locale, l => new LocalizedHitText(l.Name, l.Description), StringComparer.Ordinal));

    private static MoneyDto PriceOf(IndexedProduct p)
    {
        var amount = decimal.Parse(p.Price, NumberStyles.Number, CultureInfo.InvariantCulture);
        return Currencies.IsSupported(p.Currency)
            ? Currencies.Format(Currencies.ToMinor(amount, p.Currency), p.Currency)
            : new MoneyDto(p.Price, p.Currency);
    }

    /// <summary>Ties a cursor to the query and filters it was issued for.</summary>
    private static string Fingerprint(string text, ProductSearchQuery q)
    {
        var key = string.Join('\u001f', text, q.Category ?? "", q.MinPrice?.ToString(CultureInfo.InvariantCulture) ?? "",
            q.MaxPrice?.ToString(CultureInfo.InvariantCulture) ?? "", q.InStock == true ? "1" : "");
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)), 0, 6);
    }

    private static bool IsIdChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-';
}
