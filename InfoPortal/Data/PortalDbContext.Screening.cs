using InfoPortal.Features.Screening;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Data;

public partial class PortalDbContext
{
    public DbSet<WordList> WordLists => Set<WordList>();

    public DbSet<Term> Terms => Set<Term>();

    public DbSet<WordListRevision> WordListRevisions => Set<WordListRevision>();

    public DbSet<ScreeningResult> ScreeningResults => Set<ScreeningResult>();

    public DbSet<AttachmentText> AttachmentTexts => Set<AttachmentText>();
}
