using InfoPortal.Infrastructure.Jobs;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Data;

public partial class PortalDbContext
{
    public DbSet<JobRun> JobRuns => Set<JobRun>();

    public DbSet<JobPeriodRecord> JobPeriods => Set<JobPeriodRecord>();

    public DbSet<JobLease> JobLeases => Set<JobLease>();
}
