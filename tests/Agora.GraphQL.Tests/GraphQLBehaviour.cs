using System.Net;
using System.Text.Json.Nodes;
using Agora.GraphQL.Tests.Infrastructure;
using static Agora.GraphQL.Tests.Infrastructure.GraphQLAssert;

namespace Agora.GraphQL.Tests;

/// <summary>The BFF over the real Identity, Catalog and Ordering, once per mode.</summary>
public abstract class GraphQLBehaviour(ShopFixture shop)
{
    private GraphQLHost Host => shop.GraphQL;

    private const string UsersWithOrders = """
        query Page($limit: Int) {
          users(page: 1, limit: $limit) {
            id name email
            orders { id total status totalMoney { amount currency } items { quantity unitPrice { amount } product { id name available category { name } } } }
          }
        }
        """;

    [Fact]
    public async Task Users_TwentyWithOrdersItemsAndProducts_CostsOneCallPerBackendNotOnePerUser()
    {
        // Once to warm the services up (their first run of each query compiles it, which on a busy machine can outlast
        // the 2 s attempt timeout and show up as a retry), then counted.
        await Host.QueryAsync(UsersWithOrders, new { limit = 20 }, shop.AdminToken);
        Host.Calls.Clear();
        var data = Data(await Host.QueryAsync(UsersWithOrders, new { limit = 20 }, shop.AdminToken));
        var calls = Host.Calls.All;

        var users = data["users"]!.AsArray();
        Assert.Equal(20, users.Count);
        var mine = shop.Customers.ToDictionary(c => c.Id);
        var checkedCustomers = 0;
        foreach (var user in users)
        {
            var orders = user!["orders"]!.AsArray();
            if (mine.TryGetValue((string)user["id"]!, out var customer))
            {
                checkedCustomers++;
                Assert.Equal(customer.OrderIds.OrderBy(i => i), orders.Select(o => (string)o!["id"]!).OrderBy(i => i));
                foreach (var order in orders)
                {
                    Assert.Equal("PENDING", (string?)order!["status"]);
                    Assert.Equal("KRW", (string?)order["totalMoney"]!["currency"]);
                    Assert.Equal(decimal.Parse((string)order["totalMoney"]!["amount"]!), (decimal)(double)order["total"]!);
                    Assert.All(order["items"]!.AsArray(), item =>
                    {
                        Assert.Contains(shop.Products, p => p.Id == (string?)item!["product"]!["id"] && p.Name == (string?)item["product"]!["name"]);
                        Assert.False(string.IsNullOrEmpty((string?)item!["product"]!["category"]!["name"]));
                    });
                }
            }
        }

        Assert.True(checkedCustomers >= 10, $"only {checkedCustomers} of the fixture's customers on the first page");

        // One page of users, one batch of orders, one batch of products (+ stock), one category list: 4 calls, not 1 + 20 + 40 + 60.
        Assert.True(calls.Count <= 4, string.Join("\n", calls));
        Assert.Equal(1, Host.Calls.Count("identity"));
        Assert.Equal(1, Host.Calls.Count("ordering"));
        Assert.Equal(1, Host.Calls.Count("catalog-grpc"));
        Assert.Equal(1, Host.Calls.Count("catalog"));
    }

    [Fact]
    public async Task User_Customer_SeesOwnOrdersOnly_AndAnotherUserIsNull()
    {
        var (me, other) = (shop.Customers[0], shop.Customers[1]);
        Host.Calls.Clear();
        var data = Data(await Host.QueryAsync($$"""
            {
              me: user(id: "me") { id orders { id items { product { name } } } }
              other: user(id: "{{other.Id}}") { id }
              theirs: order(id: "{{other.OrderIds[0]}}") { id }
              mine: order(id: "{{me.OrderIds[0]}}") { id customerId }
            }
            """, token: me.Token));
        Assert.Equal(me.Id, (string?)data["me"]!["id"]);
        Assert.Equal(me.OrderIds.OrderBy(i => i), data["me"]!["orders"]!.AsArray().Select(o => (string)o!["id"]!).OrderBy(i => i));
        Assert.Null(data["other"]);
        Assert.Null(data["theirs"]);
        Assert.Equal(me.Id, (string?)data["mine"]!["customerId"]);
    }

