namespace InfoPortal.Features.Columns;

public static class ColumnsModule
{
    public static IServiceCollection AddColumns(this IServiceCollection services) => services.AddScoped<ColumnService>();
}
