using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace CleanSse.Infrastructure.Tests.Realtime.Wire;

/// <summary>Any text, line breaks (CRLF, CR, LF), NUL, BOM, astral and lone surrogate characters included.</summary>
public sealed record AnyText(string Value)
{
    public override string ToString() => TextForms.Escape(Value);
}

/// <summary>Text an <c>event</c> or <c>id</c> field may carry: anything but CR, LF and NUL (possibly empty).</summary>
public sealed record SingleLineText(string Value)
{
    public override string ToString() => TextForms.Escape(Value);
}

/// <summary>A non-empty event type (an empty one reads back as <c>message</c>, checked on its own).</summary>
public sealed record EventTypeText(string Value)
{
    public override string ToString() => TextForms.Escape(Value);
}

/// <summary>Single-line text with at least one CR, LF or NUL put in it somewhere.</summary>
public sealed record UnsafeFieldText(string Value)
{
    public override string ToString() => TextForms.Escape(Value);
}

/// <summary>One event to encode: a type and an id that may be absent, and any data.</summary>
public sealed record EventCase(string? Type, string? Id, string Data)
{
    public override string ToString() =>
        $"type={(Type is null ? "null" : TextForms.Escape(Type))} id={(Id is null ? "null" : TextForms.Escape(Id))} data={TextForms.Escape(Data)}";
}

/// <summary>How a stream is cut into the chunks a client receives: sizes drawn from a seed.</summary>
public sealed record ChunkPlan(int Seed, int MaxChunk)
{
    public IEnumerable<ReadOnlyMemory<byte>> Split(byte[] bytes)
    {
        var random = new Random(Seed);
        var offset = 0;
        while (offset < bytes.Length)
        {
            var size = Math.Min(random.Next(1, MaxChunk + 1), bytes.Length - offset);
            yield return bytes.AsMemory(offset, size);
            offset += size;
        }
    }
}

public static class SseArbitraries
{
    private static readonly Gen<string> Piece = Gen.Frequency(
        (4, Gen.Elements("\r", "\n", "\r\n", "\n\r", "\r\r\n", "\n\n")),
        (1, Gen.Constant("\0")),
        (2, Gen.Elements(":", " ", "  ", "data:", "data: x", "id: 7", "event: x", "retry: 5", ": c", "\uFEFF")),
        (8, Gen.Choose(0x20, 0x7E).Select(c => ((char)c).ToString())),
        (2, Gen.Choose(0x00, 0x1F).Select(c => ((char)c).ToString())),
        (3, Gen.Choose(0x80, 0xD7FF).Select(c => ((char)c).ToString())),
        (1, Gen.Choose(0xE000, 0xFFFF).Select(c => ((char)c).ToString())),
        (2, Gen.Choose(0x10000, 0x10FFFF).Select(char.ConvertFromUtf32)),
        (1, Gen.Choose(0xD800, 0xDFFF).Select(c => ((char)c).ToString())));

    private static readonly Gen<string> AnyTextGen = Gen.ListOf(Piece).Select(string.Concat);

    private static readonly Gen<string> SingleLineGen =
        Gen.ListOf(Piece.Where(piece => !TextForms.HasLineBreakOrNul(piece))).Select(string.Concat);

    private static readonly Gen<string> UnsafeGen =
        from before in SingleLineGen
        from bad in Gen.Elements("\r", "\n", "\r\n", "\0")
        from after in SingleLineGen
        select before + bad + after;

    public static Arbitrary<AnyText> AnyText() => Arb.From(AnyTextGen.Select(text => new AnyText(text)));

    public static Arbitrary<SingleLineText> SingleLineText() => Arb.From(SingleLineGen.Select(text => new SingleLineText(text)));

    public static Arbitrary<EventTypeText> EventTypeText() =>
        Arb.From(SingleLineGen.Where(text => text.Length > 0).Select(text => new EventTypeText(text)));

    public static Arbitrary<UnsafeFieldText> UnsafeFieldText() => Arb.From(UnsafeGen.Select(text => new UnsafeFieldText(text)));

    public static Arbitrary<EventCase> EventCase() => Arb.From(
        from type in Gen.Frequency((1, Gen.Constant<string?>(null)), (4, SingleLineGen.Where(text => text.Length > 0).Select(text => (string?)text)))
        from id in Gen.Frequency((1, Gen.Constant<string?>(null)), (4, SingleLineGen.Select(text => (string?)text)))
        from data in AnyTextGen
        select new EventCase(type, id, data));

    public static Arbitrary<ChunkPlan> ChunkPlan() => Arb.From(
        from seed in Gen.Choose(0, int.MaxValue)
        from maxChunk in Gen.Elements(1, 2, 3, 5, 16, 4096)
        select new ChunkPlan(seed, maxChunk));
}

internal static class TextForms
{
    public static bool HasLineBreakOrNul(string text) => text.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0;

    /// <summary>
    /// What a client reads back for <paramref name="text"/>: every CRLF and CR becomes LF, and each unpaired surrogate,
    /// which UTF-8 cannot carry, becomes U+FFFD.
    /// </summary>
    public static string AsClientReadsIt(string text)
    {
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\r')
            {
                result.Append('\n');
                if (i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }
            }
            else if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                result.Append(c).Append(text[i + 1]);
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                result.Append('\uFFFD');
            }
            else
            {
                result.Append(c);
            }
        }

        return result.ToString();
    }

    public static string Escape(string text)
    {
        var result = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            if (c is >= ' ' and <= '~' && c != '"' && c != '\\')
            {
                result.Append(c);
            }
            else
            {
                result.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
        }

        return result.Append('"').ToString();
    }
}
