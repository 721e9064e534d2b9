using InfoPortal.Infrastructure.Jobs;
using InfoPortal.Features.Columns.Governance;

namespace InfoPortal.Features.Columns;

public static class ColumnsModule
{
    public static IServiceCollection AddColumns(this IServiceCollection services)
    {
        services.AddOptions<ColumnOptions>().BindConfiguration("Columns");
        services.AddScoped<ColumnService>();
        services.AddScoped<ColumnChangeService>();
        services.AddScoped<StaleColumnReport>();
        services.AddScoped<StaleColumnJob>();
        services.AddPeriodicJob<StaleColumnPeriodicJob>();
        return services;
    }

    public static IEndpointRouteBuilder MapColumns(this IEndpointRouteBuilder app)
    {
        ColumnsApi.Map(app);
        return app;
    }
}
