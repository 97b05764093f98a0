namespace CleanSse.Domain.Common;

/// <summary>A rule of the domain was broken; the request that caused it cannot be carried out as asked.</summary>
public class DomainException : Exception
{
    public DomainException()
    {
    }

    public DomainException(string message)
        : base(message)
    {
    }

    public DomainException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
