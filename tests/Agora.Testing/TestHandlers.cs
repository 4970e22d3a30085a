using JasperFx.CodeGeneration;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;

namespace Agora.Testing;

/// <summary>
/// A test's own Wolverine handler inside a service under test. The service loads its pre-generated handler code
/// (TypeLoadMode.Static, scripts/codegen.sh); a test handler has none, so a host given one finds the service's handlers
/// pre-generated and compiles only what is missing (TypeLoadMode.Auto, Roslyn from WolverineFx.RuntimeCompilation),
/// writing no source file. The stand-alone test hosts (probes, fake peers) use Wolverine's default, Dynamic.
/// </summary>
public static class TestHandlers
{
    public static IServiceCollection AddTestHandler(this IServiceCollection services, Type handler) =>
        services.ConfigureWolverine(o =>
        {
            o.Discovery.IncludeType(handler);
            o.CodeGeneration.TypeLoadMode = TypeLoadMode.Auto;
            o.CodeGeneration.SourceCodeWritingEnabled = false;
            o.UseRuntimeCompilation();
        });
}
