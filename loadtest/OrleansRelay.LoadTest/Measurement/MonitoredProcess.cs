namespace OrleansRelay.LoadTest.Measurement;

/// <summary>A relay process whose CPU and RSS the run samples.</summary>
internal sealed record MonitoredProcess(ProcessRole Role, string Name, int Pid);
