using Agora.Http;

namespace Agora.Identity.Features.Users;

/// <summary>
/// <c>POST /api/v1/users</c>: anyone may open an account; it is an active customer. The answer is the same whether or
/// not the email is already in use.
/// </summary>
internal static class RegisterUser
{
    public static async Task<Results<ApiCreated<UserDto>, ApiError>> Handle(RegisterUserInput input, UserAccounts accounts, CancellationToken ct)
    {
        var v = new Validator();
        UserValidation.Name(input.Name, v);
        UserValidation.Email(input.Email, v);
        UserValidation.Password(input.Password, input.Email, v);
        UserValidation.Locale(input.Locale, v);
        v.Require(input.Roles is null or { ValueKind: System.Text.Json.JsonValueKind.Null }, "roles",
            "Cannot be set at registration: every new account is a customer; an administrator grants other roles.");
        v.Require(input.Status is null or { ValueKind: System.Text.Json.JsonValueKind.Null }, "status",
            "Cannot be set at registration: every new account is active.");
        if (!v.IsValid)
        {
            return v.ToError();
        }

        // A taken email answers exactly like a free one, with the account that would have been made (never stored, so
        // its id is unknown to everyone and its password signs nobody in): registration does not enumerate accounts.
        var (_, user) = await accounts.CreateAsync(input.Name!, input.Email!, input.Password, input.Locale, input.MarketingOptIn ?? false, ct);
        return ApiResults.Created($"/api/v1/users/{user!.Id}", UserDto.From(user), Preconditions.ETag(user.Version));
    }
}
