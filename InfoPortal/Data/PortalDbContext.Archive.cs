using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Data;

public partial class PortalDbContext
{
    public DbSet<Features.Archive.ArchiveRecord> ArchiveRecords => Set<Features.Archive.ArchiveRecord>();
}
