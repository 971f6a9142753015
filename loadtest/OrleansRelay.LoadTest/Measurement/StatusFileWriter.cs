namespace OrleansRelay.LoadTest.Measurement;

/// <summary>
/// Rewrites <c>--status-file</c> twice a second with the text it is given (written to a temporary file, then
/// renamed, so a reader never sees half of it): how <c>bench/fault-injection.sh</c> knows the load is running and
/// waits until every device is back after a kill. Does nothing without a path.
/// </summary>
internal sealed class StatusFileWriter : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    private readonly string? _path;
    private readonly Func<string> _text;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    public StatusFileWriter(string? path, Func<string> text)
    {
        _path = path;
        _text = text;
        _loop = path is null ? Task.CompletedTask : RunAsync(_stopping.Token);
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            do
            {
                Write();
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Write()
    {
        var temporary = _path + ".tmp";
        try
        {
            File.WriteAllText(temporary, _text());
            File.Move(temporary, _path!, overwrite: true);
        }
        catch (IOException)
        {
            // A second without a status line; the reader waits for the next.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _loop;
        if (_path is not null)
        {
            Write();
        }

        _stopping.Dispose();
    }
}
