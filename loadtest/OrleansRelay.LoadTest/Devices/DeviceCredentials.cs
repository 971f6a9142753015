namespace OrleansRelay.LoadTest.Devices;

/// <summary>A provisioned device: its profile and the secret the admin API returned for it.</summary>
internal sealed record DeviceCredentials(DeviceProfile Profile, string Secret);
