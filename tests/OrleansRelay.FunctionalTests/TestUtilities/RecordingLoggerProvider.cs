using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace OrleansRelay.FunctionalTests.TestUtilities;

/// <summary>Keeps every log entry with its time and structured values, so tests can observe what a component did and when.</summary>
internal sealed class RecordingLoggerProvider : ILoggerProvider
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<Entry> _entries = new();

    public TimeSpan Now => _clock.Elapsed;

    public IReadOnlyList<Entry> Events(int eventId) => [.. _entries.Where(e => e.EventId == eventId)];

    public ILogger CreateLogger(string categoryName) => new Recorder(this);

    public void Dispose()
    {
    }

    internal sealed record Entry(TimeSpan At, int EventId, string Message, IReadOnlyDictionary<string, object?> Values);

    private sealed class Recorder(RecordingLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? pairs.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.First().Value)
                : [];
            owner._entries.Enqueue(new Entry(owner.Now, eventId.Id, formatter(state, exception), values));
        }
    }
}
