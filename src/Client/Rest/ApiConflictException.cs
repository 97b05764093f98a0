namespace CleanSse.Client;

/// <summary>409: the order's status does not allow this change.</summary>
public sealed class ApiConflictException : ApiProblemException
{
    /// <summary>An exception without a problem.</summary>
    public ApiConflictException()
    {
    }

    /// <summary>An exception with a message and no problem.</summary>
    /// <param name="message">What went wrong.</param>
    public ApiConflictException(string message)
        : base(message)
    {
    }

    /// <summary>An exception with a message and a cause, and no problem.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public ApiConflictException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>An exception for the problem a response carried.</summary>
    /// <param name="problem">The problem details of the response.</param>
    public ApiConflictException(ApiProblem problem)
        : base(problem)
    {
    }
}
