using InfoPortal;
using InfoPortal.Commands;

// The composition root is PortalApp (every feature registers and maps itself there); the operator's
// commands are PortalCommands; the benches are InfoPortal.Benchmarks (ADR 0057).
if (await PortalCommands.TryRunAsync(args) is { } exitCode)
{
    return exitCode;
}

var app = PortalApp.Build(args);
await app.InitializeAsync(seedDemo: true);
app.MapPortal();
await app.RunAsync();
return 0;

/// <summary>Entry point; public so the tests' WebApplicationFactory can start the app.</summary>
public partial class Program;
