using Microsoft.AspNetCore.Http;

namespace OrleansRelay.Device.Hosting;

/// <summary>Answers with the daemon's JSON error body (<see cref="ErrorBody"/>), like the relay's.</summary>
internal static class JsonErrorResponse
{
    public static Task WriteAsync(HttpResponse response, int status, string message)
    {
        response.Clear();
        response.StatusCode = status;
        return response.WriteAsJsonAsync(new ErrorBody(status, message), DeviceJsonContext.Default.ErrorBody);
    }
}
