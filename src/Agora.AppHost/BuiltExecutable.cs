using System.Reflection;

namespace Agora.AppHost;

/// <summary>
/// Issue 16, footprint: each service is started as the executable its build wrote
/// (<c>&lt;project&gt;/bin/&lt;configuration&gt;/&lt;tfm&gt;/&lt;assembly&gt;</c>), not through <c>dotnet run --project …</c>, whose
/// SDK process stays alive beside every service for as long as it runs (about 75 MB each, ten of them). The AppHost's
/// build builds every project it references, in its own configuration, so the executable is there and current; the
/// working directory stays the project folder (the content root <c>dotnet run</c> gave). Where the executable is missing
/// (a project built elsewhere, <c>dotnet watch</c>), Aspire's <c>dotnet run</c> is kept.
/// </summary>
internal static class BuiltExecutable
{
    /// <summary>The AppHost's own build configuration (Debug under a plain <c>dotnet run</c>), which its references share.</summary>
    private static readonly string Configuration =
        typeof(BuiltExecutable).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary>The target framework folder, the AppHost's own (every project shares Directory.Build.props').</summary>
    private static readonly string TargetFramework = new DirectoryInfo(AppContext.BaseDirectory).Name;

    public static IResourceBuilder<ProjectResource> Run(IResourceBuilder<ProjectResource> project)
    {
        var projectPath = project.Resource.GetProjectMetadata().ProjectPath;
        var directory = Path.GetDirectoryName(projectPath)!;
        var executable = Path.Combine(directory, "bin", Configuration, TargetFramework,
            Path.GetFileNameWithoutExtension(projectPath) + (OperatingSystem.IsWindows() ? ".exe" : ""));
        if (Environment.GetEnvironmentVariable("DOTNET_WATCH") == "1" || !File.Exists(executable))
        {
            return project;
        }

        return project.WithAnnotation(new ExecutableAnnotation { Command = executable, WorkingDirectory = directory },
            ResourceAnnotationMutationBehavior.Replace);
    }
}
