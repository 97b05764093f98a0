using System.Globalization;

namespace CleanSse.Bench;

/// <summary>
/// What each stream of the signed-in case received, order by order: its own customer's orders (or, for a staff stream,
/// every order) once each; anything else is a violation. Each stream's loop writes only its own row, so recording
/// takes no lock; the sums are read between and after the phase.
/// </summary>
public sealed class AudienceLedger
{
    private const int MaxExamples = 10;

    private readonly int[] _streamCustomer;
    private readonly int _customers;
    private readonly int _orders;
    private readonly ulong[][] _seen;
    private readonly long[] _own;
    private readonly long[] _foreign;
    private readonly long[] _duplicates;
    private readonly List<string> _examples = [];

    /// <param name="streamCustomer">Per stream number, the customer it signed in as (-1: staff).</param>
    /// <param name="customers">Order <c>k</c> belongs to customer <c>k % customers</c>.</param>
    public AudienceLedger(int[] streamCustomer, int customers, int orders)
    {
        _streamCustomer = streamCustomer;
        _customers = customers;
        _orders = orders;
        var words = (orders + 63) / 64;
        _seen = [.. streamCustomer.Select(_ => new ulong[words])];
        _own = new long[streamCustomer.Length];
        _foreign = new long[streamCustomer.Length];
        _duplicates = new long[streamCustomer.Length];
    }

    /// <summary>Distinct deliveries each stream was meant to have (its own orders, or every order for staff).</summary>
    public long Own => Sum(_own);

    /// <summary>Deliveries of another customer's order to a customer's stream.</summary>
    public long Foreign => Sum(_foreign);

    /// <summary>Deliveries of an order a stream had already received.</summary>
    public long Duplicates => Sum(_duplicates);

    public IReadOnlyList<string> Examples
    {
        get
        {
            lock (_examples)
            {
                return [.. _examples];
            }
        }
    }

    /// <summary>Records that <paramref name="stream"/> received <paramref name="order"/>: true when it was meant to, the first time.</summary>
    public bool Record(int stream, int order)
    {
        if ((uint)stream >= (uint)_streamCustomer.Length || (uint)order >= (uint)_orders)
        {
            return false;
        }

        var customer = _streamCustomer[stream];
        var owner = order % _customers;
        if (customer >= 0 && owner != customer)
        {
            if (++_foreign[stream] == 1)
            {
                Example($"stream {stream} (customer {customer}) received order {order} of customer {owner}");
            }

            return false;
        }

        ref var word = ref _seen[stream][order >> 6];
        var bit = 1UL << (order & 63);
        if ((word & bit) != 0)
        {
            if (++_duplicates[stream] == 1)
            {
                Example($"stream {stream} received order {order} again");
            }

            return false;
        }

        word |= bit;
        _own[stream]++;
        return true;
    }

    /// <summary>How many deliveries the streams were meant to have, given which orders were created.</summary>
    public long Expected(bool[] accepted)
    {
        var perCustomer = new long[_customers];
        long all = 0;
        for (var order = 0; order < accepted.Length; order++)
        {
            if (accepted[order])
            {
                perCustomer[order % _customers]++;
                all++;
            }
        }

        return _streamCustomer.Sum(customer => customer < 0 ? all : perCustomer[customer]);
    }

    /// <summary>Streams that missed at least one order meant for them.</summary>
    public int StreamsMissing(bool[] accepted)
    {
        var missing = 0;
        for (var stream = 0; stream < _streamCustomer.Length; stream++)
        {
            var customer = _streamCustomer[stream];
            for (var order = 0; order < accepted.Length; order++)
            {
                if (accepted[order] && (customer < 0 || order % _customers == customer) && (_seen[stream][order >> 6] & (1UL << (order & 63))) == 0)
                {
                    missing++;
                    Example($"stream {stream} (customer {customer}) never received order {order}");

                    break;
                }
            }
        }

        return missing;
    }

    private static long Sum(long[] values)
    {
        long total = 0;
        for (var i = 0; i < values.Length; i++)
        {
            total += Volatile.Read(ref values[i]);
        }

        return total;
    }

    // The first violation of each stream, up to a few in all: enough to see its pattern without flooding the report.
    private void Example(FormattableString text)
    {
        lock (_examples)
        {
            if (_examples.Count < MaxExamples)
            {
                _examples.Add(text.ToString(CultureInfo.InvariantCulture));
            }
        }
    }
}
