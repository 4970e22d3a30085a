namespace Agora.Web.Features.Console;

/// <summary>
/// What a catalogue action's redirect says happened (<c>?outcome=</c>), from Catalog's answer: the page shows the words
/// for it in the staff member's language (<c>CatalogueNotice</c>), never the API's English message; and the fields a 422
/// named (<c>?fields=</c>), only those the form has, so a query string cannot put other text on the page.
/// </summary>
public static class CatalogueOutcomes
{
    public const string Created = "created";
    public const string Saved = "saved";
    public const string Archived = "archived";
    public const string Activated = "activated";
    public const string Stocked = "stocked";
    public const string Refused = "refused";
    public const string Gone = "gone";
    public const string Changed = "changed";
    public const string SkuTaken = "sku_taken";
    public const string Conflict = "conflict";
    public const string Invalid = "invalid";
    public const string ReasonMissing = "reason_missing";
    public const string Failed = "failed";

    /// <summary>The outcomes that are good news (a status message); the others are errors (an alert).</summary>
    public static readonly IReadOnlySet<string> Successes = new HashSet<string>(StringComparer.Ordinal) { Created, Saved, Archived, Activated, Stocked };

    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        Created, Saved, Archived, Activated, Stocked, Refused, Gone, Changed, SkuTaken, Conflict, Invalid, ReasonMissing, Failed,
    };

    /// <summary>The fields of the form a 422 may name (Catalog's names for them).</summary>
    public static readonly IReadOnlyList<string> FormFields =
        ["sku", "name", "localized.ko.name", "description", "price.amount", "price.currency", "category_id", "status", "available"];

    /// <summary>The outcome of Catalog's answer to an action that, done, is <paramref name="done"/>.</summary>
    public static string Of(StaffError? error, string done) => error switch
    {
        null => done,
        { Status: 401 or 403 } => Refused,
        { Status: 404 } => Gone,
        { Status: 412 } or { Code: "PRECONDITION_FAILED" } => Changed,
        { Status: 409, Code: "SKU_TAKEN" } => SkuTaken,
        { Status: 409 } => Conflict,
        { Status: 422 or 400 } => Invalid,
        _ => Failed,
    };

    /// <summary>The outcome of a query string, or null for anything the page does not know.</summary>
    public static string? Parse(string? outcome) => outcome is not null && Known.Contains(outcome) ? outcome : null;

    /// <summary>
    /// The form's fields among those a 422 named (<c>price</c> counts as its amount; a field inside one of them, such as
    /// <c>localized.ko.description</c>, as nothing), in the form's order, each once.
    /// </summary>
    public static IReadOnlyList<string> FieldsOf(IEnumerable<string>? named)
    {
        var asked = (named ?? []).Select(f => f == "price" ? "price.amount" : f == "localized.ko" ? "localized.ko.name" : f).ToHashSet(StringComparer.Ordinal);
        return [.. FormFields.Where(asked.Contains)];
    }

    /// <summary>The fields of a <c>?fields=</c> value (comma-separated).</summary>
    public static IReadOnlyList<string> ParseFields(string? fields) =>
        FieldsOf(string.IsNullOrEmpty(fields) ? null : fields.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
