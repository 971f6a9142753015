using OrleansRelay.LoadTest.Devices;

namespace OrleansRelay.LoadTest.Scenarios;

/// <summary>Devices provisioned for this invocation, shared by its scenarios; more are provisioned when a scenario needs them.</summary>
internal sealed class DevicePool
{
    private readonly DeviceProvisioner _provisioner;
    private readonly DeviceProfileFactory _profiles;
    private readonly string _prefix;
    private readonly List<DeviceCredentials> _devices = [];

    public DevicePool(DeviceProvisioner provisioner, int seed)
    {
        _provisioner = provisioner;
        _profiles = new DeviceProfileFactory(seed);
        _prefix = $"lt-{DateTime.UtcNow:HHmmss}-{Random.Shared.Next(1000, 9999)}-";
    }

    public async Task<DeviceCredentials[]> TakeAsync(int count, ConsoleView view, CancellationToken cancellationToken)
    {
        if (_devices.Count < count)
        {
            var profiles = Enumerable.Range(_devices.Count, count - _devices.Count).Select(i => _profiles.Create(_prefix + i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture), i)).ToArray();
            var done = 0;
            var provisioned = await view.ProgressAsync(
                "provisioning devices (admin API)",
                () => Volatile.Read(ref done),
                profiles.Length,
                _provisioner.ProvisionAsync(profiles, n => Volatile.Write(ref done, n), cancellationToken));
            _devices.AddRange(provisioned);
        }

        return [.. _devices.Take(count)];
    }
}
