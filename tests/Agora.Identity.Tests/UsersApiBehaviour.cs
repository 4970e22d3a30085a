using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Agora.Identity.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Agora.Identity.Tests.UsersTestKit;

namespace Agora.Identity.Tests;

/// <summary>
/// The users API on each store: registration, the account, the admin list, and ownership on every endpoint (OWASP API1):
/// another customer's user or address is 404, exactly like a missing one.
/// </summary>
public abstract class UsersApiBehaviour(IdentityFixture fixture)
{
    [Fact]
    public async Task Register_ValidInput_Returns201WithLocationAndNoSecrets()
    {
        var email = NewEmail("reg");
        var response = await RegisterAsync(fixture, new { name = "  New Customer ", email, password = Password, locale = "ko-KR", marketing_opt_in = true });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("password", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("AQAAAA", text, StringComparison.Ordinal); // the v3 hash prefix
        var data = JsonNode.Parse(text)!["data"]!;
        var id = (string)data["id"]!;
        Assert.StartsWith("usr_", id);
        Assert.Equal($"/api/v1/users/{id}", response.Headers.Location!.OriginalString);
        Assert.NotNull(response.Headers.ETag);
        Assert.Equal("New Customer", (string?)data["name"]);
        Assert.Equal(email, (string?)data["email"]);
        Assert.Equal("active", (string?)data["status"]);
        Assert.Equal(["customer"], data["roles"]!.AsArray().Select(r => (string)r!));
        Assert.Equal("ko-KR", (string?)data["locale"]);
        Assert.True((bool)data["marketing_opt_in"]!);
    }

    [Fact]
    public async Task Register_StoresASaltedPbkdf2HashWithTheConfiguredIterations()
    {
        var response = await RegisterAsync(fixture, new { name = "Hashed", email = NewEmail("hash"), password = Password });
        var id = (string)(await BodyAsync(response))["data"]!["id"]!;
        using var scope = fixture.App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == id);
        var hash = Convert.FromBase64String(user.PasswordHash);
        Assert.Equal(0x01, hash[0]); // ASP.NET Core Identity v3: PBKDF2 with a random salt
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32BigEndian(hash.AsSpan(1))); // HMAC-SHA512
        Assert.Equal((uint)Features.Users.PasswordHashing.DefaultIterationCount, BinaryPrimitives.ReadUInt32BigEndian(hash.AsSpan(5)));
        Assert.Equal(16u, BinaryPrimitives.ReadUInt32BigEndian(hash.AsSpan(9))); // 128-bit salt
    }

    [Fact]
    public async Task OpenApi_DescribesTheUsersAndAddressesEndpoints()
    {
        var document = await fixture.App.CreateClient().GetStringAsync("/openapi/v1.json");
        Assert.Contains("\"/api/v1/users/{id}/addresses/{addressId}\"", document);
        Assert.Contains("\"/api/v1/users/me\"", document);
        Assert.DoesNotContain("IOpenIddictTokenManager", document);
    }

    [Fact]
    public async Task Register_DuplicateEmailInOtherCase_AnswersLikeANewAccount_AndStoresNothing()
    {
        var email = NewEmail("dup");
        var first = await RegisterAsync(fixture, new { name = "First", email, password = Password });
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var again = await RegisterAsync(fixture, new { name = "Second", email = email.ToUpperInvariant(), password = Password });
        Assert.Equal(HttpStatusCode.Created, again.StatusCode); // no EMAIL_TAKEN: registration enumerates nobody
        var admin = Api(fixture, await AdminTokenAsync(fixture));
        var id = (string)(await BodyAsync(again))["data"]!["id"]!;
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/users/{id}")).StatusCode);
        var owner = (await BodyAsync(await admin.GetAsync($"/api/v1/users/{(string)(await BodyAsync(first))["data"]!["id"]!}")))["data"]!;
        Assert.Equal("First", (string?)owner["name"]);
    }

    [Fact]
    public async Task Register_InvalidFields_Returns422WithFieldDetails()
    {
        var response = await RegisterAsync(fixture, new { name = " ", email = "not-an-email", password = "short", locale = "not a locale" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("VALIDATION_ERROR", await ErrorCodeAsync(response));
        var fields = await ErrorFieldsAsync(response);
        Assert.Contains("name", fields);
        Assert.Contains("email", fields);
        Assert.Contains("password", fields);
        Assert.Contains("locale", fields);

        var common = await RegisterAsync(fixture, new { name = "X", email = NewEmail(), password = "1234567890" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, common.StatusCode);
        Assert.Equal(["password"], await ErrorFieldsAsync(common));
    }

    [Fact]
    public async Task Register_WithRolesOrStatus_Returns422AndCreatesNothing()
    {
        var email = NewEmail("admin-wannabe");
        var response = await RegisterAsync(fixture, new { name = "Mallory", email, password = Password, roles = new[] { "admin" }, status = "active" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(["roles", "status"], await ErrorFieldsAsync(response));
        Assert.Equal(HttpStatusCode.Created, (await RegisterAsync(fixture, new { name = "Mallory", email, password = Password })).StatusCode);
    }

    [Fact]
    public async Task Me_WithCustomerToken_ReturnsOwnAccount()
    {
        var me = await NewCustomerAsync(fixture, "Me Myself");
        var api = Api(fixture, me.Token);
        var response = await api.GetAsync("/api/v1/users/me");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var data = (await BodyAsync(response))["data"]!;
        Assert.Equal(me.Id, (string?)data["id"]);
        Assert.Equal("Me Myself", (string?)data["name"]);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"/api/v1/users/{me.Id}")).StatusCode);

        var etag = response.Headers.ETag!.Tag;
        using var conditional = new HttpRequestMessage(HttpMethod.Get, "/api/v1/users/me");
        conditional.Headers.TryAddWithoutValidation("If-None-Match", etag);
        Assert.Equal(HttpStatusCode.NotModified, (await api.SendAsync(conditional)).StatusCode);
    }

    [Fact]
    public async Task Endpoints_WithoutToken_Return401InTheEnvelope()
    {
        var api = Api(fixture, null);
        foreach (var url in new[] { "/api/v1/users/me", "/api/v1/users", "/api/v1/users/usr_x", "/api/v1/users/usr_x/addresses" })
        {
            var response = await api.GetAsync(url);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("UNAUTHORIZED", await ErrorCodeAsync(response));
        }

        var patch = await PatchAsync(api, "/api/v1/users/usr_x", new { name = "x" });
        Assert.Equal(HttpStatusCode.Unauthorized, patch.StatusCode);
    }

    [Fact]
    public async Task Endpoints_WithLoginCookieOnly_Return401()
    {
        // A browser session on the authorization server is not a credential for the API (no CSRF through cookies).
        var browser = fixture.Browser();
        var (_, challenge) = OAuth.Pkce();
        await OAuth.SignInAndAuthorizeAsync(browser, OAuth.AuthorizeUrl(challenge, "c"), DemoSeeder.CustomerEmail, DemoSeeder.CustomerPassword);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/v1/users/me")).StatusCode);
    }

    [Fact]
    public async Task Endpoints_TokenWithoutUsersScopes_Return403()
    {
        var me = await NewCustomerAsync(fixture, scope: "openid write:catalog");
        var api = Api(fixture, me.Token);
        var read = await api.GetAsync("/api/v1/users/me");
        Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
        Assert.Equal("FORBIDDEN", await ErrorCodeAsync(read));
        Assert.Equal(HttpStatusCode.Forbidden, (await PatchAsync(api, "/api/v1/users/me", new { name = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.PostAsJsonAsync("/api/v1/users/me/addresses", Address())).StatusCode);

        var readOnly = await SignInAsync(fixture, me.Email, me.Password, "openid read:users");
        var readOnlyApi = Api(fixture, readOnly);
        Assert.Equal(HttpStatusCode.OK, (await readOnlyApi.GetAsync("/api/v1/users/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await PatchAsync(readOnlyApi, "/api/v1/users/me", new { name = "x" })).StatusCode);
    }

    [Fact]
    public async Task GetUser_AnotherCustomer_Returns404LikeAMissingUser()
    {
        var alice = await NewCustomerAsync(fixture, "Alice");
        var bob = await NewCustomerAsync(fixture, "Bob");
        var api = Api(fixture, alice.Token);
        var other = await api.GetAsync($"/api/v1/users/{bob.Id}");
        var missing = await api.GetAsync("/api/v1/users/usr_0000000000000000000000000000000a");
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("USER_NOT_FOUND", await ErrorCodeAsync(other));
        Assert.Equal(await ErrorCodeAsync(missing), await ErrorCodeAsync(other));
        Assert.DoesNotContain("Bob", await other.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ChangeUser_AnotherCustomer_Returns404AndChangesNothing()
    {
        var alice = await NewCustomerAsync(fixture, "Alice");
        var bob = await NewCustomerAsync(fixture, "Bob");
        var api = Api(fixture, alice.Token);
        var patch = await PatchAsync(api, $"/api/v1/users/{bob.Id}", new { name = "Pwned", email = NewEmail() });
        Assert.Equal(HttpStatusCode.NotFound, patch.StatusCode);
        Assert.Equal("USER_NOT_FOUND", await ErrorCodeAsync(patch));
        var put = await SendAsync(api, HttpMethod.Put, $"/api/v1/users/{bob.Id}", new { name = "Pwned", email = NewEmail() });
        Assert.Equal(HttpStatusCode.NotFound, put.StatusCode);

        var bobView = (await BodyAsync(await Api(fixture, bob.Token).GetAsync("/api/v1/users/me")))["data"]!;
        Assert.Equal("Bob", (string?)bobView["name"]);
        Assert.Equal(bob.Email, (string?)bobView["email"]);
    }

    [Fact]
    public async Task ListUsers_AsCustomer_Returns403()
    {
        var me = await NewCustomerAsync(fixture);
        var response = await Api(fixture, me.Token).GetAsync("/api/v1/users");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("FORBIDDEN", await ErrorCodeAsync(response));
    }

    [Fact]
    public async Task ListUsers_AsAdmin_FiltersByStatusRoleAndText_AndPagesWithCursor()
    {
        var tag = "Pager" + Guid.NewGuid().ToString("N")[..8];
        var created = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var response = await RegisterAsync(fixture, new { name = $"{tag} {i}", email = NewEmail(), password = Password });
            created.Add((string)(await BodyAsync(response))["data"]!["id"]!);
        }

        var admin = Api(fixture, await AdminTokenAsync(fixture));
        var first = await BodyAsync(await admin.GetAsync($"/api/v1/users?q={tag.ToLowerInvariant()}&per_page=2"));
        Assert.Equal(2, first["data"]!.AsArray().Count);
        Assert.Equal(3, (long)first["pagination"]!["total"]!);
        Assert.Equal(2, (int)first["pagination"]!["total_pages"]!);
        var cursor = (string)first["pagination"]!["next_cursor"]!;
        var second = await BodyAsync(await admin.GetAsync($"/api/v1/users?q={tag}&per_page=2&cursor={Uri.EscapeDataString(cursor)}"));
        Assert.Single(second["data"]!.AsArray());
        Assert.Null((string?)second["pagination"]!["next_cursor"]);
        var seen = first["data"]!.AsArray().Concat(second["data"]!.AsArray()).Select(u => (string)u!["id"]!).ToList();
        Assert.Equal(created.Order(), seen.Order());
        Assert.Equal(created.AsEnumerable().Reverse(), seen); // newest first by default

        var suspend = await PatchAsync(admin, $"/api/v1/users/{created[1]}", new { status = "suspended" });
        Assert.Equal(HttpStatusCode.OK, suspend.StatusCode);
        var suspended = await BodyAsync(await admin.GetAsync($"/api/v1/users?status=suspended&q={tag}"));
        Assert.Equal([created[1]], suspended["data"]!.AsArray().Select(u => (string)u!["id"]!));
        var active = await BodyAsync(await admin.GetAsync($"/api/v1/users?status=active&q={tag}"));
        Assert.Equal(2, active["data"]!.AsArray().Count);

        var admins = await BodyAsync(await admin.GetAsync("/api/v1/users?status=active&role=admin&per_page=100"));
        var adminItems = admins["data"]!.AsArray();
        Assert.Contains(adminItems, u => (string?)u!["email"] == DemoSeeder.AdminEmail);
        Assert.All(adminItems, u => Assert.Contains("admin", u!["roles"]!.AsArray().Select(r => (string)r!)));
        Assert.DoesNotContain(adminItems, u => (string?)u!["email"] == DemoSeeder.CustomerEmail);

        // The declared limits are checked before the handler reads anything; the cursor's meaning after them.
        var bad = await admin.GetAsync("/api/v1/users?role=root&status=gone&cursor=garbage");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        Assert.Equal(["status", "role"], await ErrorFieldsAsync(bad));
        var badCursor = await admin.GetAsync("/api/v1/users?cursor=garbage");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badCursor.StatusCode);
        Assert.Equal(["cursor"], await ErrorFieldsAsync(badCursor));
    }

    [Fact]
    public async Task PatchUser_AdminGrantsRole_TakesEffectAtOnce()
    {
        var bob = await NewCustomerAsync(fixture, "Bob");
        var bobApi = Api(fixture, bob.Token);
        Assert.Equal(HttpStatusCode.Forbidden, (await bobApi.GetAsync("/api/v1/users")).StatusCode);

        var admin = Api(fixture, await AdminTokenAsync(fixture));
        var response = await PatchAsync(admin, $"/api/v1/users/{bob.Id}", new { roles = new[] { "customer", "admin" }, name = "Bob Admin" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var data = (await BodyAsync(response))["data"]!;
        Assert.Equal(["admin", "customer"], data["roles"]!.AsArray().Select(r => (string)r!));
        Assert.Equal("Bob Admin", (string?)data["name"]);

        // Roles are read from the database on each request, so Bob's existing token now carries admin rights.
        Assert.Equal(HttpStatusCode.OK, (await bobApi.GetAsync("/api/v1/users")).StatusCode);

        var revoke = await PatchAsync(admin, $"/api/v1/users/{bob.Id}", new { roles = new[] { "customer" } });
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bobApi.GetAsync("/api/v1/users")).StatusCode);

        var unknown = await PatchAsync(admin, $"/api/v1/users/{bob.Id}", new { roles = new[] { "root" } });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown.StatusCode);
    }

    [Fact]
    public async Task PatchUser_CustomerChangesOwnRolesOrStatus_Returns403FieldForbidden()
    {
        var me = await NewCustomerAsync(fixture);
        var api = Api(fixture, me.Token);
        var roles = await PatchAsync(api, "/api/v1/users/me", new { roles = new[] { "admin", "customer" } });
        Assert.Equal(HttpStatusCode.Forbidden, roles.StatusCode);
        Assert.Equal("FIELD_FORBIDDEN", await ErrorCodeAsync(roles));
        Assert.Equal(["roles"], await ErrorFieldsAsync(roles));
        var status = await PatchAsync(api, $"/api/v1/users/{me.Id}", new { status = "suspended" });
        Assert.Equal(HttpStatusCode.Forbidden, status.StatusCode);
        Assert.Equal(["status"], await ErrorFieldsAsync(status));

        // Sending the current values back (a read-modify-write round trip) is fine.
        var same = await PatchAsync(api, "/api/v1/users/me", new { roles = new[] { "customer" }, status = "active", name = "Round Trip" });
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        var data = (await BodyAsync(await api.GetAsync("/api/v1/users/me")))["data"]!;
        Assert.Equal(["customer"], data["roles"]!.AsArray().Select(r => (string)r!));
    }

    [Fact]
    public async Task PatchUser_AdminCannotLockThemselvesOut()
    {
        var admin = Api(fixture, await AdminTokenAsync(fixture));
        var demote = await PatchAsync(admin, "/api/v1/users/me", new { roles = new[] { "customer" } });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, demote.StatusCode);
        Assert.Equal(["roles"], await ErrorFieldsAsync(demote));
        var suspend = await PatchAsync(admin, "/api/v1/users/me", new { status = "suspended" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, suspend.StatusCode);
    }

    [Fact]
    public async Task PatchUser_Self_ChangesProfile_AndRejectsBadFields()
    {
        var me = await NewCustomerAsync(fixture);
        var api = Api(fixture, me.Token);
        var before = await api.GetAsync("/api/v1/users/me");
        var newEmail = NewEmail("moved");
        var response = await PatchAsync(api, "/api/v1/users/me", new { name = "Renamed", email = newEmail, locale = "en-GB", marketing_opt_in = true });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual(before.Headers.ETag!.Tag, response.Headers.ETag!.Tag);
        var data = (await BodyAsync(response))["data"]!;
        Assert.Equal("Renamed", (string?)data["name"]);
        Assert.Equal(newEmail, (string?)data["email"]);
        Assert.Equal("en-GB", (string?)data["locale"]);
        Assert.True((bool)data["marketing_opt_in"]!);

        var cleared = await PatchAsync(api, "/api/v1/users/me", new { locale = (string?)null });
        Assert.Null((string?)(await BodyAsync(cleared))["data"]!["locale"]);

        var taken = await PatchAsync(api, "/api/v1/users/me", new { email = DemoSeeder.CustomerEmail.ToUpperInvariant() });
        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        Assert.Equal("EMAIL_TAKEN", await ErrorCodeAsync(taken));

        var invalid = await PatchAsync(api, "/api/v1/users/me", new { name = "", email = "nope", id = "usr_other", shoe_size = 44 });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid.StatusCode);
        Assert.Equal(["id", "shoe_size"], await ErrorFieldsAsync(invalid));
        invalid = await PatchAsync(api, "/api/v1/users/me", new { name = "", email = "nope" });
        Assert.Equal(["name", "email"], await ErrorFieldsAsync(invalid));
        invalid = await PatchAsync(api, "/api/v1/users/me", new { marketing_opt_in = "yes" });
        Assert.Equal(["marketing_opt_in"], await ErrorFieldsAsync(invalid));
    }

    [Fact]
    public async Task PutUser_ReplacesEditableFields()
    {
        var me = await NewCustomerAsync(fixture);
        var api = Api(fixture, me.Token);
        var email = NewEmail("put");
        var response = await SendAsync(api, HttpMethod.Put, $"/api/v1/users/{me.Id}", new { name = "Put Name", email, locale = "ja" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var data = (await BodyAsync(response))["data"]!;
        Assert.Equal("Put Name", (string?)data["name"]);
        Assert.Equal(email, (string?)data["email"]);
        Assert.Equal(["customer"], data["roles"]!.AsArray().Select(r => (string)r!));
        var missing = await SendAsync(api, HttpMethod.Put, $"/api/v1/users/{me.Id}", new { locale = "ja" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, missing.StatusCode);
        Assert.Equal(["name", "email"], await ErrorFieldsAsync(missing));
    }

    [Fact]
    public async Task PatchUser_StaleIfMatch_Returns412()
    {
        var me = await NewCustomerAsync(fixture);
        var api = Api(fixture, me.Token);
        var etag = (await api.GetAsync("/api/v1/users/me")).Headers.ETag!.Tag;
        var first = await PatchAsync(api, "/api/v1/users/me", new { name = "First" }, etag);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var stale = await PatchAsync(api, "/api/v1/users/me", new { name = "Second" }, etag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal("PRECONDITION_FAILED", await ErrorCodeAsync(stale));
        Assert.Equal("First", (string?)(await BodyAsync(await api.GetAsync("/api/v1/users/me")))["data"]!["name"]);
    }

    [Fact]
    public async Task PatchUser_Password_NeedsTheCurrentOne_AndOnlyTheHolder()
    {
        var me = await NewCustomerAsync(fixture);
        var api = Api(fixture, me.Token);
        const string next = "Another-Horse-99";
        var missing = await PatchAsync(api, "/api/v1/users/me", new { password = next });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, missing.StatusCode);
        Assert.Equal(["current_password"], await ErrorFieldsAsync(missing));
        var wrong = await PatchAsync(api, "/api/v1/users/me", new { password = next, current_password = "Wrong-Password-1" });
        Assert.Equal(["current_password"], await ErrorFieldsAsync(wrong));
        var weak = await PatchAsync(api, "/api/v1/users/me", new { password = "short", current_password = me.Password });
        Assert.Equal(["password"], await ErrorFieldsAsync(weak));

        var admin = Api(fixture, await AdminTokenAsync(fixture));
        var byAdmin = await PatchAsync(admin, $"/api/v1/users/{me.Id}", new { password = next, current_password = me.Password });
        Assert.Equal(HttpStatusCode.Forbidden, byAdmin.StatusCode);
        Assert.Equal(["password"], await ErrorFieldsAsync(byAdmin));

        var ok = await PatchAsync(api, "/api/v1/users/me", new { password = next, current_password = me.Password });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.DoesNotContain("password", await ok.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        var token = await SignInAsync(fixture, me.Email, next);
        Assert.Equal(HttpStatusCode.OK, (await Api(fixture, token).GetAsync("/api/v1/users/me")).StatusCode);
    }

    [Fact]
    public async Task SuspendedUser_IsRefusedWithTheTokenTheyHold()
    {
        var me = await NewCustomerAsync(fixture);
        var admin = Api(fixture, await AdminTokenAsync(fixture));
        Assert.Equal(HttpStatusCode.OK, (await PatchAsync(admin, $"/api/v1/users/{me.Id}", new { status = "suspended" })).StatusCode);
        var response = await Api(fixture, me.Token).GetAsync("/api/v1/users/me");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("ACCOUNT_SUSPENDED", await ErrorCodeAsync(response));
    }

    [Fact]
    public async Task ServiceToken_ReadsAnyUser_ButCannotChangeOne()
    {
        var bob = await NewCustomerAsync(fixture, "Bob");
        Assert.Equal(HttpStatusCode.Created, (await Api(fixture, bob.Token).PostAsJsonAsync("/api/v1/users/me/addresses", Address())).StatusCode);
        var service = Api(fixture, await ServiceTokenAsync(fixture));
        Assert.Equal(HttpStatusCode.OK, (await service.GetAsync($"/api/v1/users/{bob.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await service.GetAsync("/api/v1/users?per_page=1")).StatusCode);
        var addresses = await BodyAsync(await service.GetAsync($"/api/v1/users/{bob.Id}/addresses"));
        Assert.Single(addresses["data"]!.AsArray());
        var patch = await PatchAsync(service, $"/api/v1/users/{bob.Id}", new { name = "Service Edit" });
        Assert.Equal(HttpStatusCode.Forbidden, patch.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await service.GetAsync("/api/v1/users/me")).StatusCode);
    }

    [Fact]
    public async Task Addresses_Crud()
    {
        var me = await NewCustomerAsync(fixture);
        var api = Api(fixture, me.Token);
        var created = await api.PostAsJsonAsync($"/api/v1/users/{me.Id}/addresses", Address("Home"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var home = (await BodyAsync(created))["data"]!;
        var homeId = (string)home["id"]!;
        Assert.StartsWith("adr_", homeId);
        Assert.Equal($"/api/v1/users/{me.Id}/addresses/{homeId}", created.Headers.Location!.OriginalString);
        Assert.True((bool)home["is_default"]!); // the first address is the default
        Assert.Equal("KR", (string?)home["country"]);
        Assert.Equal(me.Id, (string?)home["user_id"]);

        var office = (await BodyAsync(await api.PostAsJsonAsync("/api/v1/users/me/addresses", Address("Office"))))["data"]!;
        var officeId = (string)office["id"]!;
        Assert.False((bool)office["is_default"]!);

        var get = await api.GetAsync($"/api/v1/users/{me.Id}/addresses/{officeId}");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var etag = get.Headers.ETag!.Tag;

        var put = await SendAsync(api, HttpMethod.Put, $"/api/v1/users/{me.Id}/addresses/{officeId}", new
        {
            label = "Office", recipient = "Kim Minsu", line1 = "1 Main St", city = "Berlin", postal_code = "10115", country = "de",
        }, etag);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var putData = (await BodyAsync(put))["data"]!;
        Assert.Equal("DE", (string?)putData["country"]);
        Assert.Equal("", (string?)putData["line2"]);

        var patch = await PatchAsync(api, $"/api/v1/users/{me.Id}/addresses/{officeId}", new { is_default = true, phone = "+49 30 1234567" });
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        var list = (await BodyAsync(await api.GetAsync($"/api/v1/users/{me.Id}/addresses")))["data"]!.AsArray();
        Assert.Equal([officeId, homeId], list.Select(a => (string)a!["id"]!));
        Assert.Equal([true, false], list.Select(a => (bool)a!["is_default"]!));

        var delete = await api.DeleteAsync($"/api/v1/users/{me.Id}/addresses/{officeId}");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        var gone = await api.GetAsync($"/api/v1/users/{me.Id}/addresses/{officeId}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("ADDRESS_NOT_FOUND", await ErrorCodeAsync(gone));
        list = (await BodyAsync(await api.GetAsync($"/api/v1/users/{me.Id}/addresses")))["data"]!.AsArray();
        Assert.Equal([homeId], list.Select(a => (string)a!["id"]!));
        Assert.True((bool)list[0]!["is_default"]!); // the default passed back to the remaining address
    }

    [Fact]
    public async Task Addresses_InvalidFields_Return422WithDetails()
    {
        var me = await NewCustomerAsync(fixture);
        var api = Api(fixture, me.Token);
        var response = await api.PostAsJsonAsync("/api/v1/users/me/addresses", new { recipient = "", line1 = "x", city = "Seoul", country = "XX", phone = "call me" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(["recipient", "country", "phone"], await ErrorFieldsAsync(response));
        var created = (await BodyAsync(await api.PostAsJsonAsync("/api/v1/users/me/addresses", Address())))["data"]!;
        var patch = await PatchAsync(api, $"/api/v1/users/me/addresses/{(string)created["id"]!}", new { user_id = "usr_other", country = (string?)null });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, patch.StatusCode);
        Assert.Equal(["user_id"], await ErrorFieldsAsync(patch));
    }

    [Fact]
    public async Task Addresses_AnotherCustomers_AreInvisibleAndUntouchable()
    {
        var alice = await NewCustomerAsync(fixture, "Alice");
        var bob = await NewCustomerAsync(fixture, "Bob");
        var bobApi = Api(fixture, bob.Token);
        var bobAddress = (await BodyAsync(await bobApi.PostAsJsonAsync("/api/v1/users/me/addresses", Address("Bob's home"))))["data"]!;
        var bobAddressId = (string)bobAddress["id"]!;
        var aliceApi = Api(fixture, alice.Token);

        var attempts = new List<HttpResponseMessage>
        {
            await aliceApi.GetAsync($"/api/v1/users/{bob.Id}/addresses"),
            await aliceApi.GetAsync($"/api/v1/users/{bob.Id}/addresses/{bobAddressId}"),
            await aliceApi.PostAsJsonAsync($"/api/v1/users/{bob.Id}/addresses", Address("Planted")),
            await SendAsync(aliceApi, HttpMethod.Put, $"/api/v1/users/{bob.Id}/addresses/{bobAddressId}", Address("Hijacked")),
            await PatchAsync(aliceApi, $"/api/v1/users/{bob.Id}/addresses/{bobAddressId}", new { line1 = "Hijacked" }),
            await aliceApi.DeleteAsync($"/api/v1/users/{bob.Id}/addresses/{bobAddressId}"),
        };
        foreach (var attempt in attempts)
        {
            Assert.Equal(HttpStatusCode.NotFound, attempt.StatusCode);
            Assert.Equal("USER_NOT_FOUND", await ErrorCodeAsync(attempt));
        }

        // Bob's address id under Alice's own path is simply not there.
        var underOwn = new List<HttpResponseMessage>
        {
            await aliceApi.GetAsync($"/api/v1/users/{alice.Id}/addresses/{bobAddressId}"),
            await PatchAsync(aliceApi, $"/api/v1/users/me/addresses/{bobAddressId}", new { line1 = "Hijacked" }),
            await SendAsync(aliceApi, HttpMethod.Put, $"/api/v1/users/me/addresses/{bobAddressId}", Address("Hijacked")),
            await aliceApi.DeleteAsync($"/api/v1/users/me/addresses/{bobAddressId}"),
        };
        foreach (var attempt in underOwn)
        {
            Assert.Equal(HttpStatusCode.NotFound, attempt.StatusCode);
            Assert.Equal("ADDRESS_NOT_FOUND", await ErrorCodeAsync(attempt));
        }

        var bobList = (await BodyAsync(await bobApi.GetAsync("/api/v1/users/me/addresses")))["data"]!.AsArray();
        Assert.Single(bobList);
        Assert.Equal("12 Teheran-ro", (string?)bobList[0]!["line1"]);
        Assert.Equal("Bob's home", (string?)bobList[0]!["label"]);
        Assert.Empty((await BodyAsync(await aliceApi.GetAsync("/api/v1/users/me/addresses")))["data"]!.AsArray());
    }

    [Fact]
    public async Task Addresses_AdminActsOnAnyone()
    {
        var bob = await NewCustomerAsync(fixture, "Bob");
        var admin = Api(fixture, await AdminTokenAsync(fixture));
        var created = await admin.PostAsJsonAsync($"/api/v1/users/{bob.Id}/addresses", Address("Set by support"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (string)(await BodyAsync(created))["data"]!["id"]!;
        Assert.Equal(HttpStatusCode.OK, (await PatchAsync(admin, $"/api/v1/users/{bob.Id}/addresses/{id}", new { label = "Fixed" })).StatusCode);
        var bobList = (await BodyAsync(await Api(fixture, bob.Token).GetAsync("/api/v1/users/me/addresses")))["data"]!.AsArray();
        Assert.Equal("Fixed", (string?)bobList.Single()!["label"]);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/users/{bob.Id}/addresses/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/v1/users/usr_0000000000000000000000000000000a/addresses")).StatusCode);
    }

    [Fact]
    public async Task Addresses_StaleIfMatch_Returns412()
    {
        var me = await NewCustomerAsync(fixture);
        var api = Api(fixture, me.Token);
        var created = await api.PostAsJsonAsync("/api/v1/users/me/addresses", Address());
        var id = (string)(await BodyAsync(created))["data"]!["id"]!;
        var etag = created.Headers.ETag!.Tag;
        Assert.Equal(HttpStatusCode.OK, (await PatchAsync(api, $"/api/v1/users/me/addresses/{id}", new { label = "New" }, etag)).StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await PatchAsync(api, $"/api/v1/users/me/addresses/{id}", new { label = "Newer" }, etag)).StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await SendAsync(api, HttpMethod.Put, $"/api/v1/users/me/addresses/{id}", Address(), etag)).StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await SendAsync(api, HttpMethod.Delete, $"/api/v1/users/me/addresses/{id}", ifMatch: etag)).StatusCode);
    }
}

public sealed class EmbeddedUsersApiTests(EmbeddedIdentityFixture fixture)
    : UsersApiBehaviour(fixture), IClassFixture<EmbeddedIdentityFixture>;

public sealed class DistributedUsersApiTests(DistributedIdentityFixture fixture)
    : UsersApiBehaviour(fixture), IClassFixture<DistributedIdentityFixture>;
