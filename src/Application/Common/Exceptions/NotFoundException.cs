namespace CleanSse.Application.Common.Exceptions;

/// <summary>The resource a request names does not exist.</summary>
public sealed class NotFoundException : Exception
{
    public NotFoundException()
    {
    }

    public NotFoundException(string message)
        : base(message)
    {
    }

    public NotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public static NotFoundException For(string resource, string key) =>
        new($"{resource} '{key}' was not found.");
}
