using System.Xml.Linq;
using CleanSse.Infrastructure.Realtime.Redis;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace CleanSse.Infrastructure.Identity;

/// <summary>
/// The data-protection key ring when instances share Redis: kept in Redis, so instances with databases of their own
/// read each other's tokens and cookies, and copied into the orders database, so an instance that starts while Redis
/// is down (or after Redis restarted empty) still signs users in with the keys it shares a database with. Reads take
/// the union of both; writes go to both, Redis when it answers. A key made while Redis was away reaches the instances
/// on other databases only when the next key is written.
/// </summary>
internal sealed partial class SharedKeyRingRepository(
    IXmlRepository redis,
    IXmlRepository database,
    RedisConnections connections,
    ILogger<SharedKeyRingRepository> logger) : IXmlRepository
{
    // Long enough for a connection to a Redis that is up; a refused connection ends the first attempt sooner.
    private static readonly TimeSpan FirstConnectionWait = TimeSpan.FromSeconds(2);

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        var elements = new List<XElement>(database.GetAllElements());
        connections.WaitForFirstAttempt(FirstConnectionWait);
        if (connections.IsConnected)
        {
            try
            {
                elements.AddRange(redis.GetAllElements());
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                LogRedisUnavailable(exception);
            }
        }

        // The same key stored in both places is one key.
        return [.. elements.DistinctBy(element => element.ToString(SaveOptions.DisableFormatting))];
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        database.StoreElement(element, friendlyName);
        try
        {
            redis.StoreElement(element, friendlyName);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogRedisUnavailable(exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis is unavailable for the data-protection key ring; using the copy in the orders database")]
    private partial void LogRedisUnavailable(Exception exception);
}
