namespace CleanSse.Client;

/// <summary>404: no such order, or not one this user may see.</summary>
public sealed class ApiNotFoundException : ApiProblemException
{
    /// <summary>An exception without a problem.</summary>
    public ApiNotFoundException()
    {
    }

    /// <summary>An exception with a message and no problem.</summary>
    /// <param name="message">What went wrong.</param>
    public ApiNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>An exception with a message and a cause, and no problem.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public ApiNotFoundException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>An exception for the problem a response carried.</summary>
    /// <param name="problem">The problem details of the response.</param>
    public ApiNotFoundException(ApiProblem problem)
        : base(problem)
    {
    }
}
