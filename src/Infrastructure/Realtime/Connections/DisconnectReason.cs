namespace CleanSse.Infrastructure.Realtime.Connections;

public enum DisconnectReason
{
    None,
    ClientGone,
    SlowClient,
    Shutdown,
}
