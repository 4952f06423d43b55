namespace NetDsl;

/// <summary>
/// A distributed run cannot go on: the processes were given different data or options, their parameters
/// drifted apart, or a process failed or stopped answering. Every process that can still tell throws it.
/// </summary>
public sealed class DistributedTrainingException : Exception
{
    public DistributedTrainingException(string message) : base(message)
    {
    }

    public DistributedTrainingException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Whether every process throws this one (a check they made together), so none needs to stop the others.</summary>
    internal bool EveryProcessThrows { get; init; }
}
