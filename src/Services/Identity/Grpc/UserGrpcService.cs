using Agora.Contracts.Users;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Agora.Identity.Grpc;

/// <summary>
/// gRPC <c>ecommerce.UserService</c> (guide §2.4) for other services. Mapped with
/// <see cref="UsersAuthorization.ServicePolicy"/> (a client-credentials token; none → UNAUTHENTICATED, a user's token →
/// PERMISSION_DENIED); each method adds its scope.
/// </summary>
internal sealed class UserGrpcService(IdentityDbContext db, UserAccounts accounts) : UserService.UserServiceBase
{
    /// <summary>Users per <c>ListUsers</c> page when <c>limit</c> is 0.</summary>
    public const int DefaultLimit = 20;

    /// <summary>The largest <c>limit</c>.</summary>
    public const int MaxLimit = 100;

    [Authorize(Policy = UsersAuthorization.ReadPolicy)]
    public override async Task<UserResponse> GetUser(GetUserRequest request, ServerCallContext context)
    {
        if (string.IsNullOrWhiteSpace(request.UserId))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "user_id is required."));
        }

        var user = Ids.HasPrefix(request.UserId, "usr")
            ? await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == request.UserId, context.CancellationToken)
            : null;
        return user is null
            ? throw new RpcException(new Status(StatusCode.NotFound, $"User '{UserErrors.Truncate(request.UserId)}' does not exist."))
            : ToMessage(user);
    }

    [Authorize(Policy = UsersAuthorization.ReadPolicy)]
    public override async Task ListUsers(ListUsersRequest request, IServerStreamWriter<UserResponse> responseStream, ServerCallContext context)
    {
        if (request.Page < 0 || request.Limit < 0 || request.Limit > MaxLimit)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"page must be 0 or more; limit 0 (default {DefaultLimit}) to {MaxLimit}."));
        }

        var limit = request.Limit == 0 ? DefaultLimit : request.Limit;
        var page = Math.Max(request.Page, 1);
        var users = db.Users.AsNoTracking().OrderBy(u => u.CreatedAt).ThenBy(u => u.Id)
            .Skip((int)Math.Min((long)(page - 1) * limit, int.MaxValue)).Take(limit).AsAsyncEnumerable();
        await foreach (var user in users.WithCancellation(context.CancellationToken))
        {
            await responseStream.WriteAsync(ToMessage(user), context.CancellationToken);
        }
    }

    [Authorize(Policy = UsersAuthorization.WritePolicy)]
    public override async Task<UserResponse> CreateUser(CreateUserRequest request, ServerCallContext context)
    {
        var v = new Validator();
        UserValidation.Name(request.Name, v);
        UserValidation.Email(request.Email, v);
        if (!v.IsValid)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument,
                string.Join("; ", v.Errors.Select(e => $"{e.Field}: {e.Message}"))));
        }

        var (outcome, user) = await accounts.CreateAsync(request.Name, request.Email, password: null, locale: null,
            marketingOptIn: false, context.CancellationToken);
        return outcome == UserAccounts.Outcome.EmailTaken
            ? throw new RpcException(new Status(StatusCode.AlreadyExists, "Another account already uses this email address."))
            : ToMessage(user!);
    }

    private static UserResponse ToMessage(User u) => new()
    {
        Id = u.Id,
        Name = u.Name,
        Email = u.Email,
        CreatedAt = new DateTimeOffset(u.CreatedAt).ToUnixTimeSeconds(),
    };
}
