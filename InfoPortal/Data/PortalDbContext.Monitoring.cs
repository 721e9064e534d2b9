using InfoPortal.Features.Monitoring;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Data;

public partial class PortalDbContext
{
    public DbSet<MonitoringRun> MonitoringRuns => Set<MonitoringRun>();

    public DbSet<Alert> Alerts => Set<Alert>();

    public DbSet<Incident> Incidents => Set<Incident>();
}
