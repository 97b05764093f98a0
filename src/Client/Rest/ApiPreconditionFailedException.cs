namespace CleanSse.Client;

/// <summary>412: the order changed since the version given as <c>If-Match</c>; read it again and retry.</summary>
public sealed class ApiPreconditionFailedException : ApiProblemException
{
    /// <summary>An exception without a problem.</summary>
    public ApiPreconditionFailedException()
    {
    }

    /// <summary>An exception with a message and no problem.</summary>
    /// <param name="message">What went wrong.</param>
    public ApiPreconditionFailedException(string message)
        : base(message)
    {
    }

    /// <summary>An exception with a message and a cause, and no problem.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public ApiPreconditionFailedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>An exception for the problem a response carried.</summary>
    /// <param name="problem">The problem details of the response.</param>
    public ApiPreconditionFailedException(ApiProblem problem)
        : base(problem)
    {
    }
}
