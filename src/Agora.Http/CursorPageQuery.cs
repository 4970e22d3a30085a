using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;

namespace Agora.Http;

/// <summary>
/// The query parameters of a list paged by cursor alone, newest first (<c>per_page</c>, <c>cursor</c> of at most 512
/// characters), declared once: a list's query class derives from it and declares only its filters, which the OpenAPI
/// document lists first.
/// </summary>
public abstract class CursorPageQuery
{
    /// <summary>Items per page, 1–100, default 20.</summary>
    [FromQuery(Name = "per_page"), Range(1, Paging.MaxPerPage), Description("Items per page. Default 20.")] public int? PerPage { get; init; }

    /// <summary>Opaque cursor from <c>pagination.next_cursor</c>.</summary>
    [FromQuery(Name = "cursor"), MaxLength(512), RegularExpression("^[A-Za-z0-9_-]+$"), Description("Opaque cursor from pagination.next_cursor.")] public string? Cursor { get; init; }
}
