using System.Resources;

[assembly: NeutralResourcesLanguage("zh-CN")]

namespace InfoPortal;

/// <summary>
/// Marker for the one resource set of the UI and API texts: Resources/SharedResource.resx holds
/// zh-CN (the default), Resources/SharedResource.en.resx holds en-US.
/// </summary>
public sealed class SharedResource
{
}
