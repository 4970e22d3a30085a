using Agora.Auth;
using Agora.Hosting;
using Agora.Messaging;
using Agora.Notification;
using Agora.Notification.Features.Deliveries;
using Agora.Notification.Features.Templates;
using Agora.Notification.Infrastructure;
using Agora.ServiceDefaults;
using Agora.Storage;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults("notification");
builder.AddAgoraAuthentication();
var database = builder.AddAgoraDbContext<NotificationDbContext>();
builder.AddAgoraMessaging(database, typeof(Program).Assembly);
builder.AddNotification();

var app = builder.Build();

app.MapNotificationsApi();
app.MapTemplatesApi();
app.MapDefaultEndpoints();

return await app.RunAgoraAsync(args);

/// <summary>Entry point, visible to the functional tests.</summary>
public partial class Program;
