namespace OrleansRelay.Tests.Silo.Streams;

/// <summary>The test consumer's own calls: where it stands.</summary>
[Alias("OrleansRelay.Tests.IRecordingConsumerGrain")]
public interface IRecordingConsumerGrain : IGrainWithStringKey
{
    /// <summary>The last event id handled and written (a call waits for a delivery in progress to finish).</summary>
    [Alias("GetPosition")]
    Task<long> GetPosition();
}
