using Agora.Hosting;
using Agora.Identity;
using Agora.Identity.Features.Account;
using Agora.Identity.Features.ApiKeys;
using Agora.Identity.Features.Clients;
using Agora.Identity.Features.Connect;
using Agora.Identity.Features.Keys;
using Agora.Identity.Features.Users;
using Agora.Identity.Grpc;
using Agora.Identity.Infrastructure;
using Agora.Messaging;
using Agora.ServiceDefaults;
using Agora.Storage;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults("identity");
var database = builder.AddAgoraDbContext<IdentityDbContext>();
builder.AddAgoraMessaging(database, typeof(Program).Assembly);
builder.AddIdentityService();

var app = builder.Build();

app.UseAuthentication();
app.UseAuthorization();
app.MapAccountEndpoints();
app.MapConnectEndpoints();
app.MapKeysApi();
app.MapClientsApi();
app.MapApiKeysApi();
app.MapUsersApi();
app.MapGrpcService<UserGrpcService>().RequireAuthorization(UsersAuthorization.ServicePolicy);
app.MapDefaultEndpoints();

if (args is ["rotate-keys", ..])
{
    // dotnet Agora.Identity.dll rotate-keys: the same rotation as the admin endpoint, from a shell or a cron job.
    var id = await app.Services.GetRequiredService<KeyRing>().RotateAsync(CancellationToken.None);
    Console.WriteLine($"Rotated: {id} signs from now on.");
    return 0;
}

return await app.RunAgoraAsync(args);

/// <summary>Entry point, visible to the functional tests.</summary>
public partial class Program;
