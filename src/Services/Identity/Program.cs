using Agora.Identity;
using Agora.Identity.Grpc;

var builder = WebApplication.CreateBuilder(args);

builder.AddAgoraService<IdentityDbContext>("identity");
builder.AddIdentityService();

var app = builder.Build();

app.UseTransportSecurity();
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
