using Microsoft.Extensions.Configuration.Json;

namespace InfoPortal.Infrastructure;

public static class Startup
{
    /// <summary>
    /// appsettings.json lives at the repository root and is copied next to the binaries. When the
    /// content root (the project folder under <c>dotnet run</c>) has none, read the copies, in the
    /// same place of the source order so environment variables and --args still override them.
    /// </summary>
    public static void AddRepositorySettings(this ConfigurationManager configuration, IWebHostEnvironment environment)
    {
        if (File.Exists(Path.Combine(environment.ContentRootPath, "appsettings.json")))
        {
            return;
        }

        var sources = (IList<IConfigurationSource>)configuration.Sources;
        var index = sources.Select((s, i) => (s, i)).LastOrDefault(p => p.s is JsonConfigurationSource).i;
        var baseDirectory = AppContext.BaseDirectory;
        var files = new[] { "appsettings.json", $"appsettings.{environment.EnvironmentName}.json" };
        foreach (var file in files)
        {
            var source = new JsonConfigurationSource
            {
                Path = file,
                Optional = true,
                ReloadOnChange = false,
                FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(baseDirectory),
            };
            source.ResolveFileProvider();
            sources.Insert(++index, source);
        }

    }
}
