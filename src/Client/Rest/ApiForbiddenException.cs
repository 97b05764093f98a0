namespace CleanSse.Client;

/// <summary>403: the signed-in user may not make this change.</summary>
public sealed class ApiForbiddenException : ApiProblemException
{
    /// <summary>An exception without a problem.</summary>
    public ApiForbiddenException()
    {
    }

    /// <summary>An exception with a message and no problem.</summary>
    /// <param name="message">What went wrong.</param>
    public ApiForbiddenException(string message)
        : base(message)
    {
    }

    /// <summary>An exception with a message and a cause, and no problem.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public ApiForbiddenException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>An exception for the problem a response carried.</summary>
    /// <param name="problem">The problem details of the response.</param>
    public ApiForbiddenException(ApiProblem problem)
        : base(problem)
    {
    }
}
