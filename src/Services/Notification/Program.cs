using Agora.Notification;
using Agora.Notification.Features.Deliveries;
using Agora.Notification.Features.Templates;

var builder = WebApplication.CreateBuilder(args);

builder.AddAgoraService<NotificationDbContext>("notification");
builder.AddAgoraAuthentication();
builder.AddNotification();

var app = builder.Build();

app.MapNotificationsApi();
app.MapTemplatesApi();
app.MapDefaultEndpoints();

return await app.RunAgoraAsync(args);

/// <summary>Entry point, visible to the functional tests.</summary>
public partial class Program;
