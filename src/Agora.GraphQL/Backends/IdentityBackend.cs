using System.Globalization;
using Agora.Contracts.Users;
using Grpc.Core;

namespace Agora.GraphQL.Backends;

/// <summary>What <c>createUser</c> takes.</summary>
public sealed class CreateUserInput
{
    /// <summary>Display name (required).</summary>
    public string Name { get; set; } = "";

    /// <summary>Email address, unique (required).</summary>
    public string Email { get; set; } = "";

    /// <summary>
    /// With a password: self-registration (anonymous, as <c>POST /api/v1/users</c>). Without one: an account created by a
    /// service for a customer (gRPC <c>UserService.CreateUser</c>; client-credentials tokens with <c>write:users</c> only).
    /// </summary>
    public string? Password { get; set; }

    /// <summary>BCP 47 language tag.</summary>
    public string? Locale { get; set; }

    /// <summary>Marketing consent.</summary>
    public bool? MarketingOptIn { get; set; }
}

/// <summary>What <c>updateUser</c> takes: only the fields given change (a JSON merge patch).</summary>
public sealed class UpdateUserInput
{
    /// <summary>New display name.</summary>
    public string? Name { get; set; }

    /// <summary>New email address.</summary>
    public string? Email { get; set; }

    /// <summary>New language tag.</summary>
    public string? Locale { get; set; }

    /// <summary>New marketing consent.</summary>
    public bool? MarketingOptIn { get; set; }
}

/// <summary>
/// Users from Identity, with the caller's token: REST for reads and changes (the rules of <c>/api/v1/users</c>: a
/// customer reads only itself, staff and services anyone), gRPC <c>UserService.CreateUser</c> for service-made accounts.
/// </summary>
internal sealed class IdentityBackend(RestBackend rest, UserService.UserServiceClient grpc, CallerContext caller)
{
    public const string Service = "identity";

    /// <summary>One user, or null when it does not exist or is not the caller's to see (Identity answers 404 to both).</summary>
    public async Task<UserModel?> GetUserAsync(string id, CancellationToken ct) =>
        (await rest.GetAsync<UserModel>(Service, "/api/v1/users/" + Uri.EscapeDataString(id), ct, notFoundIsNull: true))?.Data;

    /// <summary>A page of users, newest first (staff and services; a customer gets FORBIDDEN).</summary>
    public async Task<IReadOnlyList<UserModel>> ListUsersAsync(int page, int limit, CancellationToken ct) =>
        (await rest.GetAsync<List<UserModel>>(Service,
            string.Create(CultureInfo.InvariantCulture, $"/api/v1/users?page={page}&per_page={limit}"), ct))?.Data ?? [];

    public async Task<UserModel> CreateUserAsync(CreateUserInput input, CancellationToken ct)
    {
        if (input.Password is not null)
        {
            var created = await rest.SendJsonAsync<UserModel>(Service, HttpMethod.Post, "/api/v1/users", new
            {
                name = input.Name, email = input.Email, password = input.Password, locale = input.Locale, marketing_opt_in = input.MarketingOptIn,
            }, "application/json", ct);
            return created?.Data ?? throw BackendException.Unavailable(Service);
        }

        try
        {
            var user = await grpc.CreateUserAsync(new CreateUserRequest { Name = input.Name, Email = input.Email },
                headers: caller.GrpcHeaders(), cancellationToken: ct);
            return new UserModel(user.Id, user.Name, user.Email, "active", ["customer"], null, false,
                DateTimeOffset.FromUnixTimeSeconds(user.CreatedAt), null);
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
        {
            throw GrpcErrors.Map(Service, e);
        }
    }

    public async Task<UserModel> UpdateUserAsync(string id, UpdateUserInput input, CancellationToken ct)
    {
        // Only what was given: a merge patch leaves out what stays.
        var patch = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (input.Name is not null) patch["name"] = input.Name;
        if (input.Email is not null) patch["email"] = input.Email;
        if (input.Locale is not null) patch["locale"] = input.Locale;
        if (input.MarketingOptIn is not null) patch["marketing_opt_in"] = input.MarketingOptIn;
        var updated = await rest.SendJsonAsync<UserModel>(Service, HttpMethod.Patch, "/api/v1/users/" + Uri.EscapeDataString(id), patch,
            "application/merge-patch+json", ct);
        return updated?.Data ?? throw BackendException.Unavailable(Service);
    }
}