    [Fact]
    public async Task Users_AsCustomer_IsForbidden_WithRequestId()
    {
        var response = await Host.PostAsync("{ users { id } }", token: shop.Customers[0].Token, requestId: "req-gql-forbidden-1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.BodyAsync();
        var error = ErrorAt(body, "users");
        Assert.Equal("FORBIDDEN", (string?)error["extensions"]!["code"]);
        Assert.Equal("identity", (string?)error["extensions"]!["service"]);
        Assert.Equal("req-gql-forbidden-1", (string?)error["extensions"]!["request_id"]);
        Assert.Equal("req-gql-forbidden-1", response.Headers.GetValues("X-Request-ID").Single());
    }

    [Fact]
    public async Task Anonymous_ProtectedFieldFails_RestOfResultReturned()
    {
        var response = await Host.PostAsync("""{ categories { id name } me: user(id: "me") { id } products(limit: 2) { items { id } } }""");
        var body = await response.BodyAsync();
        Assert.NotEmpty(body["data"]!["categories"]!.AsArray());
        Assert.Equal(2, body["data"]!["products"]!["items"]!.AsArray().Count);
        Assert.Null(body["data"]!["me"]);
        var error = ErrorAt(body, "me");
        Assert.Equal("UNAUTHENTICATED", (string?)error["extensions"]!["code"]);
        Assert.Equal(response.Headers.GetValues("X-Request-ID").Single(), (string?)error["extensions"]!["request_id"]);
    }

    [Fact]
    public async Task Orders_TokenWithoutOrderScope_ForbiddenForThatField()
    {
        // A customer token that may read the account but not orders: the orders field fails on its own (and, being
        // non-null as in the guide §2.3, takes its user with it); the other fields are answered.
        var token = await shop.SignInAsync(shop.Customers[4].Email, ShopFixture.Password, "openid read:users");
        var body = await Host.QueryAsync("""{ categories { id } me: user(id: "me") { id orders { id } } }""", token: token);
        Assert.NotEmpty(body["data"]!["categories"]!.AsArray());
        Assert.Null(body["data"]!["me"]);
        var error = ErrorAt(body, "me");
        Assert.Equal("FORBIDDEN", (string?)error["extensions"]!["code"]);
        Assert.Equal("ordering", (string?)error["extensions"]!["service"]);
    }

    [Fact]
    public async Task Search_ServiceDown_ServiceUnavailable_RestStillAnswered()
    {
        var body = await Host.QueryAsync("""{ categories { id } search(q: "kettle") { total items { product { name } } } }""");
        Assert.NotEmpty(body["data"]!["categories"]!.AsArray());
        Assert.Null(body["data"]!["search"]);
        var error = ErrorAt(body, "search");
        Assert.Equal("SERVICE_UNAVAILABLE", (string?)error["extensions"]!["code"]);
        Assert.Equal("search", (string?)error["extensions"]!["service"]);
    }

    [Fact]
    public async Task Product_ByIdAndInList_BatchedIntoOneCatalogCall()
    {
        Host.Calls.Clear();
        var data = Data(await Host.QueryAsync($$"""
            {
              a: product(id: "{{shop.Products[0].Id}}") { name available price { amount currency } }
              b: product(id: "{{shop.Products[1].Id}}") { name }
              missing: product(id: "prd_doesnotexist") { name }
              products(limit: 3, sort: "name") { total items { id available } }
            }
            """));
        Assert.Equal(shop.Products[0].Name, (string?)data["a"]!["name"]);
        Assert.Null(data["missing"]);
        Assert.Equal(3, data["products"]!["items"]!.AsArray().Count);
        Assert.True((int)data["products"]!["total"]! > 1000);
        Assert.Equal(1, Host.Calls.Count("catalog-grpc"));
        Assert.Equal(1, Host.Calls.Count("catalog"));
    }

    [Fact]
    public async Task CreateUser_WithPassword_RegistersAnonymously_AndATakenEmailAnswersAlike()
    {
        var email = $"g.{Guid.NewGuid():N}@example.com";
        const string Create = "mutation($input: CreateUserInput!) { createUser(input: $input) { id name email roles } }";
        var data = Data(await Host.QueryAsync(Create, new { input = new { name = "Graph Q", email, password = ShopFixture.Password } }));
        Assert.StartsWith("usr_", (string?)data["createUser"]!["id"]);
        Assert.Equal(email, (string?)data["createUser"]!["email"]);

        // Registration does not tell whether an email has an account: a taken one answers like a free one (nothing is stored).
        var again = Data(await Host.QueryAsync(Create, new { input = new { name = "Graph Q", email, password = ShopFixture.Password } }));
        Assert.StartsWith("usr_", (string?)again["createUser"]!["id"]);
        Assert.NotEqual((string?)data["createUser"]!["id"], (string?)again["createUser"]!["id"]);
    }

    [Fact]
    public async Task CreateUser_Invalid_ValidationErrorWithFieldDetails()
    {
        var body = await Host.QueryAsync("mutation { createUser(input: { name: \"X\", email: \"not-an-email\", password: \"short\" }) { id } }");
        var error = ErrorAt(body, "createUser");
        Assert.Equal("VALIDATION_ERROR", (string?)error["extensions"]!["code"]);
        var fields = error["extensions"]!["details"]!.AsArray().Select(d => (string?)d!["field"]).ToList();
        Assert.Contains("email", fields);
        Assert.Contains("password", fields);
    }

    [Fact]
    public async Task CreateUser_WithoutPassword_NeedsAServiceToken()
    {
        var body = await Host.QueryAsync("mutation { createUser(input: { name: \"No Pass\", email: \"np@example.com\" }) { id } }",
            token: shop.Customers[2].Token);
        var error = ErrorAt(body, "createUser");
        Assert.Equal("FORBIDDEN", (string?)error["extensions"]!["code"]);
        Assert.Equal("identity", (string?)error["extensions"]!["service"]);
    }

    [Fact]
    public async Task UpdateUser_Own_Changes_Another_NotFound()
    {
        var (id, _, token) = await shop.RegisterAsync("Before");
        const string Update = "mutation($id: ID!, $name: String) { updateUser(id: $id, input: { name: $name }) { id name } }";
        var data = Data(await Host.QueryAsync(Update, new { id, name = "After" }, token));
        Assert.Equal("After", (string?)data["updateUser"]!["name"]);

        var other = await Host.QueryAsync(Update, new { id = shop.Customers[3].Id, name = "Hijacked" }, token);
        Assert.Equal("NOT_FOUND", (string?)ErrorAt(other, "updateUser")["extensions"]!["code"]);
        var check = Data(await Host.QueryAsync($$"""{ user(id: "{{shop.Customers[3].Id}}") { name } }""", token: shop.AdminToken));
        Assert.Equal("Customer 03", (string?)check["user"]!["name"]);
    }

    [Fact]
    public async Task TooComplex_RefusedBeforeAnyBackendCall()
    {
        Host.Calls.Clear();
        var body = await Host.QueryAsync(
            "{ users(limit: 100) { orders(limit: 100) { items { product { name category { name } } } } } }", token: shop.AdminToken);
        Assert.Null(body["data"]);
        var error = Errors(body).Single();
        Assert.Contains("complexity", ((string?)error!["message"])!, StringComparison.OrdinalIgnoreCase);
        Assert.False(string.IsNullOrEmpty((string?)error["extensions"]!["code"]));
        Assert.False(string.IsNullOrEmpty((string?)error["extensions"]!["request_id"]));
        Assert.Empty(Host.Calls.All);
    }

    [Fact]
    public async Task Limit_OutOfRange_ValidationError()
    {
        var body = await Host.QueryAsync("{ users(limit: 1000) { id } }", token: shop.AdminToken);
        Assert.Equal("VALIDATION_ERROR", (string?)ErrorAt(body, "users")["extensions"]!["code"]);
    }
}

[CollectionDefinition(nameof(EmbeddedShop))]
public sealed class EmbeddedShop : ICollectionFixture<EmbeddedShopFixture>;

[CollectionDefinition(nameof(DistributedShop))]
public sealed class DistributedShop : ICollectionFixture<DistributedShopFixture>;

[Collection(nameof(EmbeddedShop))]
public sealed class EmbeddedGraphQLBehaviour(EmbeddedShopFixture shop) : GraphQLBehaviour(shop);

[Collection(nameof(DistributedShop))]
public sealed class DistributedGraphQLBehaviour(DistributedShopFixture shop) : GraphQLBehaviour(shop);
