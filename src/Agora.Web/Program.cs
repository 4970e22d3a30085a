using Agora.ServiceDefaults;
using Agora.Web.Components;
using Agora.Web.Features.Cart;
using Agora.Web.Features.Console;
using Agora.Web.Features.Hosting;
using Agora.Web.Features.Language;
using Agora.Web.Features.Shop;
using Agora.Web.Features.SignIn;
using Agora.Web.Features.Storage;

var builder = WebApplication.CreateBuilder(args);
// Browsers call it, never a peer: under mutual TLS it presents its certificate as a client only (like the gateway).
builder.Configuration["Agora:Tls:Endpoints"] ??= Agora.Hosting.AgoraTlsOptions.NoEndpoints;
builder.AddServiceDefaults("web");
builder.AddProxyHeaders();
builder.AddStorefrontStorage();
builder.AddShopClient();
builder.AddStorefrontSignIn();
builder.AddStaffClient();
builder.Services.AddStorefrontCart();
builder.Services.AddStorefrontLanguage();
builder.AddCatalogueClient();
builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddCascadingAuthenticationState();

var app = builder.Build();
app.UseProxyHeaders();
app.MapDefaultEndpoints();
app.UseAntiforgery();
app.MapStaticAssets();
app.MapSignInEndpoints();
app.MapCartEndpoints();
app.MapDeadLetterActions();
app.MapApiKeyActions();
app.MapSigningKeyActions();
app.MapLanguageEndpoints();
app.MapCatalogueActions();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
await app.RunAsync();

/// <summary>Entry point, visible to the tests.</summary>
public partial class Program;
