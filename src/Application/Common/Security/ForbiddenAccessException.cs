namespace CleanSse.Application.Common.Security;

/// <summary>The signed-in user may see the resource but not make this change to it.</summary>
public sealed class ForbiddenAccessException : Exception
{
    public ForbiddenAccessException()
    {
    }

    public ForbiddenAccessException(string message)
        : base(message)
    {
    }

    public ForbiddenAccessException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
