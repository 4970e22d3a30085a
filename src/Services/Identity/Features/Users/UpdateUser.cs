using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Identity;

namespace Agora.Identity.Features.Users;

/// <summary>
/// PUT replaces a user's editable fields; PATCH merges a JSON merge patch (RFC 7396) into them. Both honour
/// <c>If-Match</c> (412). Customers change their name, email, locale, marketing preference and (with the current one)
/// password; administrators also change status and roles, of anyone but themselves where it would lock them out.
/// </summary>
internal static partial class UpdateUser
{
    private static readonly HashSet<string> PatchableFields =
        ["name", "email", "locale", "marketing_opt_in", "status", "roles", "password", "current_password"];

    public static Task<Results<ApiOk<UserDto>, ApiError>> Replace(
        string id, UserInput input, HttpRequest request, ClaimsPrincipal principal, IdentityDbContext db, [AsParameters] Services services,
        CancellationToken ct) =>
        ApplyAsync(id, _ => (input, null), request, principal, db, services, ct);

    public static Task<Results<ApiOk<UserDto>, ApiError>> Patch(
        string id, JsonElement patch, HttpRequest request, ClaimsPrincipal principal, IdentityDbContext db, [AsParameters] Services services,
        IOptions<JsonOptions> json, CancellationToken ct)
    {
        var serializer = json.Value.SerializerOptions;
        return ApplyAsync(id, user => Merge(user, patch, serializer), request, principal, db, services, ct);
    }

    /// <summary>What an update needs besides the database.</summary>
    internal sealed record Services(
        IPasswordHasher<User> Hasher, TimeProvider Clock, IOpenIddictTokenManager Tokens,
        IOpenIddictAuthorizationManager Authorizations, ILogger<UserAccounts> Logger);

    private static (UserInput? Input, ApiError? Error) Merge(User user, JsonElement patch, JsonSerializerOptions json) =>
        MergePatch.Apply(() => new UserInput(user.Name, user.Email, user.Locale, user.MarketingOptIn, user.Status, user.RoleList),
            patch, json, "a user", PatchableFields,
            refuse: p => p.Name is "status" or "roles" && p.Value.ValueKind == JsonValueKind.Null ? "Cannot be removed." : null);

    private static async Task<Results<ApiOk<UserDto>, ApiError>> ApplyAsync(
        string id, Func<User, (UserInput? Input, ApiError? Error)> build, HttpRequest request, ClaimsPrincipal principal,
        IdentityDbContext db, Services services, CancellationToken ct)
    {
        var (caller, user, notFound) = await LoadAsync(id, request, principal, db, ct);
        if (notFound is not null)
        {
            return notFound;
        }

        var (input, error) = build(user!);
        if (error is not null)
        {
            return error;
        }

        var v = new Validator();
        var roles = UserValidation.Roles(input!.Roles, v);
        var change = new Change(input, roles, user!.Id == caller!.Subject,
            RolesChange: roles is not null && !roles.SequenceEqual(user.RoleList.Order(StringComparer.Ordinal), StringComparer.Ordinal),
            StatusChange: input.Status is { } status && status != user.Status);

        // Privileges first: a customer sending someone else's role is refused (403) whatever else is wrong with the body.
        if ((Forbidden(caller, change) ?? Invalid(user, change, services, v)) is { } refused)
        {
            return refused;
        }

        var normalized = UserValidation.Normalize(input.Email!);
        if (normalized != user.EmailNormalized && await db.Users.AnyAsync(u => u.EmailNormalized == normalized && u.Id != user.Id, ct))
        {
            return UserErrors.EmailTaken();
        }

        Apply(user, change, normalized, services);
        return await SaveAsync(user, change, db, services, ct);
    }

    /// <summary>The fields an update asks to change, and who asks.</summary>
    private sealed record Change(UserInput Input, IReadOnlyList<string>? Roles, bool Self, bool RolesChange, bool StatusChange)
    {
        public bool PasswordChange => Input.Password is not null;
    }

    /// <summary>The caller and the user they may write, or the answer that stops here (denied, 404, 412).</summary>
    private static async Task<(Caller? Caller, User? User, ApiError? Error)> LoadAsync(
        string id, HttpRequest request, ClaimsPrincipal principal, IdentityDbContext db, CancellationToken ct)
    {
        var (caller, denied) = await Caller.ResolveAsync(principal, db, ct);
        if (denied is not null)
        {
            return (null, null, denied);
        }

        var userId = caller!.Target(id);
        if (userId is null || !caller.CanWrite(userId))
        {
            return (null, null, userId is null ? UserErrors.NotFound(id) : caller.Denied(userId));
        }

        var user = userId == caller.User!.Id
            ? caller.User
            : Ids.HasPrefix(userId, "usr") ? await db.Users.FirstOrDefaultAsync(u => u.Id == userId, ct) : null;
        if (user is null)
        {
            return (null, null, UserErrors.NotFound(id));
        }

        return Preconditions.IfMatchFails(request, Preconditions.ETag(user.Version))
            ? (null, null, ApiResults.PreconditionFailed())
            : (caller, user, null);
    }

