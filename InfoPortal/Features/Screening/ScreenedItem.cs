namespace InfoPortal.Features.Screening;

// Screening sits below the features whose items it checks (ADR 0059): it knows texts and files, not
// requests. What it reads of an item is these three views, which the request's types implement.

/// <summary>The texts of an item that are screened: title, body (HTML, read as text) and source.</summary>
public interface IScreenedContent
{
    string Title { get; }

    string BodyHtml { get; }

    string Source { get; }
}

/// <summary>A stored file of an item: its caption and its text (.docx, .pdf, .txt) are screened.</summary>
public interface IScreenedFile
{
    int Id { get; }

    string FileName { get; }

    string ContentType { get; }

    string Sha256 { get; }

    string? Caption { get; }

    bool IsRemoved { get; }
}

/// <summary>The item a screening result is recorded for, at its content version.</summary>
public interface IScreenedItem
{
    int Id { get; }

    int ContentVersion { get; }
}
