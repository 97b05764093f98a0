using System.Net;

namespace CleanSse.Client;

/// <summary>Why a stream was given up.</summary>
public enum SseFailureReason
{
    /// <summary>Not known; only for exceptions built without a reason.</summary>
    Unknown = 0,

    /// <summary>The server answered 204 No Content: it asks the client not to reconnect.</summary>
    NoContent,

    /// <summary>The server answered a status other than 200 (and other than a 429 or 503 to retry).</summary>
    UnexpectedStatus,

    /// <summary>The server answered 200 with a content type other than <c>text/event-stream</c>.</summary>
    UnexpectedContentType,

    /// <summary>The connection ended or broke and reconnecting is turned off.</summary>
    Disconnected,

    /// <summary>The maximum number of failed attempts in a row was reached.</summary>
    AttemptsExhausted,
}

/// <summary>The stream failed for good: the client does not reconnect after this.</summary>
public sealed class SseConnectionException : Exception
{
    /// <summary>An exception without a message or a reason.</summary>
    public SseConnectionException()
    {
    }

    /// <summary>An exception with a message and no reason.</summary>
    /// <param name="message">What went wrong.</param>
    public SseConnectionException(string message)
        : base(message)
    {
    }

    /// <summary>An exception with a message and a cause, and no reason.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public SseConnectionException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>An exception that tells why the stream was given up.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="reason">Why the stream was given up.</param>
    /// <param name="statusCode">The status of the last response, when there was one.</param>
    /// <param name="contentType">The content type of the last response, when the failure is about it.</param>
    /// <param name="innerException">The cause.</param>
    public SseConnectionException(
        string message,
        SseFailureReason reason,
        HttpStatusCode? statusCode = null,
        string? contentType = null,
        Exception? innerException = null)
        : base(message, innerException)
    {
        Reason = reason;
        StatusCode = statusCode;
        ContentType = contentType;
    }

    /// <summary>Why the stream was given up.</summary>
    public SseFailureReason Reason { get; }

    /// <summary>The status of the last response, when there was one.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The content type of the last response, when the failure is about it.</summary>
    public string? ContentType { get; }
}