    /// <summary>403 FIELD_FORBIDDEN naming the fields the caller may not change, or null.</summary>
    private static ApiError? Forbidden(Caller caller, Change change)
    {
        var forbidden = new List<FieldError>();
        if (change.RolesChange && !caller.IsAdmin)
        {
            forbidden.Add(new FieldError("roles", "Only an administrator may change roles."));
        }

        if (change.StatusChange && !caller.IsAdmin)
        {
            forbidden.Add(new FieldError("status", "Only an administrator may change the status."));
        }

        if (change.PasswordChange && !change.Self)
        {
            forbidden.Add(new FieldError("password", "Only the account holder may change their password."));
        }

        return forbidden.Count > 0
            ? ApiResults.Error(StatusCodes.Status403Forbidden, "FIELD_FORBIDDEN", "You may not change these fields.", forbidden)
            : null;
    }

    /// <summary>422 with every invalid field (the roles' errors already in <paramref name="v"/>), or null.</summary>
    private static ApiError? Invalid(User user, Change change, Services services, Validator v)
    {
        var input = change.Input;
        UserValidation.Name(input.Name, v);
        UserValidation.Email(input.Email, v);
        UserValidation.Locale(input.Locale, v);
        v.Require(input.Status is null || Enum.IsDefined(input.Status.Value), "status", "One of active, suspended.");
        if (change.Self && change.RolesChange && !change.Roles!.Contains(AgoraRoles.Admin))
        {
            v.Add("roles", "An administrator cannot remove their own admin role; another administrator must.");
        }

        if (change.Self && change.StatusChange && input.Status == UserStatus.Suspended)
        {
            v.Add("status", "An administrator cannot suspend their own account.");
        }

        if (change.PasswordChange)
        {
            UserValidation.Password(input.Password, input.Email, v);
        }

        CheckCurrentPassword(user, change, services, v);
        return v.IsValid ? null : v.ToError();
    }

    /// <summary>A new password needs the current one, which must match (and is never hashed when it could not).</summary>
    private static void CheckCurrentPassword(User user, Change change, Services services, Validator v)
    {
        var current = change.Input.CurrentPassword;
        if (current is { Length: > UserValidation.MaxPasswordLength })
        {
            // No password this service accepts is longer, so there is nothing to hash (and no 100 KB hashed per request).
            v.Add("current_password", $"At most {UserValidation.MaxPasswordLength} characters.");
        }
        else if (change.PasswordChange && string.IsNullOrEmpty(current))
        {
            v.Add("current_password", "Required to change the password.");
        }
        else if (change.PasswordChange && services.Hasher.VerifyHashedPassword(user, user.PasswordHash, current!) == PasswordVerificationResult.Failed)
        {
            LogWrongCurrentPassword(services.Logger);
            v.Add("current_password", "Does not match the current password.");
        }
    }

    private static void Apply(User user, Change change, string normalizedEmail, Services services)
    {
        var input = change.Input;
        user.Name = input.Name!.Trim();
        user.Email = input.Email!.Trim();
        user.EmailNormalized = normalizedEmail;
        user.Locale = input.Locale;
        user.MarketingOptIn = input.MarketingOptIn ?? false;
        if (change.Roles is not null)
        {
            user.Roles = string.Join(' ', change.Roles);
        }

        if (input.Status is { } newStatus)
        {
            user.Status = newStatus;
        }

        if (change.PasswordChange)
        {
            user.PasswordHash = services.Hasher.HashPassword(user, input.Password!);
        }

        user.UpdatedAt = services.Clock.GetUtcNow().UtcDateTime;
        user.Version++;
    }

    /// <summary>Saves; a new password or a suspension then signs the account out everywhere.</summary>
    private static async Task<Results<ApiOk<UserDto>, ApiError>> SaveAsync(
        User user, Change change, IdentityDbContext db, Services services, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return UserErrors.ChangedConcurrently("user");
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            return UserErrors.EmailTaken();
        }

        if (change.PasswordChange || (change.StatusChange && user.Status == UserStatus.Suspended))
        {
            // Sign the account out everywhere: its refresh tokens stop working now; access tokens expire within 15 minutes.
            await services.Tokens.RevokeBySubjectAsync(user.Id, CancellationToken.None);
            await services.Authorizations.RevokeBySubjectAsync(user.Id, CancellationToken.None);
        }

        return ApiResults.Ok(UserDto.From(user), Preconditions.ETag(user.Version));
    }

    [LoggerMessage(EventId = 3300, Level = LogLevel.Warning, Message = "Password change refused: wrong current password")]
    private static partial void LogWrongCurrentPassword(ILogger logger);
}
