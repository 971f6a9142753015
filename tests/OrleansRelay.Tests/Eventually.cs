namespace OrleansRelay.Tests;

/// <summary>Waits for a condition with a timeout (polling every 20 ms), never for a fixed time.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}.");
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>True once <paramref name="call"/> completes; false while it throws (a grain that is moving).</summary>
    public static async Task<bool> SucceedsAsync(Func<Task> call)
    {
        try
        {
            await call();
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return false;
        }
    }
}
