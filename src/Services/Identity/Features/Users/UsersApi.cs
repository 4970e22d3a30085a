using Agora.Identity.Features.Users.Addresses;

namespace Agora.Identity.Features.Users;

internal static class UsersApi
{
    private const string Scopes = " Needs a bearer access token from this server with scope read:users (reads) or write:users (changes).";

    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/api/v1/users").WithTags("Users");
        users.MapPost("/", RegisterUser.Handle).AllowAnonymous().WithName("RegisterUser")
            .WithSummary("Open an account (anonymous): an active customer; the answer never tells whether the email was in use")
            .WithDescription("Registers an active customer with a name, email and password (10 to 128 characters, not a common one, "
                + "not the email). Roles and status cannot be chosen here (422). Answers 201 with the account, its Location and ETag. "
                + "An email already in use answers the same 201 with an account that is not stored (so nobody learns which "
                + "emails have accounts); its owner signs in with their own password as before.")
            .WithETag()
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError);
        users.MapGet("/", ListUsers.Handle).WithName("ListUsers")
            .ForAccounts(UsersAuthorization.ReadPolicy, "Users filtered by status, role and text; cursor-paged (administrators and services)",
                "A page of accounts, newest first by default. Administrators and services only: a customer gets 403. "
                + "Follow pagination.next_cursor, or give page for offset paging.")
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError);
        users.MapGet("/me", GetUser.Me).WithName("GetCurrentUser")
            .ForAccounts(UsersAuthorization.ReadPolicy, "The caller's own account",
                "The account the access token was issued to, with its ETag; a service token has none (404).")
            .WithETag()
            .ProducesError(StatusCodes.Status404NotFound, "USER_NOT_FOUND");
        users.MapGet("/{id}", GetUser.Handle).WithName("GetUser")
            .ForAccounts(UsersAuthorization.ReadPolicy, "A user (yourself, or anyone for administrators and services); `me` names yourself",
                "One account with its ETag. Another user's account is 404 to a customer, exactly like a missing one, "
                + "so ids cannot be probed.")
            .WithETag()
            .ProducesError(StatusCodes.Status404NotFound, "USER_NOT_FOUND");
        users.MapPut("/{id}", UpdateUser.Replace).WithName("ReplaceUser")
            .ForAccounts(UsersAuthorization.WritePolicy, "Replace a user's editable fields (If-Match honoured)",
                "Replaces name, email, locale and marketing preference. Status and roles may be sent unchanged; changing "
                + "them is an administrator's right (403 FIELD_FORBIDDEN). A new password needs current_password and only the account "
                + "holder may set it. Service tokens may not change users (403).", "FIELD_FORBIDDEN")
            .WithETag()
            .ProducesError(StatusCodes.Status404NotFound, "USER_NOT_FOUND")
            .ProducesError(StatusCodes.Status409Conflict, "EMAIL_TAKEN")
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError);
        users.MapPatch("/{id}", UpdateUser.Patch).WithName("PatchUser")
            .Accepts<UserInput>("application/merge-patch+json", "application/json")
            .ForAccounts(UsersAuthorization.WritePolicy, "Change some fields with a JSON merge patch (If-Match honoured); status and roles by administrators",
                "Merges a JSON merge patch (RFC 7396) into the account, with the rules of PUT.", "FIELD_FORBIDDEN")
            .WithETag()
            .ProducesError(StatusCodes.Status404NotFound, "USER_NOT_FOUND")
            .ProducesError(StatusCodes.Status409Conflict, "EMAIL_TAKEN")
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError);

        var addresses = users.MapGroup("/{id}/addresses").WithTags("Addresses");
        addresses.MapGet("/", ListAddresses.Handle).WithName("ListAddresses")
            .ForAccounts(UsersAuthorization.ReadPolicy, "A user's addresses, the default first",
                "Every address of the user (at most 20, so one page), the default first.")
            .ProducesError(StatusCodes.Status404NotFound, "USER_NOT_FOUND");
        addresses.MapGet("/{addressId}", GetAddress.Handle).WithName("GetAddress")
            .ForAccounts(UsersAuthorization.ReadPolicy, "One address (ETag; If-None-Match gives 304)",
                "One address with its ETag.")
            .WithETag()
            .ProducesError(StatusCodes.Status404NotFound, "USER_NOT_FOUND", "ADDRESS_NOT_FOUND");
        addresses.MapPost("/", CreateAddress.Handle).WithName("CreateAddress")
            .ForAccounts(UsersAuthorization.WritePolicy, "Add an address (at most 20 per user)",
                "Adds an address; the first one, or one sent with is_default true, becomes the default. The 21st is "
                + "409 ADDRESS_LIMIT_REACHED. Answers 201 with its Location and ETag.")
            .WithETag()
            .ProducesError(StatusCodes.Status404NotFound, "USER_NOT_FOUND")
            .ProducesError(StatusCodes.Status409Conflict, "ADDRESS_LIMIT_REACHED")
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError);
        addresses.MapPut("/{addressId}", UpdateAddress.Replace).WithName("ReplaceAddress")
            .ForAccounts(UsersAuthorization.WritePolicy, "Replace an address (If-Match honoured)",
                "Replaces every field of the address; with If-Match, only if it has not changed since that ETag.")
            .WithETag()
            .ProducesError(StatusCodes.Status404NotFound, "USER_NOT_FOUND", "ADDRESS_NOT_FOUND")
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError);
        addresses.MapPatch("/{addressId}", UpdateAddress.Patch).WithName("PatchAddress")
            .Accepts<AddressInput>("application/merge-patch+json", "application/json")
            .ForAccounts(UsersAuthorization.WritePolicy, "Change some fields of an address with a JSON merge patch (If-Match honoured)",
                "Merges a JSON merge patch (RFC 7396) into the address; null removes an optional field.")
            .WithETag()
            .ProducesError(StatusCodes.Status404NotFound, "USER_NOT_FOUND", "ADDRESS_NOT_FOUND")
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError);
        addresses.MapDelete("/{addressId}", DeleteAddress.Handle).WithName("DeleteAddress")
            .ForAccounts(UsersAuthorization.WritePolicy, "Remove an address (If-Match honoured)",
                "Removes the address; when it was the default, the oldest remaining one becomes the default.")
            .WithETag()
            .ProducesError(StatusCodes.Status404NotFound, "USER_NOT_FOUND", "ADDRESS_NOT_FOUND");
        return app;
    }

    /// <summary>
    /// What every account endpoint but registration repeats: it is behind <paramref name="policy"/>, its description
    /// ends with the scopes it needs (<see cref="Scopes"/>), and its 403 lists the endpoint's own
    /// <paramref name="forbidden"/> codes, then ACCOUNT_SUSPENDED (a suspended caller is refused everywhere).
    /// </summary>
    private static RouteHandlerBuilder ForAccounts(
        this RouteHandlerBuilder endpoint, string policy, string summary, string description, params string[] forbidden) =>
        endpoint.RequireAuthorization(policy)
            .WithSummary(summary)
            .WithDescription(description + Scopes)
            .ProducesError(StatusCodes.Status403Forbidden, [ErrorCodes.Forbidden, .. forbidden, "ACCOUNT_SUSPENDED"]);
}
