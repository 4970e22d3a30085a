using Agora.Notification;
using Agora.Notification.Features.Deliveries;
using Agora.Notification.Features.Templates;
using Agora.Notification.Infrastructure;
using Agora.ServiceDefaults;
using Agora.ServiceDefaults.Hosting;
using Agora.ServiceDefaults.Auth;
using Agora.ServiceDefaults.Messaging;
using Agora.ServiceDefaults.Storage;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults("notification");
builder.AddAgoraAuthentication();
builder.AddAgoraDbContext<NotificationDbContext>();
builder.AddAgoraMessaging(typeof(Program).Assembly);
builder.AddNotification();

var app = builder.Build();

app.MapNotificationsApi();
app.MapTemplatesApi();
app.MapDefaultEndpoints();

return await app.RunAgoraAsync(args);

/// <summary>Entry point, visible to the functional tests.</summary>
public partial class Program;
