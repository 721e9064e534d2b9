namespace InfoPortal.Features.Requests;

/// <summary>Where a published item is read: the public site serves this route, everyone else links to it.</summary>
public static class PublicLinks
{
    public static string Article(int requestId) => $"/articles/{requestId}";
}
