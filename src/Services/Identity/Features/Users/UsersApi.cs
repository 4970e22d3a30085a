using Agora.Http;
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
        users.MapGet("/", ListUsers.Handle).RequireAuthorization(UsersAuthorization.ReadPolicy).WithName("ListUsers")
            .WithSummary("Users filtered by status, role and text; cursor-paged (administrators and services)")
            .WithDescription("A page of accounts, newest first by default. Administrators and services only: a customer gets 403. "
                + "Follow pagination.next_cursor, or give page for offset paging." + Scopes)
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "ACCOUNT_SUSPENDED")
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError);
        users.MapGet("/me", GetUser.Me).RequireAuthorization(UsersAuthorization.ReadPolicy).WithName("GetCurrentUser")
            .WithSummary("The caller's own account")
            .WithDescription("The account the access token was issued to, with its ETag; a service token has none (404)." + Scopes)
            .WithETag()
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "ACCOUNT_SUSPENDED")
            .ProducesError(StatusCodes.Status404NotFound, "USER_NOT_FOUND");
        users.MapGet("/{id}", GetUser.Handle).RequireAuthorization(UsersAuthorization.ReadPolicy).WithName("GetUser")
            .WithSummary("A user (yourself, or anyone for administrators and services); `me` names yourself")
            .WithDescription("One account with its ETag. Another user's account is 404 to a customer, exactly like a missing one, "
                + "so ids cannot be probed." + Scopes)
            .WithETag()
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "ACCOUNT_SUSPENDED")
            .ProducesError(StatusCodes.Status404NotFound, "USER_NOT_FOUND");
        users.MapPut("/{id}", UpdateUser.Replace).RequireAuthorization(UsersAuthorization.WritePolicy).WithName("ReplaceUser")
            .WithSummary("Replace a user's editable fields (If-Match honoured)")
            .WithDescription("Replaces name, email, locale and marketing preference. Status and roles may be sent unchanged; changing "
                + "them is an administrator's right (403 FIELD_FORBIDDEN). A new password needs current_password and only the account "
                + "holder may set it. Service tokens may not change users (403)." + Scopes)
            .WithETag()
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "FIELD_FORBIDDEN", "ACCOUNT_SUSPENDED")
            .ProducesError(StatusCodes.Status404NotFound, "USER_NOT_FOUND")
            .ProducesError(StatusCodes.Status409Conflict, "EMAIL_TAKEN")
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError);
        users.MapPatch("/{id}", UpdateUser.Patch).RequireAuthorization(UsersAuthorization.WritePolicy).WithName("PatchUser")
            .Accepts<UserInput>("application/merge-patch+json", "application/json")
            .WithSummary("Change some fields with a JSON merge patch (If-Match honoured); status and roles by administrators")
            .WithDescription("Merges a JSON merge patch (RFC 7396) into the account, with the rules of PUT." + Scopes)
            .WithETag()
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "FIELD_FORBIDDEN", "ACCOUNT_SUSPENDED")
            .ProducesError(StatusCodes.Status404NotFound, "USER_NOT_FOUND")
            .ProducesError(StatusCodes.Status409Conflict, "EMAIL_TAKEN")
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError);

        var addresses = users.MapGroup("/{id}/addresses").WithTags("Addresses");
        addresses.MapGet("/", ReadAddresses.List).RequireAuthorization(UsersAuthorization.ReadPolicy).WithName("ListAddresses")
            .WithSummary("A user's addresses, the default first")
            .WithDescription("Every address of the user (at most 20, so one page), the default first." + Scopes)
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "ACCOUNT_SUSPENDED")
            .ProducesError(StatusCodes.Status404NotFound, "USER_NOT_FOUND");
        addresses.MapGet("/{addressId}", ReadAddresses.Get).RequireAuthorization(UsersAuthorization.ReadPolicy).WithName("GetAddress")
            .WithSummary("One address (ETag; If-None-Match gives 304)")
            .WithDescription("One address with its ETag." + Scopes)
            .WithETag()
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "ACCOUNT_SUSPENDED")
            .ProducesError(StatusCodes.Status404NotFound, "USER_NOT_FOUND", "ADDRESS_NOT_FOUND");
        addresses.MapPost("/", CreateAddress.Handle).RequireAuthorization(UsersAuthorization.WritePolicy).WithName("CreateAddress")
            .WithSummary("Add an address (at most 20 per user)")
            .WithDescription("Adds an address; the first one, or one sent with is_default true, becomes the default. The 21st is "
                + "409 ADDRESS_LIMIT_REACHED. Answers 201 with its Location and ETag." + Scopes)
            .WithETag()
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "ACCOUNT_SUSPENDED")
            .ProducesError(StatusCodes.Status404NotFound, "USER_NOT_FOUND")
            .ProducesError(StatusCodes.Status409Conflict, "ADDRESS_LIMIT_REACHED")
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError);
        addresses.MapPut("/{addressId}", UpdateAddress.Replace).RequireAuthorization(UsersAuthorization.WritePolicy).WithName("ReplaceAddress")
            .WithSummary("Replace an address (If-Match honoured)")
            .WithDescription("Replaces every field of the address; with If-Match, only if it has not changed since that ETag." + Scopes)
            .WithETag()
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "ACCOUNT_SUSPENDED")
            .ProducesError(StatusCodes.Status404NotFound, "USER_NOT_FOUND", "ADDRESS_NOT_FOUND")
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError);
        addresses.MapPatch("/{addressId}", UpdateAddress.Patch).RequireAuthorization(UsersAuthorization.WritePolicy).WithName("PatchAddress")
            .Accepts<AddressInput>("application/merge-patch+json", "application/json")
            .WithSummary("Change some fields of an address with a JSON merge patch (If-Match honoured)")
            .WithDescription("Merges a JSON merge patch (RFC 7396) into the address; null removes an optional field." + Scopes)
            .WithETag()
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "ACCOUNT_SUSPENDED")
            .ProducesError(StatusCodes.Status404NotFound, "USER_NOT_FOUND", "ADDRESS_NOT_FOUND")
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError);
        addresses.MapDelete("/{addressId}", DeleteAddress.Handle).RequireAuthorization(UsersAuthorization.WritePolicy).WithName("DeleteAddress")
            .WithSummary("Remove an address (If-Match honoured)")
            .WithDescription("Removes the address; when it was the default, the oldest remaining one becomes the default." + Scopes)
            .WithETag()
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "ACCOUNT_SUSPENDED")
            .ProducesError(StatusCodes.Status404NotFound, "USER_NOT_FOUND", "ADDRESS_NOT_FOUND");
        return app;
    }
}
