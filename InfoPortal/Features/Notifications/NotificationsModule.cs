namespace InfoPortal.Features.Notifications;

public static class NotificationsModule
{
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SmtpOptions>(configuration.GetSection(SmtpOptions.Section));
        services.AddSingleton<EmailOutbox>();
        services.AddSingleton<Outbox.IOutboxHandler, MailOutboxHandler>();
        services.AddScoped<NotificationService>();
        return services;
    }
}
