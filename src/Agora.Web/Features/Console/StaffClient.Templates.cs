namespace Agora.Web.Features.Console;

/// <summary>Notification's templates (<c>/api/v1/admin/notification-templates</c>; Notification checks role and scope).</summary>
public sealed partial class StaffClient
{
    private const string TemplatesPath = "/api/v1/admin/notification-templates";

    /// <summary>The languages a draft is previewed in, side by side: the sample order in Korean, then in English.</summary>
    public static readonly IReadOnlyList<string> PreviewLanguages = ["ko", "en"];

    /// <summary>Every template (30 start out: five events, three channels, Korean and English), by id.</summary>
    public Task<StaffAnswer<List<NotificationTemplate>>> TemplatesAsync(string token, CancellationToken ct) =>
        CallAsync<List<NotificationTemplate>>(HttpMethod.Get, TemplatesPath + "?per_page=100", token, null, null, ct);

    /// <summary>One template with its ETag (what a save sends back as <c>If-Match</c>).</summary>
    public Task<StaffAnswer<NotificationTemplate>> TemplateAsync(string token, string id, CancellationToken ct) =>
        CallAsync<NotificationTemplate>(HttpMethod.Get, $"{TemplatesPath}/{Uri.EscapeDataString(id)}", token, null, null, ct);

    /// <summary>
    /// The draft filled with the sample order in each of <see cref="PreviewLanguages"/> (the draft's locale set to each;
    /// nothing saved). A draft the service refuses answers its 422 once, with the fields it names.
    /// </summary>
    public async Task<(IReadOnlyList<TemplatePreview> Previews, StaffAnswer<TemplatePreview>? Refused)> PreviewAsync(
        string token, TemplateDraft draft, CancellationToken ct)
    {
        var answers = await Task.WhenAll(PreviewLanguages.Select(language =>
            CallAsync<TemplatePreview>(HttpMethod.Post, TemplatesPath + "/preview", token, draft.Input(language), null, ct)));
        return answers.FirstOrDefault(a => a.Error is not null) is { } refused
            ? ([], refused)
            : ([.. answers.Select(a => a.Value!)], null);
    }

    /// <summary>
    /// Replaces template <paramref name="id"/> with the draft, if it is still the version read (<c>If-Match</c>
    /// <paramref name="etag"/>: 412 when someone saved it meanwhile).
    /// </summary>
    public Task<StaffAnswer<NotificationTemplate>> SaveTemplateAsync(string token, string id, TemplateDraft draft, string? etag, CancellationToken ct) =>
        CallAsync<NotificationTemplate>(HttpMethod.Put, $"{TemplatesPath}/{Uri.EscapeDataString(id)}", token, draft.Input(draft.Locale), etag, ct);
}
