namespace InfoPortal.Infrastructure.Cluster;

public static class ClusterModule
{
    /// <summary>The cluster signal (ADR 0021 §4): dispatcher, LISTEN/version-check listener, options.</summary>
    public static IServiceCollection AddCluster(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ClusterOptions>(configuration.GetSection(ClusterOptions.Section));
        services.AddSingleton<ClusterSignalDispatcher>();
        services.AddSingleton<ClusterSignalListener>();
        services.AddHostedService(sp => sp.GetRequiredService<ClusterSignalListener>());
        return services;
    }

    /// <summary>
    /// Registers a handler of one topic. Helpers: the output cache evicts its tags by registering an
    /// <see cref="IClusterTopicHandler"/> for <see cref="ClusterTopics.PublicSite"/> this way.
    /// </summary>
    public static IServiceCollection AddClusterTopicHandler<THandler>(this IServiceCollection services)
        where THandler : class, IClusterTopicHandler
    {
        services.AddSingleton<IClusterTopicHandler, THandler>();
        return services;
    }
}
