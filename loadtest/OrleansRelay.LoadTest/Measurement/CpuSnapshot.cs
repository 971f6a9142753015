using System.Diagnostics;

namespace OrleansRelay.LoadTest.Measurement;

/// <summary>CPU used so far by the relay's edges, its silos, this load generator and the whole machine.</summary>
internal readonly record struct CpuSnapshot(TimeSpan Edge, TimeSpan Silo, TimeSpan LoadGenerator, long MachineBusyTicks, long MachineTotalTicks, long Timestamp)
{
    public static CpuSnapshot Take(IEnumerable<MonitoredProcess> processes)
    {
        var edge = TimeSpan.Zero;
        var silo = TimeSpan.Zero;
        foreach (var process in processes)
        {
            var cpu = ProcFs.Read(process.Pid)?.CpuTime ?? TimeSpan.Zero;
            if (process.Role == ProcessRole.Edge)
            {
                edge += cpu;
            }
            else
            {
                silo += cpu;
            }
        }

        var machine = ProcFs.ReadMachine();
        return new CpuSnapshot(edge, silo, Process.GetCurrentProcess().TotalProcessorTime, machine.Busy, machine.Total, Stopwatch.GetTimestamp());
    }

    /// <summary>CPU used between <paramref name="start"/> and this snapshot.</summary>
    public CpuUsage Since(CpuSnapshot start)
    {
        var wall = Stopwatch.GetElapsedTime(start.Timestamp, Timestamp);
        var machineTotal = Math.Max(1, MachineTotalTicks - start.MachineTotalTicks);
        return new CpuUsage(
            Edge - start.Edge,
            Silo - start.Silo,
            LoadGenerator - start.LoadGenerator,
            wall,
            100.0 * (MachineBusyTicks - start.MachineBusyTicks) / machineTotal);
    }
}
