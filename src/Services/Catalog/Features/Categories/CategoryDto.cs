using System.ComponentModel.DataAnnotations;
using Agora.Catalog.Features.Products;

namespace Agora.Catalog.Features.Categories;

/// <summary>A category as the API shows it.</summary>
public sealed record CategoryDto(
    [property: MaxLength(40), RegularExpression(IdPattern.Any)] string Id,
    [property: MaxLength(100)] string Name,
    [property: MaxLength(100), RegularExpression("^[a-z0-9-]+$")] string Slug,
    [property: MaxLength(1000)] string Description,
    DateTime CreatedAt,
    [property: System.ComponentModel.Description("Name and description in other languages, by locale (ko); empty when there are none. name and description are English.")]
    IReadOnlyDictionary<string, LocalizedText> Localized)
{
    public static CategoryDto From(Category c) => new(c.Id, c.Name, c.Slug, c.Description, c.CreatedAt, LocalizedText.Of(c.NameKo, c.DescriptionKo));
}

/// <summary>The error the category operations share.</summary>
internal static class CategoryErrors
{
    public static ApiError NotFound(string id) =>
        ApiResults.NotFound("CATEGORY_NOT_FOUND", $"Category '{ProductErrors.Truncate(id)}' does not exist.");
}
