namespace CleanSse.Client;

/// <summary>400 with field errors: the input was not valid. <see cref="Errors"/> says what is wrong with each field.</summary>
public sealed class ApiValidationException : ApiProblemException
{
    /// <summary>An exception without a problem.</summary>
    public ApiValidationException()
    {
    }

    /// <summary>An exception with a message and no problem.</summary>
    /// <param name="message">What went wrong.</param>
    public ApiValidationException(string message)
        : base(message)
    {
    }

    /// <summary>An exception with a message and a cause, and no problem.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public ApiValidationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>An exception for the problem a response carried.</summary>
    /// <param name="problem">The problem details of the response.</param>
    public ApiValidationException(ApiProblem problem)
        : base(problem)
    {
    }

    /// <summary>The messages of each field that is not valid, keyed by the field's name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Errors =>
        Problem?.Errors ?? new Dictionary<string, IReadOnlyList<string>>();
}
