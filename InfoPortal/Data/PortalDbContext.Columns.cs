using InfoPortal.Features.Columns.Governance;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Data;

public partial class PortalDbContext
{
    public DbSet<ColumnChangeRequest> ColumnChangeRequests => Set<ColumnChangeRequest>();

    public DbSet<StaleColumnNotice> StaleColumnNotices => Set<StaleColumnNotice>();
}
