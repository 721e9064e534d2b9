namespace InfoPortal.Features.Interaction;

public sealed record MessageInput(MessageKind? Kind, string? Subject, string? Text, string? Name, string? Contact, bool Consent);

public sealed record MessageReceipt(string Ticket, string Code);

/// <summary>What the sender sees with ticket + code (never more than that).</summary>
public sealed record MessageLookup(string Ticket, MessageKind Kind, string Subject, MessageStatus Status, DateOnly ReceivedOn, DateOnly DueOn,
    string? Department, string? Reply, DateTimeOffset? AnsweredAt);

/// <summary>A message as the public list and detail show it: masked, without sender or contact.</summary>
public sealed record PublicMessage(int Id, string Ticket, MessageKind Kind, string Subject, string Text, DateOnly ReceivedOn, string Department, string Reply, DateTimeOffset AnsweredAt);

public sealed record PublicMessagePage(IReadOnlyList<PublicMessage> Items, int? NextAfter);

public enum MessageQueueKind
{
    /// <summary>Not yet assigned (the Publisher's desk).</summary>
    Incoming,

    /// <summary>Assigned to my department and waiting for us (a draft or a decision).</summary>
    Department,

    /// <summary>Everything this user may see, newest first.</summary>
    All,
}

public sealed record MessageQueueItem(int Id, string Ticket, MessageKind Kind, string Subject, MessageStatus Status, string? Department,
    DateTimeOffset ReceivedAt, DateOnly DueOn, bool Overdue, bool Flagged, bool IsPublic, int Version);

public sealed record InteractionCounts(int Incoming, int Department, int Overdue);

/// <summary>The notification kinds of the interaction column, and where each one leads.</summary>
public static class InteractionNotifications
{
    public const string New = "InteractionNew";
    public const string Assigned = "InteractionAssigned";
    public const string ReplyWaiting = "InteractionReplyWaiting";
    public const string ReplyReturned = "InteractionReplyReturned";
    public const string Answered = "InteractionAnswered";
    public const string Overdue = "InteractionOverdue";

    /// <summary>The back-office page of a message, where every notification about it leads.</summary>
    public static string Href(int id) => $"/office/interaction/{id}";
}
