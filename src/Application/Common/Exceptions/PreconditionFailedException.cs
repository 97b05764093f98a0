namespace CleanSse.Application.Common.Exceptions;

/// <summary>The request named the version it expected (<c>If-Match</c>), and the resource is no longer at it.</summary>
public sealed class PreconditionFailedException : Exception
{
    public PreconditionFailedException()
    {
    }

    public PreconditionFailedException(string message)
        : base(message)
    {
    }

    public PreconditionFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
