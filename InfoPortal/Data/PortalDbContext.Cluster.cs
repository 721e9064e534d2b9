using InfoPortal.Infrastructure.Cluster;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Data;

public partial class PortalDbContext
{
    public DbSet<ClusterVersion> ClusterVersions => Set<ClusterVersion>();

    /// <summary>Signals bumped in this context's open transaction; dispatched in process when it commits.</summary>
    internal List<ClusterSignalEvent> PendingClusterSignals { get; } = [];
}
