using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace OrleansRelay.Silo.Diagnostics;

public static class IdleMemoryTrimHosting
{
    /// <summary>Adds the idle memory trim (<c>Memory:IdleTrim</c>), once per host even when silo and edge share it.</summary>
    public static IServiceCollection AddIdleMemoryTrim(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<IdleMemoryTrimOptions>().BindConfiguration(IdleMemoryTrimOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, IdleMemoryTrimmer>());
        return services;
    }
}
