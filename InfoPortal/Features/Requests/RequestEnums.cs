namespace InfoPortal.Features.Requests;

public enum RequestStatus
{
    Draft = 1,
    InReview = 2,
    Returned = 3,
    Approved = 4,
    Scheduled = 5,
    Published = 6,
    TakenDown = 7,
    Withdrawn = 8,
}

/// <summary>文字 / 图片 / 视频 / 附件.</summary>
public enum ContentKind
{
    Text = 1,
    Image = 2,
    Video = 3,
    Attachment = 4,
}

/// <summary>一般 / 重要 / 重大: decides how far up the chain an item goes.</summary>
public enum Importance
{
    Normal = 1,
    Important = 2,
    Major = 3,
}

public enum DecisionOutcome
{
    Approve = 1,
    Return = 2,
}
