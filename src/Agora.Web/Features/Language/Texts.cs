using System.Globalization;
using Agora.Web.Features.Shop;

namespace Agora.Web.Features.Language;

/// <summary>
/// The storefront's words in the visitor's language: English, or Korean (<see cref="KoreanText"/>) for a customer whose
/// <c>locale</c> is <c>ko</c> or a visitor who chose 한국어. UI strings are looked up by their English
/// (<c>T["Add to cart"]</c>); the catalogue's names and descriptions come from the resources' <c>localized.ko</c>,
/// the English when a product has none.
/// </summary>
public sealed class Texts
{
    public static readonly Texts English = new("en", null);

    public static readonly Texts Korean = new("ko", KoreanText.Table);

    private readonly IReadOnlyDictionary<string, string>? _table;

    private Texts(string language, IReadOnlyDictionary<string, string>? table)
    {
        Language = language;
        _table = table;
    }

    /// <summary>The BCP 47 tag of the page (<c>&lt;html lang&gt;</c>).</summary>
    public string Language { get; }

    public bool IsKorean => _table is not null;

    /// <summary>The words of a language tag (<see cref="LanguageChoice"/>): Korean for <c>ko</c>, English otherwise.</summary>
    public static Texts For(string language) => language == Korean.Language ? Korean : English;

    /// <summary><paramref name="english"/> in this language (itself when there is no translation).</summary>
    public string this[string english] => _table is not null && _table.TryGetValue(english, out var translated) ? translated : english;

    /// <summary><see cref="this[string]"/> with <c>{0}</c>… filled in.</summary>
    public string Format(string english, params object[] args) => string.Format(CultureInfo.InvariantCulture, this[english], args);

    public string NameOf(Product product) => Pick(product.Localized)?.Name ?? product.Name;

    public string DescriptionOf(Product product) => NonEmpty(Pick(product.Localized)?.Description) ?? product.Description;

    public string NameOf(Category category) => Pick(category.Localized)?.Name ?? category.Name;

    public string DescriptionOf(Category category) => NonEmpty(Pick(category.Localized)?.Description) ?? category.Description;

    public string NameOf(SearchHit hit) => Pick(hit.Localized)?.Name ?? hit.Name;

    public string DescriptionOf(SearchHit hit) => NonEmpty(Pick(hit.Localized)?.Description) ?? hit.Description;

    /// <summary>Catalog's stock summary as the customer reads it.</summary>
    public string Label(Availability availability) => availability.Status switch
    {
        "in_stock" => this["In stock"],
        "low_stock" => Format("Only {0} left", availability.Available),
        "out_of_stock" => this["Out of stock"],
        _ => availability.Available > 0 ? this["In stock"] : this["Out of stock"],
    };

    private LocalizedText? Pick(IReadOnlyDictionary<string, LocalizedText>? localized) =>
        IsKorean && localized is not null && localized.TryGetValue(Language, out var text) && !string.IsNullOrWhiteSpace(text.Name) ? text : null;

    private static string? NonEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;
}
