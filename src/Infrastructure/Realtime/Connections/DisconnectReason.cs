namespace CleanSse.Infrastructure.Realtime.Connections;

internal enum DisconnectReason
{
    None,
    ClientGone,
    SlowClient,
    Shutdown,
}
