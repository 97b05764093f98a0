namespace CleanSse.Client;

/// <summary>422: the idempotency key was used before with another request body.</summary>
public sealed class ApiUnprocessableException : ApiProblemException
{
    /// <summary>An exception without a problem.</summary>
    public ApiUnprocessableException()
    {
    }

    /// <summary>An exception with a message and no problem.</summary>
    /// <param name="message">What went wrong.</param>
    public ApiUnprocessableException(string message)
        : base(message)
    {
    }

    /// <summary>An exception with a message and a cause, and no problem.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public ApiUnprocessableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>An exception for the problem a response carried.</summary>
    /// <param name="problem">The problem details of the response.</param>
    public ApiUnprocessableException(ApiProblem problem)
        : base(problem)
    {
    }
}
