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

    /// <summary>Every entry from <paramref name="at"/> on, a line each (time, level, category, event id, message): for a failure's message.</summary>
    public string Since(TimeSpan at) => string.Join(
        Environment.NewLine,
        _entries.Where(e => e.At >= at).Select(e => $"  {e.At.TotalMilliseconds,10:0.0} ms {e.Level,-11} {e.Category} [{e.EventId}] {e.Message}"));

    public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName);

    public void Dispose()
    {
    }

    internal sealed record Entry(TimeSpan At, LogLevel Level, string Category, int EventId, string Message, IReadOnlyDictionary<string, object?> Values);

    private sealed class Recorder(RecordingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? pairs.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.First().Value)
                : [];
            owner._entries.Enqueue(new Entry(owner.Now, logLevel, category, eventId.Id, formatter(state, exception), values));
        }
    }
}
