using System.Net;
using Agora.Contracts.Users;
using Grpc.Core;
using Grpc.Net.Client;
using static Agora.Identity.Tests.UsersTestKit;

namespace Agora.Identity.Tests;

/// <summary>gRPC <c>ecommerce.UserService</c> (guide §2.4) through the test server, with real client-credentials tokens.</summary>
public abstract class UserGrpcBehaviour(IdentityFixture fixture)
{
    private UserService.UserServiceClient Client() =>
        new(GrpcChannel.ForAddress(fixture.App.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = fixture.App.Server.CreateHandler() }));

    private static Metadata Bearer(string token) => new() { { "Authorization", "Bearer " + token } };

    [Fact]
    public async Task GetUser_WithServiceToken_ReturnsTheUser()
    {
        var email = NewEmail("grpc");
        var registered = await RegisterAsync(fixture, new { name = "Grpc Reader", email, password = Password });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var id = (string)(await BodyAsync(registered))["data"]!["id"]!;

        var user = await Client().GetUserAsync(new GetUserRequest { UserId = id }, Bearer(await ServiceTokenAsync(fixture, "read:users")));
        Assert.Equal(id, user.Id);
        Assert.Equal("Grpc Reader", user.Name);
        Assert.Equal(email, user.Email);
        Assert.InRange(user.CreatedAt, DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeSeconds());
    }

    [Fact]
    public async Task GetUser_UnknownOrEmptyId_IsNotFoundOrInvalidArgument()
    {
        var headers = Bearer(await ServiceTokenAsync(fixture));
        var missing = await Assert.ThrowsAsync<RpcException>(() => Client().GetUserAsync(new GetUserRequest { UserId = "usr_nobody" }, headers).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        var empty = await Assert.ThrowsAsync<RpcException>(() => Client().GetUserAsync(new GetUserRequest(), headers).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, empty.StatusCode);
    }

    [Fact]
    public async Task ListUsers_StreamsOnePage()
    {
        for (var i = 0; i < 3; i++)
        {
            await Client().CreateUserAsync(new CreateUserRequest { Name = $"Streamed {i}", Email = NewEmail("stream") },
                Bearer(await ServiceTokenAsync(fixture)));
        }

        var headers = Bearer(await ServiceTokenAsync(fixture, "read:users"));
        var firstPage = await ReadAllAsync(Client().ListUsers(new ListUsersRequest { Page = 1, Limit = 2 }, headers));
        var secondPage = await ReadAllAsync(Client().ListUsers(new ListUsersRequest { Page = 2, Limit = 2 }, headers));
        Assert.Equal(2, firstPage.Count);
        Assert.Equal(2, secondPage.Count);
        Assert.Empty(firstPage.Select(u => u.Id).Intersect(secondPage.Select(u => u.Id)));
        Assert.True(firstPage[0].CreatedAt <= secondPage[^1].CreatedAt, "oldest first");

        var all = await ReadAllAsync(Client().ListUsers(new ListUsersRequest(), headers));
        Assert.InRange(all.Count, 5, 20); // default limit 20; the two demo users and the three above at least
        Assert.Contains(all, u => u.Email == Infrastructure.DemoSeeder.AdminEmail);

        var tooMany = await Assert.ThrowsAsync<RpcException>(() => ReadAllAsync(Client().ListUsers(new ListUsersRequest { Limit = 101 }, headers)));
        Assert.Equal(StatusCode.InvalidArgument, tooMany.StatusCode);
    }

    [Fact]
    public async Task CreateUser_CreatesACustomer_DuplicateEmailIsAlreadyExists_BadInputIsInvalidArgument()
    {
        var headers = Bearer(await ServiceTokenAsync(fixture));
        var email = NewEmail("created");
        var user = await Client().CreateUserAsync(new CreateUserRequest { Name = "Made By Service", Email = email }, headers);
        Assert.StartsWith("usr_", user.Id);
        Assert.Equal(email, user.Email);

        // Visible over REST as an active customer.
        var admin = Api(fixture, await AdminTokenAsync(fixture));
        var rest = (await BodyAsync(await admin.GetAsync($"/api/v1/users/{user.Id}")))["data"]!;
        Assert.Equal(["customer"], rest["roles"]!.AsArray().Select(r => (string)r!));
        Assert.Equal("active", (string?)rest["status"]);

        var duplicate = await Assert.ThrowsAsync<RpcException>(() =>
            Client().CreateUserAsync(new CreateUserRequest { Name = "Again", Email = email.ToUpperInvariant() }, headers).ResponseAsync);
        Assert.Equal(StatusCode.AlreadyExists, duplicate.StatusCode);

        var invalid = await Assert.ThrowsAsync<RpcException>(() =>
            Client().CreateUserAsync(new CreateUserRequest { Name = "", Email = "nope" }, headers).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);
        Assert.Contains("email", invalid.Status.Detail);
    }

    [Fact]
    public async Task Calls_WithoutToken_AreUnauthenticated()
    {
        var get = await Assert.ThrowsAsync<RpcException>(() => Client().GetUserAsync(new GetUserRequest { UserId = "usr_x" }).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, get.StatusCode);
        var list = await Assert.ThrowsAsync<RpcException>(() => ReadAllAsync(Client().ListUsers(new ListUsersRequest())));
        Assert.Equal(StatusCode.Unauthenticated, list.StatusCode);
        var create = await Assert.ThrowsAsync<RpcException>(() =>
            Client().CreateUserAsync(new CreateUserRequest { Name = "x", Email = NewEmail() }, Bearer("not-a-token")).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, create.StatusCode);
    }

    [Fact]
    public async Task Calls_WithAUsersTokenOrWithoutTheScope_ArePermissionDenied()
    {
        // A customer's token, even with read:users, must not enumerate other users through the service API.
        var customer = await NewCustomerAsync(fixture);
        var asUser = await Assert.ThrowsAsync<RpcException>(() =>
            Client().GetUserAsync(new GetUserRequest { UserId = customer.Id }, Bearer(customer.Token)).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, asUser.StatusCode);

        var readOnly = Bearer(await ServiceTokenAsync(fixture, "read:users"));
        var create = await Assert.ThrowsAsync<RpcException>(() =>
            Client().CreateUserAsync(new CreateUserRequest { Name = "x", Email = NewEmail() }, readOnly).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, create.StatusCode);

        var otherScope = Bearer(await ServiceTokenAsync(fixture, "read:catalog"));
        var get = await Assert.ThrowsAsync<RpcException>(() =>
            Client().GetUserAsync(new GetUserRequest { UserId = customer.Id }, otherScope).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, get.StatusCode);
    }

    private static async Task<List<UserResponse>> ReadAllAsync(AsyncServerStreamingCall<UserResponse> call)
    {
        using (call)
        {
            var items = new List<UserResponse>();
            await foreach (var item in call.ResponseStream.ReadAllAsync())
            {
                items.Add(item);
            }

            return items;
        }
    }
}

public sealed class EmbeddedUserGrpcTests(EmbeddedIdentityFixture fixture)
    : UserGrpcBehaviour(fixture), IClassFixture<EmbeddedIdentityFixture>;

public sealed class DistributedUserGrpcTests(DistributedIdentityFixture fixture)
    : UserGrpcBehaviour(fixture), IClassFixture<DistributedIdentityFixture>;
