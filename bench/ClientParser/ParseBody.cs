using System.Net.ServerSentEvents;
using System.Text;
using BenchmarkDotNet.Attributes;
using CleanSse.Client;

namespace CleanSse.Bench.ClientParser;

/// <summary>
/// One body of the kind the service sends (order events with ids, a heartbeat comment every tenth event), parsed to the
/// end by each parser, every event's type, data and id read. <see cref="Reads"/> is how the bytes arrive: all at once,
/// or in reads of one TCP segment (1,460 bytes) as a loopback or LAN connection delivers them.
/// </summary>
[MemoryDiagnoser]
public class ParseBody
{
    private const int Events = 10_000;
    private byte[] _body = [];

    [Params("whole", "segments")]
    public string Reads { get; set; } = "whole";

    [GlobalSetup]
    public void Setup()
    {
        var body = new StringBuilder();
        for (var i = 1; i <= Events; i++)
        {
            var type = i % 5 == 0 ? "order-updated" : "new-order";
            body.Append("event: ").Append(type).Append('\n')
                .Append("id: 0000019a").Append(i.ToString("x8", System.Globalization.CultureInfo.InvariantCulture)).Append("-0\n")
                .Append("data: {\"id\":\"0196f6a1c2b3").Append(i.ToString("x8", System.Globalization.CultureInfo.InvariantCulture))
                .Append("\",\"customerId\":\"5b0c1d2e\",\"customer\":\"Customer ").Append(i)
                .Append("\",\"items\":[{\"sku\":\"BOOK-1\",\"quantity\":2,\"unitPrice\":12.5},{\"sku\":\"PEN-7\",\"quantity\":3,\"unitPrice\":0.99}],")
                .Append("\"note\":null,\"total\":27.97,\"status\":\"new\",\"createdAt\":\"2026-12-02T07:31:00.123Z\",\"updatedAt\":\"2026-12-02T07:31:00.123Z\"}\n\n");
            if (i % 10 == 0)
            {
                body.Append(": heartbeat\n\n");
            }
        }

        _body = Encoding.UTF8.GetBytes(body.ToString());
    }

    [Benchmark(Baseline = true, Description = "SseParser (BCL)")]
    public async Task<long> Bcl()
    {
        long total = 0;
        var parser = SseParser.Create(Body());
        await foreach (var item in parser.EnumerateAsync())
        {
            total += item.Data.Length + item.EventType.Length + (item.EventId?.Length ?? 0);
        }

        return total;
    }

    [Benchmark(Description = "SseEventReader (CleanSse.Client)")]
    public async Task<long> Ours()
    {
        long total = 0;
        var reader = new SseEventReader(Body());
        while (await reader.ReadAsync() is { } sseEvent)
        {
            total += sseEvent.Data.Length + sseEvent.Type.Length + sseEvent.LastEventId.Length;
        }

        return total;
    }

    private Stream Body() => Reads == "whole" ? new MemoryStream(_body, writable: false) : new SegmentStream(_body, 1460);
}
