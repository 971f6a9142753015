using Microsoft.Extensions.DependencyInjection;

namespace OrleansRelay.Samples.Rules;

/// <summary>Adds the sample rule grain's options and HTTP client to a silo (the grain itself is found by Orleans).</summary>
public static class NotificationRuleHosting
{
    /// <summary>The named HTTP client the rules call the relay with.</summary>
    public const string HttpClientName = "notification-rules";

    public static ISiloBuilder AddNotificationRules(this ISiloBuilder silo)
    {
        silo.Services.AddOptions<NotificationRuleOptions>().BindConfiguration(NotificationRuleOptions.SectionName);
        silo.Services.AddHttpClient(HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(30))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false });
        return silo;
    }
}
