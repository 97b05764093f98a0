using System.Globalization;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace CleanSse.Client.Orders;

/// <summary>
/// The orders REST API (<c>/api/orders</c>), typed. An error answer becomes an <see cref="ApiProblemException"/>
/// (or the subclass for its status) carrying the service's problem details.
/// </summary>
/// <remarks>
/// The <see cref="HttpClient"/> sets the service's address as its <see cref="HttpClient.BaseAddress"/> and signs the
/// requests in; <c>services.AddCleanSseClient(...)</c> builds one that does both.
/// </remarks>
/// <param name="http">The client the requests go through; its base address is the service's root.</param>
public sealed class OrdersClient(HttpClient http)
{
    /// <summary>The header that makes a create safe to repeat.</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    private const string OrdersPath = "api/orders";

    private readonly HttpClient _http = http ?? throw new ArgumentNullException(nameof(http));

    /// <summary>Creates an order (<c>POST /api/orders</c>).</summary>
    /// <param name="order">The order to create.</param>
    /// <param name="idempotencyKey">
    /// When given (1 to 100 printable ASCII characters), a repeat with the same key and body answers with the first
    /// order instead of creating another, so a create whose answer was lost can be sent again.
    /// </param>
    /// <param name="cancellationToken">Stops the request.</param>
    /// <returns>The order as stored, with its id, total and status.</returns>
    /// <exception cref="ApiValidationException">The order is not valid.</exception>
    /// <exception cref="ApiUnprocessableException">The key was used before with another body.</exception>
    public async Task<OrderDto> CreateAsync(NewOrder order, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(order);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(OrdersPath, UriKind.Relative))
        {
            Content = JsonContent.Create(order, RestJsonContext.Default.NewOrder),
        };
        if (idempotencyKey is not null)
        {
            ArgumentException.ThrowIfNullOrEmpty(idempotencyKey);
            request.Headers.TryAddWithoutValidation(IdempotencyKeyHeader, idempotencyKey);
        }

        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, RestJsonContext.Default.OrderDto, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One page of orders, newest first (<c>GET /api/orders</c>).</summary>
    /// <param name="query">The page size, cursor and filters; null for the first page of every order.</param>
    /// <param name="cancellationToken">Stops the request.</param>
    /// <exception cref="ApiValidationException">A parameter is out of range.</exception>
    public async Task<OrderPage> ListAsync(OrderQuery? query = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(ListPath(query), UriKind.Relative));
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        var page = await ReadAsync(response, RestJsonContext.Default.OrderPageData, cancellationToken).ConfigureAwait(false);
        return new OrderPage(page.Orders ?? [], page.Next);
    }

    /// <summary>
    /// Every order the query selects, newest first, reading page after page while the loop asks for more. Walking the
    /// pages yields each order once even while new ones are created (they are newer than the first page).
    /// </summary>
    /// <param name="query">The page size and filters; its <see cref="OrderQuery.After"/> is where the walk starts.</param>
    /// <param name="cancellationToken">Stops the walk.</param>
    public async IAsyncEnumerable<OrderDto> ListAllAsync(
        OrderQuery? query = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        query ??= new OrderQuery();
        while (true)
        {
            var page = await ListAsync(query, cancellationToken).ConfigureAwait(false);
            foreach (var order in page.Orders)
            {
                yield return order;
            }

            // A cursor that does not move would walk the same page for ever.
            if (page.Next is null || page.Next == query.After || page.Orders.Count == 0)
            {
                yield break;
            }

            query = query with { After = page.Next };
        }
    }

    /// <summary>One order and its version (<c>GET /api/orders/{id}</c>).</summary>
    /// <param name="id">The order's id.</param>
    /// <param name="cancellationToken">Stops the request.</param>
    /// <exception cref="ApiNotFoundException">No such order, or not one this user may see.</exception>
    public async Task<VersionedOrder> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        using var request = new HttpRequestMessage(HttpMethod.Get, OrderUri(id));
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        var order = await ReadAsync(response, RestJsonContext.Default.OrderDto, cancellationToken).ConfigureAwait(false);
        return new VersionedOrder(order, response.Headers.ETag?.ToString());
    }

    /// <summary>Changes an order's status (<c>PATCH /api/orders/{id}</c>).</summary>
    /// <param name="id">The order's id.</param>
    /// <param name="status">The new status (see <see cref="OrderStatus"/>).</param>
    /// <param name="ifMatch">
    /// An <see cref="VersionedOrder.ETag"/> read before: the change applies only if the order is still at that
    /// version. <c>*</c> matches any version; null sends no condition.
    /// </param>
    /// <param name="cancellationToken">Stops the request.</param>
    /// <returns>The changed order and its new version.</returns>
    /// <exception cref="ApiConflictException">The order's status does not allow this change.</exception>
    /// <exception cref="ApiForbiddenException">This user may not make this change.</exception>
    /// <exception cref="ApiPreconditionFailedException">The order changed since <paramref name="ifMatch"/>.</exception>
    /// <exception cref="ApiNotFoundException">No such order, or not one this user may see.</exception>
    public async Task<VersionedOrder> ChangeStatusAsync(
        string id,
        string status,
        string? ifMatch = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentException.ThrowIfNullOrEmpty(status);
        using var request = new HttpRequestMessage(HttpMethod.Patch, OrderUri(id))
        {
            Content = JsonContent.Create(new StatusChange(status), RestJsonContext.Default.StatusChange),
        };
        if (ifMatch is not null)
        {
            ArgumentException.ThrowIfNullOrEmpty(ifMatch);
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        var order = await ReadAsync(response, RestJsonContext.Default.OrderDto, cancellationToken).ConfigureAwait(false);
        return new VersionedOrder(order, response.Headers.ETag?.ToString());
    }

    /// <summary>Counts, revenue and orders per minute over every order this user may see (<c>GET /api/orders/stats</c>).</summary>
    /// <param name="cancellationToken">Stops the request.</param>
    public async Task<OrderStats> GetStatsAsync(CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(OrdersPath + "/stats", UriKind.Relative));
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, RestJsonContext.Default.OrderStats, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads the orders again after the stream's <c>reset</c>: the ones changed since its
    /// <see cref="StreamReset.ChangedSince"/> when it has one, else every order. Apply the result with
    /// <see cref="OrderReload.ApplyTo"/>.
    /// </summary>
    /// <param name="reset">The reset the stream sent.</param>
    /// <param name="cancellationToken">Stops the reload.</param>
    public async Task<OrderReload> ReloadAsync(StreamReset reset, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reset);
        var query = new OrderQuery { Limit = 200, ChangedSince = reset.ChangedSince };
        var orders = new List<OrderDto>();
        await foreach (var order in ListAllAsync(query, cancellationToken).ConfigureAwait(false))
        {
            orders.Add(order);
        }

        return new OrderReload(orders, reset.ChangedSince);
    }

    private static Uri OrderUri(string id) => new($"{OrdersPath}/{Uri.EscapeDataString(id)}", UriKind.Relative);

    private static string ListPath(OrderQuery? query)
    {
        if (query is null)
        {
            return OrdersPath;
        }

        var path = new StringBuilder(OrdersPath);
        var separator = '?';
        void Add(string name, string? value)
        {
            if (value is null)
            {
                return;
            }

            path.Append(separator).Append(name).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }

        Add("limit", query.Limit?.ToString(CultureInfo.InvariantCulture));
        Add("after", query.After);
        Add("status", query.Status);
        Add("changedSince", query.ChangedSince?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
        return path.ToString();
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await ApiProblemException.FromResponseAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<T> ReadAsync<T>(
        HttpResponseMessage response,
        System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type,
        CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync(type, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidDataException($"The service answered {(int)response.StatusCode} with a null body.");
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"The service answered {(int)response.StatusCode} with a body that is not the expected JSON: {exception.Message}", exception);
        }
    }
}
