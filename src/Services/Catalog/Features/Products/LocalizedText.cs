using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Agora.Catalog.Features.Products;

/// <summary>
/// A product's or category's name and description in one more language, under <c>localized.&lt;locale&gt;</c> of the
/// resource (<c>"localized": {"ko": {"name": …, "description": …}}</c>). The plain <c>name</c> and <c>description</c>
/// stay English; a client shows the text of its locale when there is one, else the English. Locales: <c>ko</c>.
/// </summary>
[ImmutableObject(true)]
public sealed record LocalizedText([property: MaxLength(200)] string Name, [property: MaxLength(4000)] string Description)
{
    /// <summary>The locales the catalogue keeps text in besides English.</summary>
    public const string Korean = "ko";

    private static readonly IReadOnlyDictionary<string, LocalizedText> None = new Dictionary<string, LocalizedText>(StringComparer.Ordinal);

    /// <summary>The Korean name and description of a validated <c>localized</c> input (none: both null).</summary>
    public static (string? Name, string? Description) KoreanOf(IReadOnlyDictionary<string, LocalizedText> localized) =>
        localized.TryGetValue(Korean, out var ko) && ko is not null && !string.IsNullOrWhiteSpace(ko.Name)
            ? (ko.Name.Trim(), ko.Description ?? "")
            : (null, null);

    /// <summary>The product's other languages as its events carry them.</summary>
    public static IReadOnlyDictionary<string, Contracts.Events.LocalizedProductText> ForEvent(Product p) =>
        Of(p.NameKo, p.DescriptionKo).ToDictionary(kv => kv.Key, kv => new Contracts.Events.LocalizedProductText(kv.Value.Name, kv.Value.Description), StringComparer.Ordinal);

    /// <summary>Checks a <c>localized</c> input: known locales only, each with a name.</summary>
    public static void Validate(IReadOnlyDictionary<string, LocalizedText>? localized, Agora.Http.Validator v)
    {
        if (localized is null)
        {
            return;
        }

        foreach (var (locale, text) in localized)
        {
            var field = "localized." + (locale.Length <= 16 ? locale : locale[..16]);
            if (locale != Korean)
            {
                v.Add(field, $"Unknown locale; the catalogue keeps {Korean} besides English.");
                continue;
            }

            if (text is null)
            {
                continue; // removes it (a merge patch's null)
            }

            v.Require(!string.IsNullOrWhiteSpace(text.Name) && text.Name.Trim().Length <= 200, field + ".name", "Required, at most 200 characters.");
            v.Require(text.Description is null || text.Description.Length <= 4000, field + ".description", "At most 4000 characters.");
        }
    }

    /// <summary>The <c>localized</c> map of one entity: <c>ko</c> when it has a Korean name, else empty.</summary>
    public static IReadOnlyDictionary<string, LocalizedText> Of(string? nameKo, string? descriptionKo) =>
        string.IsNullOrEmpty(nameKo)
            ? None
            : new Dictionary<string, LocalizedText>(StringComparer.Ordinal) { [Korean] = new(nameKo, descriptionKo ?? "") };
}
