using InfoPortal.Features.Interaction;
using InfoPortal.Infrastructure.Limits;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Data;

public partial class PortalDbContext
{
    public DbSet<InteractionMessage> InteractionMessages => Set<InteractionMessage>();

    public DbSet<MessageEvent> InteractionMessageEvents => Set<MessageEvent>();

    public DbSet<InteractionReminder> InteractionReminders => Set<InteractionReminder>();

    public DbSet<InteractionAttempt> InteractionAttempts => Set<InteractionAttempt>();
}
