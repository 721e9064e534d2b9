using InfoPortal.Features.Statistics;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Data;

public partial class PortalDbContext
{
    public DbSet<MonthlyStatistics> MonthlyStatistics => Set<MonthlyStatistics>();

    public DbSet<MonthlyStepStatistics> MonthlyStepStatistics => Set<MonthlyStepStatistics>();

    public DbSet<MonthlyStatisticsRun> MonthlyStatisticsRuns => Set<MonthlyStatisticsRun>();

    public DbSet<QuarterlyBulletin> QuarterlyBulletins => Set<QuarterlyBulletin>();

    public DbSet<AnnualAssessment> AnnualAssessments => Set<AnnualAssessment>();

    public DbSet<AssessmentScore> AssessmentScores => Set<AssessmentScore>();

    public DbSet<AssessmentAdjustment> AssessmentAdjustments => Set<AssessmentAdjustment>();
}
