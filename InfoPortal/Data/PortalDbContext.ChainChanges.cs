using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Data;

public partial class PortalDbContext
{
    /// <summary>Proposed changes of review chain definitions (ADR 0047).</summary>
    public DbSet<Features.Requests.ChainChange> ChainChanges => Set<Features.Requests.ChainChange>();
}
