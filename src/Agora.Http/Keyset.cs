using System.Linq.Expressions;
using System.Text.Json.Serialization;

namespace Agora.Http;

/// <summary>
/// Keyset paging over a query, the one way every list pages by cursor: order by a sort key and the id (both the same
/// direction), start after the last row of the previous page, fetch one row more than a page to learn whether another
/// follows, and hand out that last row's position as the next cursor. The cursor itself is <see cref="Paging"/>'s.
/// </summary>
public static class Keyset
{
    /// <summary>The message for a cursor that does not decode.</summary>
    public const string InvalidCursor = "Invalid cursor; use pagination.next_cursor of a previous page.";

    /// <summary>
    /// The position in <paramref name="cursor"/>, or null when there is none; a cursor that does not decode (or that
    /// <paramref name="isValid"/> refuses) adds <paramref name="message"/> to <paramref name="validator"/> as a
    /// <c>cursor</c> error.
    /// </summary>
    public static TPosition? ReadCursor<TPosition>(string? cursor, Validator validator, Func<TPosition, bool>? isValid = null,
        string message = InvalidCursor)
        where TPosition : class
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return null;
        }

        if (Paging.TryDecodeCursor<TPosition>(cursor, out var position) && (isValid is null || isValid(position!)))
        {
            return position;
        }

        validator.Add("cursor", message);
        return null;
    }

    /// <summary>
    /// Orders <paramref name="source"/> by <paramref name="key"/> then <paramref name="id"/> and, when
    /// <paramref name="after"/> is given, keeps only the rows that come after it in that order.
    /// </summary>
    public static IQueryable<T> OrderAfter<T, TKey>(this IQueryable<T> source, Expression<Func<T, TKey>> key,
        Expression<Func<T, string>> id, bool descending, (TKey Key, string Id)? after)
    {
        if (after is { } position)
        {
            var row = key.Parameters[0];
            var keyOf = key.Body;
            var idOf = new Rebind(id.Parameters[0], row).Visit(id.Body);
            // Read through a holder so that EF Core sends the position as parameters, not as SQL literals.
            var holder = Expression.Constant(new Position<TKey>(position.Key, position.Id));
            var afterKey = Expression.Property(holder, nameof(Position<TKey>.Key));
            var afterId = Expression.Property(holder, nameof(Position<TKey>.Id));
            var past = Expression.OrElse(
                Beyond(keyOf, afterKey, descending),
                Expression.AndAlso(Expression.Equal(keyOf, afterKey), Beyond(idOf, afterId, descending)));
            source = source.Where(Expression.Lambda<Func<T, bool>>(past, row));
        }

        return descending ? source.OrderByDescending(key).ThenByDescending(id) : source.OrderBy(key).ThenBy(id);
    }

    /// <summary>Orders <paramref name="source"/> by <paramref name="id"/> alone, after <paramref name="afterId"/> when given.</summary>
    public static IQueryable<T> OrderAfter<T>(this IQueryable<T> source, Expression<Func<T, string>> id, bool descending, string? afterId)
    {
        if (afterId is not null)
        {
            var holder = Expression.Constant(new Position<string>(afterId, afterId));
            var past = Beyond(id.Body, Expression.Property(holder, nameof(Position<string>.Id)), descending);
            source = source.Where(Expression.Lambda<Func<T, bool>>(past, id.Parameters[0]));
        }

        return descending ? source.OrderByDescending(id) : source.OrderBy(id);
    }

    /// <summary>
    /// Cuts <paramref name="rows"/> (fetched with <c>Take(perPage + 1)</c>) to one page and answers the cursor of the
    /// next page, null when this one is the last.
    /// </summary>
    public static string? TrimToPage<T, TPosition>(List<T> rows, int perPage, Func<T, TPosition> positionOf)
    {
        if (rows.Count <= perPage)
        {
            return null;
        }

        rows.RemoveRange(perPage, rows.Count - perPage);
        return Paging.EncodeCursor(positionOf(rows[^1]));
    }

    /// <summary>
    /// Restricts a list of customer-owned rows (<paramref name="customerId"/> names the owner) to what the caller may
    /// see: staff the customer <paramref name="requested"/> names, or everyone's when it names none; anyone else their
    /// own (<paramref name="subject"/>, the token's <c>sub</c>), and nothing without a subject. Null when a caller who is
    /// not staff names another customer: the endpoint answers 403.
    /// </summary>
    public static IQueryable<T>? OwnedBy<T>(this IQueryable<T> source, Expression<Func<T, string>> customerId, string subject,
        bool staff, string? requested)
    {
        if (!staff && requested is { Length: > 0 } && requested != subject)
        {
            return null;
        }

        var customer = staff ? requested : subject;
        if (string.IsNullOrEmpty(customer))
        {
            return staff ? source : source.Where(_ => false);
        }

        // Read through a holder so that EF Core sends the customer as a parameter, not as an SQL literal.
        var holder = Expression.Constant(new Position<string>(customer, customer));
        var owned = Expression.Equal(customerId.Body, Expression.Property(holder, nameof(Position<string>.Id)));
        return source.Where(Expression.Lambda<Func<T, bool>>(owned, customerId.Parameters[0]));
    }

    private static BinaryExpression Beyond(Expression value, Expression bound, bool descending)
    {
        if (value.Type == typeof(string))
        {
            // string.Compare translates on every provider; strings have no < operator.
            var compare = Expression.Call(typeof(string).GetMethod(nameof(string.Compare), [typeof(string), typeof(string)])!, value, bound);
            return descending ? Expression.LessThan(compare, Expression.Constant(0)) : Expression.GreaterThan(compare, Expression.Constant(0));
        }

        return descending ? Expression.LessThan(value, bound) : Expression.GreaterThan(value, bound);
    }

    private sealed record Position<TKey>(TKey Key, string Id);

    private sealed class Rebind(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }
}

/// <summary>
/// The keyset position of the lists that page newest first by creation time: the last item's creation time, as ticks
/// so that the cursor is exact to the tick, and its id.
/// </summary>
public sealed record CreatedPosition([property: JsonConverter(typeof(CursorTicksConverter))] long T, string Id)
{
    /// <summary>The position of a row created at <paramref name="createdAt"/>.</summary>
    public static CreatedPosition Of(DateTime createdAt, string id) => new(createdAt.Ticks, id);

    /// <summary>The position as <see cref="Keyset.OrderAfter{T, TKey}"/> takes it.</summary>
    [JsonIgnore]
    public (DateTime, string) At => (new DateTime(T, DateTimeKind.Utc), Id);
}
