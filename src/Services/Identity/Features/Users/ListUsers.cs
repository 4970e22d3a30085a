using System.ComponentModel.DataAnnotations;
using System.ComponentModel;
using Microsoft.AspNetCore.Mvc;
using Validator = Agora.Http.Validator;

namespace Agora.Identity.Features.Users;

/// <summary>Query parameters of the user list.</summary>
public sealed class UserListQuery
{
    /// <summary><c>active</c> or <c>suspended</c>.</summary>
    [FromQuery(Name = "status"), MaxLength(9), RegularExpression("^(active|suspended)$"), Description("Only users with this status: active or suspended.")] public string? Status { get; init; }

    /// <summary>Only users with this role: <c>customer</c> or <c>admin</c>.</summary>
    [FromQuery(Name = "role"), MaxLength(8), RegularExpression("^(customer|admin)$"), Description("Only users with this role: customer or admin.")] public string? Role { get; init; }

    /// <summary>Case-insensitive text contained in the name or the email.</summary>
    [FromQuery(Name = "q"), MaxLength(100), Description("Case-insensitive text contained in the name or the email.")] public string? Q { get; init; }

    /// <summary><c>created_at</c> or <c>-created_at</c> (the default: newest first).</summary>
    [FromQuery(Name = "sort"), MaxLength(11), RegularExpression("^-?created_at$"), Description("created_at or -created_at (the default: newest first).")] public string? Sort { get; init; }

    /// <summary>Items per page, 1–100, default 20.</summary>
    [FromQuery(Name = "per_page"), Range(1, Paging.MaxPerPage), Description("Items per page. Default 20.")] public int? PerPage { get; init; }

    /// <summary>Opaque cursor from <c>pagination.next_cursor</c>.</summary>
    [FromQuery(Name = "cursor"), MaxLength(Paging.MaxCursorLength), RegularExpression("^[A-Za-z0-9_-]+$"), Description("Opaque cursor from pagination.next_cursor of a response with the same sort.")] public string? Cursor { get; init; }

    /// <summary>1-based offset page, instead of a cursor.</summary>
    [FromQuery(Name = "page"), Range(1, int.MaxValue), Description("1-based offset page, instead of a cursor.")] public int? Page { get; init; }
}

/// <summary><c>GET /api/v1/users</c>: administrators and services only (a customer gets 403).</summary>
internal static class ListUsers
{
    /// <summary>Keyset position: the sort it belongs to, the last item's creation ticks and id.</summary>
    internal sealed record Position(string S, long T, string Id);

    public static async Task<Results<ApiOk<IReadOnlyList<UserDto>>, ApiError>> Handle(
        [AsParameters] UserListQuery query, ClaimsPrincipal principal, IdentityDbContext db, CancellationToken ct)
    {
        var (caller, denied) = await Caller.ResolveAsync(principal, db, ct);
        if (denied is not null)
        {
            return denied;
        }

        if (!caller!.IsService && !caller.IsAdmin)
        {
            return ApiResults.Error(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden,
                "Only administrators may list users; use /api/v1/users/me for your own account.");
        }

        var v = new Validator();
        var perPage = Paging.PerPage(query.PerPage, query.Page, query.Cursor, v);
        var sort = string.IsNullOrEmpty(query.Sort) ? "-created_at" : query.Sort;
        v.Require(sort is "created_at" or "-created_at", "sort", "One of created_at, -created_at.");
        var status = v.Enum<UserStatus>(query.Status, "status", "One of active, suspended.");

        v.Require(query.Role is null || UserValidation.KnownRoles.Contains(query.Role, StringComparer.Ordinal), "role",
            $"One of {string.Join(", ", UserValidation.KnownRoles)}.");
        v.Require(query.Q is null || query.Q.Length <= 100, "q", "At most 100 characters.");
        var position = Keyset.ReadCursor<Position>(query.Cursor, v, p => p.S == sort && Paging.IsTicks(p.T) && p.Id is not null,
            "Invalid cursor; use pagination.next_cursor of a response with the same sort.");

        if (!v.IsValid)
        {
            return v.ToError();
        }

        var filtered = db.Users.AsNoTracking();
        if (status is { } st)
        {
            filtered = filtered.Where(u => u.Status == st);
        }

        if (!string.IsNullOrEmpty(query.Role))
        {
            // Roles are a space-separated list; pad it so "admin" never matches inside another role's name.
            var padded = " " + query.Role + " ";
            filtered = filtered.Where(u => (" " + u.Roles + " ").Contains(padded));
        }

        if (!string.IsNullOrWhiteSpace(query.Q))
        {
            var needle = query.Q.Trim().ToUpperInvariant();
            // upper() on both engines; the StringComparison overloads CA1862 suggests do not translate to SQL.
#pragma warning disable CA1862
            filtered = filtered.Where(u => u.EmailNormalized.Contains(needle) || u.Name.ToUpper().Contains(needle));
#pragma warning restore CA1862
        }

        var total = await filtered.LongCountAsync(ct);
        var after = position is null ? null : ((DateTime, string)?)(new DateTime(position.T, DateTimeKind.Utc), position.Id);
        var page = filtered.OrderAfter(u => u.CreatedAt, u => u.Id, descending: sort[0] == '-', after);
        if (query.Page is { } pageNumber)
        {
            page = page.Skip((pageNumber - 1) * perPage);
        }

        var items = await page.Take(perPage + 1).ToListAsync(ct);
        var next = Keyset.TrimToPage(items, perPage, u => new Position(sort, u.CreatedAt.Ticks, u.Id));

        return ApiResults.Page<UserDto>(items.Select(UserDto.From).ToList(), Paging.Info(perPage, total, next, query.Page));
    }
}
