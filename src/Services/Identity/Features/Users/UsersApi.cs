using Agora.Identity.Features.Users.Addresses;

namespace Agora.Identity.Features.Users;

internal static class UsersApi
{
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/api/v1/users").WithTags("Users");
        users.MapPost("/", RegisterUser.Handle).AllowAnonymous().WithName("RegisterUser")
            .WithSummary("Open an account (anonymous): an active customer; 409 EMAIL_TAKEN when the email is in use");
        users.MapGet("/", ListUsers.Handle).RequireAuthorization(UsersAuthorization.ReadPolicy).WithName("ListUsers")
            .WithSummary("Users filtered by status, role and text; cursor-paged (administrators and services)");
        users.MapGet("/me", GetUser.Me).RequireAuthorization(UsersAuthorization.ReadPolicy).WithName("GetCurrentUser")
            .WithSummary("The caller's own account");
        users.MapGet("/{id}", GetUser.Handle).RequireAuthorization(UsersAuthorization.ReadPolicy).WithName("GetUser")
            .WithSummary("A user (yourself, or anyone for administrators and services); `me` names yourself");
        users.MapPut("/{id}", UpdateUser.Replace).RequireAuthorization(UsersAuthorization.WritePolicy).WithName("ReplaceUser")
            .WithSummary("Replace a user's editable fields (If-Match honoured)");
        users.MapPatch("/{id}", UpdateUser.Patch).RequireAuthorization(UsersAuthorization.WritePolicy).WithName("PatchUser")
            .Accepts<System.Text.Json.JsonElement>("application/merge-patch+json", "application/json")
            .WithSummary("Change some fields with a JSON merge patch (If-Match honoured); status and roles by administrators");

        var addresses = users.MapGroup("/{id}/addresses").WithTags("Addresses");
        addresses.MapGet("/", ReadAddresses.List).RequireAuthorization(UsersAuthorization.ReadPolicy).WithName("ListAddresses")
            .WithSummary("A user's addresses, the default first");
        addresses.MapGet("/{addressId}", ReadAddresses.Get).RequireAuthorization(UsersAuthorization.ReadPolicy).WithName("GetAddress")
            .WithSummary("One address (ETag; If-None-Match gives 304)");
        addresses.MapPost("/", CreateAddress.Handle).RequireAuthorization(UsersAuthorization.WritePolicy).WithName("CreateAddress")
            .WithSummary("Add an address (at most 20 per user)");
        addresses.MapPut("/{addressId}", UpdateAddress.Replace).RequireAuthorization(UsersAuthorization.WritePolicy).WithName("ReplaceAddress")
            .WithSummary("Replace an address (If-Match honoured)");
        addresses.MapPatch("/{addressId}", UpdateAddress.Patch).RequireAuthorization(UsersAuthorization.WritePolicy).WithName("PatchAddress")
            .Accepts<System.Text.Json.JsonElement>("application/merge-patch+json", "application/json")
            .WithSummary("Change some fields of an address with a JSON merge patch (If-Match honoured)");
        addresses.MapDelete("/{addressId}", DeleteAddress.Handle).RequireAuthorization(UsersAuthorization.WritePolicy).WithName("DeleteAddress")
            .WithSummary("Remove an address (If-Match honoured)");
        return app;
    }
}
