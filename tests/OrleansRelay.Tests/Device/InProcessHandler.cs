using System.Net;
using OrleansRelay.Device;
using OrleansRelay.Wire;

namespace OrleansRelay.Tests.Device;

/// <summary>A .NET application's own handler: answers every request in-process and cannot relay upgrades.</summary>
internal sealed class InProcessHandler : IHttpRequestHandler
{
    public Task<HttpResponseMessage> SendAsync(HttpRequestHead head, Stream? body, CancellationToken cancellationToken) =>
        Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("in-process") });
}
