namespace OrleansRelay.Silo.Hosting;

/// <summary>
/// The <c>healthcheck</c> command of the silo and edge executables, for container health checks: the images carry no
/// shell and no curl, so the executable asks its own <c>/healthz</c> and exits 0 on 200, 1 otherwise.
/// </summary>
public static class HealthProbe
{
    /// <summary>The command's name (the first argument).</summary>
    public const string Command = "healthcheck";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    /// <summary>The <c>/healthz</c> URL of a listener bound to <paramref name="bindAddress"/>, as seen from the same host.</summary>
    public static Uri LocalUrl(string bindAddress, int port) =>
        new($"http://{(bindAddress is "0.0.0.0" or "::" ? "127.0.0.1" : bindAddress)}:{port}/healthz");

    /// <summary>GETs <paramref name="url"/>; 0 when it answers 200, 1 (with the reason on standard error) otherwise.</summary>
    public static async Task<int> RunAsync(Uri url)
    {
        using var http = new HttpClient { Timeout = Timeout };
        try
        {
            using var response = await http.GetAsync(url);
            if (response.IsSuccessStatusCode)
            {
                return 0;
            }

            await Console.Error.WriteLineAsync($"{url}: {(int)response.StatusCode} {response.ReasonPhrase}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"{url}: {ex.Message}");
        }

        return 1;
    }
}
