using Microsoft.AspNetCore.Http;

namespace OrleansRelay.Edge.Http;

/// <summary>Writes the relay's own error answers (<c>{"error":status,"message":"..."}</c>).</summary>
internal static class RelayResponses
{
    /// <summary>Writes the error and returns its status, for the caller's metrics.</summary>
    public static async Task<int> WriteErrorAsync(HttpContext context, int status, string message)
    {
        await RelayErrors.Json(status, message).ExecuteAsync(context);
        return status;
    }
}
