using InfoPortal.Features.Monitoring;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Data;

public partial class PortalDbContext
{
    public DbSet<MonitoringRun> MonitoringRuns => Set<MonitoringRun>();

    public DbSet<Alert> Alerts => Set<Alert>();

    public DbSet<Incident> Incidents => Set<Incident>();

    /// <summary>每日监管记录 (ADR 0049).</summary>
    public DbSet<DutyRecord> DutyRecords => Set<DutyRecord>();
}
