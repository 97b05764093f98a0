using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace CleanSse.Chaos;

/// <summary>
/// Creates orders and moves them along (new, paid, shipped, or cancelled) on whichever instance it picks, and writes
/// down in the <see cref="Ledger"/> every change the service acknowledged. When an answer is lost it reads the order
/// back (retrying until an instance answers) to learn whether the change was made.
/// </summary>
public sealed class Writer(int number, IReadOnlyList<HttpClient> instances, Ledger ledger, Random random)
{
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(40);
    private readonly List<(string Id, string Status)> _open = [];

    public async Task RunAsync(CancellationToken stopping)
    {
        var created = 0;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                if (_open.Count < 5 || random.NextDouble() < 0.35)
                {
                    await CreateAsync(++created);
                }
                else
                {
                    await AdvanceAsync(random.Next(_open.Count));
                }

                await Task.Delay(Pause, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private HttpClient AnyInstance() => instances[random.Next(instances.Count)];

    private async Task CreateAsync(int sequence)
    {
        var body = new
        {
            customer = $"Chaos writer {number} #{sequence}",
            items = new[] { new { sku = "CHAOS-1", quantity = 1 + random.Next(3), unitPrice = 9.5m } },
        };
        try
        {
            using var response = await AnyInstance().PostAsJsonAsync("/api/orders", body, CancellationToken.None);
            if (response.StatusCode == HttpStatusCode.Created)
            {
                var id = await IdOfAsync(response);
                ledger.Created(id, acknowledged: true);
                _open.Add((id, "new"));
                return;
            }
        }
        catch (HttpRequestException exception) when (WasRefused(exception))
        {
            // Never sent: the instance is down. Nothing to find out.
            return;
        }
        catch (Exception exception) when (IsLostAnswer(exception))
        {
        }

        // Not acknowledged: the order may exist; the final check finds it in the database and expects it as created.
        ledger.Unanswered();
    }

    private async Task AdvanceAsync(int index)
    {
        var (id, status) = _open[index];
        var next = Next(status);
        if (next is null)
        {
            _open.RemoveAt(index);
            return;
        }

        try
        {
            using var response = await AnyInstance().PatchAsJsonAsync($"/api/orders/{id}", new { status = next }, CancellationToken.None);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                Record(index, id, next, acknowledged: true);
                return;
            }
        }
        catch (HttpRequestException exception) when (WasRefused(exception))
        {
            return;
        }
        catch (Exception exception) when (IsLostAnswer(exception))
        {
        }

        ledger.Unanswered();
        var actual = await ReadBackAsync(id);
        if (actual == next)
        {
            Record(index, id, next, acknowledged: false);
        }
    }

    private void Record(int index, string id, string status, bool acknowledged)
    {
        ledger.Changed(id, status, acknowledged);
        _open[index] = (id, status);
        if (Next(status) is null)
        {
            _open.RemoveAt(index);
        }
    }

    private string? Next(string status) => status switch
    {
        "new" => random.NextDouble() < 0.12 ? "cancelled" : "paid",
        "paid" => random.NextDouble() < 0.1 ? "cancelled" : "shipped",
        _ => null,
    };

    private async Task<string> ReadBackAsync(string id)
    {
        while (true)
        {
            try
            {
                using var response = await AnyInstance().GetAsync(new Uri($"/api/orders/{id}", UriKind.Relative), CancellationToken.None);
                if (response.IsSuccessStatusCode)
                {
                    using var order = JsonDocument.Parse(await response.Content.ReadAsStringAsync(CancellationToken.None));
                    return order.RootElement.GetProperty("status").GetString()!;
                }
            }
            catch (Exception exception) when (IsLostAnswer(exception))
            {
            }

            // Stopping does not end this: the ledger must know the outcome of every change it may have made.
            await Task.Delay(200);
        }
    }

    private static async Task<string> IdOfAsync(HttpResponseMessage response)
    {
        using var order = JsonDocument.Parse(await response.Content.ReadAsStringAsync(CancellationToken.None));
        return order.RootElement.GetProperty("id").GetString()!;
    }

    private static bool WasRefused(HttpRequestException exception) =>
        exception.InnerException is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused };

    // Requests are not cancelled when the run stops (a change half made would be unknown); only their timeout ends them.
    private static bool IsLostAnswer(Exception exception) =>
        exception is HttpRequestException or IOException or JsonException or OperationCanceledException;
}
