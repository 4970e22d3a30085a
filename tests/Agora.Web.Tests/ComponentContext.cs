using Bunit;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Web.Tests;

/// <summary>A bUnit context as the web app gives components theirs: the page language's texts (English here).</summary>
internal static class ComponentContext
{
    public static BunitContext Create()
    {
        var context = new BunitContext();
        context.Services.AddSingleton(Agora.Web.Features.Language.Texts.English);
        return context;
    }
}
