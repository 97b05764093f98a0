namespace CleanSse.Client;

/// <summary>401: the request was not signed in, or its access token expired.</summary>
public sealed class ApiUnauthorizedException : ApiProblemException
{
    /// <summary>An exception without a problem.</summary>
    public ApiUnauthorizedException()
    {
    }

    /// <summary>An exception with a message and no problem.</summary>
    /// <param name="message">What went wrong.</param>
    public ApiUnauthorizedException(string message)
        : base(message)
    {
    }

    /// <summary>An exception with a message and a cause, and no problem.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public ApiUnauthorizedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>An exception for the problem a response carried.</summary>
    /// <param name="problem">The problem details of the response.</param>
    public ApiUnauthorizedException(ApiProblem problem)
        : base(problem)
    {
    }
}
