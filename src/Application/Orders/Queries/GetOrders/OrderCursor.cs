using System.Text;

namespace CleanSse.Application.Orders.Queries.GetOrders;

/// <summary>
/// The paging cursor: the last id of a page, base64url-encoded so clients treat it as opaque and the keyset can change
/// without changing what they hold.
/// </summary>
public static class OrderCursor
{
    private const int MaxIdLength = 32;

    public static string Encode(string lastId)
    {
        ArgumentNullException.ThrowIfNull(lastId);
        return Convert.ToBase64String(Encoding.ASCII.GetBytes(lastId)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>The id a cursor stands for; false when it is not a cursor this service gave out.</summary>
    public static bool TryDecode(string? cursor, out string lastId)
    {
        lastId = string.Empty;
        if (string.IsNullOrEmpty(cursor) || cursor.Length > 64 || cursor.Any(character => !IsBase64UrlCharacter(character)))
        {
            return false;
        }

        var base64 = cursor.Replace('-', '+').Replace('_', '/');
        base64 += (base64.Length % 4) switch
        {
            2 => "==",
            3 => "=",
            _ => string.Empty,
        };
        Span<byte> bytes = stackalloc byte[48];
        if (base64.Length % 4 == 1 || !Convert.TryFromBase64String(base64, bytes, out var written))
        {
            return false;
        }

        var id = Encoding.ASCII.GetString(bytes[..written]);
        if (id.Length is 0 or > MaxIdLength || !id.All(char.IsAsciiHexDigitLower))
        {
            return false;
        }

        lastId = id;
        return true;
    }

    private static bool IsBase64UrlCharacter(char character) =>
        char.IsAsciiLetterOrDigit(character) || character is '-' or '_';
}
