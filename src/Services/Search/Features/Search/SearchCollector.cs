using Agora.Search.Features.Indexing;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace Agora.Search.Features.Search;

/// <summary>Which order results come in; the id breaks ties so every position is unique (keyset cursors).</summary>
internal enum SortKind
{
    Relevance,
    PriceAscending,
    PriceDescending,
    CreatedAscending,
    CreatedDescending,
}

/// <summary>A keyset position: the last item's sort value (score bits or a long) and its id.</summary>
internal sealed record After(long Key, string Id);

/// <summary>
/// One pass over the matches of the query and the Lucene filter (price, stock): counts every match per category (the
/// facet, which ignores the category filter), applies the category filter, counts the total, skips everything at or
/// before the cursor, and hands the rest to the top-N collector.
/// </summary>
internal sealed class SearchCollector : ICollector
{
    private readonly TopFieldCollector _top;
    private readonly BytesRef? _category;
    private readonly SortKind _sort;
    private readonly After? _after;
    private readonly BytesRef? _afterId;
    private readonly BytesRef _scratch = new();
    private readonly Dictionary<string, int> _facets = new(StringComparer.Ordinal);
    private SortedDocValues? _categories;
    private int[] _segmentCounts = [];
    private int _categoryOrd = -1;
    private SortedDocValues? _ids;
    private NumericDocValues? _keys;
    private Scorer? _scorer;

    public SearchCollector(Sort sort, int numHits, SortKind kind, string? category, After? after)
    {
        _top = TopFieldCollector.Create(sort, numHits, fillFields: true, trackDocScores: kind == SortKind.Relevance,
            trackMaxScore: false, docsScoredInOrder: true);
        _sort = kind;
        _category = category is null ? null : new BytesRef(category);
        _after = after;
        _afterId = after is null ? null : new BytesRef(after.Id);
    }

    /// <summary>Matches after the category filter (the cursor does not change it).</summary>
    public int Total { get; private set; }

    public TopDocs TopDocs()
    {
        FoldSegmentCounts();
        return _top.GetTopDocs();
    }

    /// <summary>Matches per category, most first, then by id.</summary>
    public IReadOnlyList<CategoryCount> Facets() => _facets
        .Select(kv => new CategoryCount(kv.Key, kv.Value))
        .OrderByDescending(c => c.Count).ThenBy(c => c.CategoryId, StringComparer.Ordinal).Take(SearchFacets.MaxCategories).ToList();

    public bool AcceptsDocsOutOfOrder => false;

    public void SetScorer(Scorer scorer)
    {
        // The cursor check and the top-N collector both need the score: compute it once per document.
        _scorer = _sort == SortKind.Relevance ? new ScoreCachingWrappingScorer(scorer) : scorer;
        _top.SetScorer(_scorer);
    }

    public void SetNextReader(AtomicReaderContext context)
    {
        FoldSegmentCounts();
        var reader = context.AtomicReader;
        _categories = reader.GetSortedDocValues(IndexFields.CategoryFacet);
        _segmentCounts = _categories is null ? [] : new int[_categories.ValueCount];
        _categoryOrd = _category is null || _categories is null ? -1 : _categories.LookupTerm(_category);
        _ids = reader.GetSortedDocValues(IndexFields.IdSort);
        _keys = _sort switch
        {
            SortKind.PriceAscending or SortKind.PriceDescending => reader.GetNumericDocValues(IndexFields.PriceSort),
            SortKind.CreatedAscending or SortKind.CreatedDescending => reader.GetNumericDocValues(IndexFields.CreatedAtSort),
            _ => null,
        };
        _top.SetNextReader(context);
    }

    public void Collect(int doc)
    {
        var ord = _categories?.GetOrd(doc) ?? -1;
        if (ord >= 0)
        {
            _segmentCounts[ord]++;
        }

        if (_category is not null && (ord < 0 || ord != _categoryOrd))
        {
            return;
        }

        Total++;
        if (_after is not null && !IsAfter(doc))
        {
            return;
        }

        _top.Collect(doc);
    }

    private bool IsAfter(int doc)
    {
        _ids!.Get(doc, _scratch);
        var idOrder = _scratch.CompareTo(_afterId!);
        switch (_sort)
        {
            case SortKind.Relevance:
                var score = _scorer!.GetScore();
                var afterScore = BitConverter.Int32BitsToSingle((int)_after!.Key);
                return score < afterScore || (score == afterScore && idOrder > 0);
            case SortKind.PriceAscending:
            case SortKind.CreatedAscending:
                var up = _keys?.Get(doc) ?? 0;
                return up > _after!.Key || (up == _after.Key && idOrder > 0);
            default:
                var down = _keys?.Get(doc) ?? 0;
                return down < _after!.Key || (down == _after.Key && idOrder < 0);
        }
    }

    private void FoldSegmentCounts()
    {
        if (_categories is null)
        {
            return;
        }

        for (var ord = 0; ord < _segmentCounts.Length; ord++)
        {
            if (_segmentCounts[ord] > 0)
            {
                _categories.LookupOrd(ord, _scratch);
                var key = _scratch.Utf8ToString();
                _facets[key] = _facets.GetValueOrDefault(key) + _segmentCounts[ord];
            }
        }

        _categories = null;
        _segmentCounts = [];
    }
}
