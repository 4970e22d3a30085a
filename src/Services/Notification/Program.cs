using Agora.Notification;
using Agora.Notification.Features.Deliveries;
using Agora.Notification.Features.Templates;

return await AgoraServiceHost.RunAsync<NotificationDbContext>(args, "notification", builder => builder.AddNotification(), app =>
{
    app.MapNotificationsApi();
    app.MapTemplatesApi();
});

/// <summary>Entry point, visible to the functional tests.</summary>
public partial class Program;
