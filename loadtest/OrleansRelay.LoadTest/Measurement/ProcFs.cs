using System.Globalization;

namespace OrleansRelay.LoadTest.Measurement;

/// <summary>Reads CPU time and RSS of a process (<c>/proc/&lt;pid&gt;/stat</c>, <c>/proc/&lt;pid&gt;/status</c>) and the machine's CPU (<c>/proc/stat</c>).</summary>
internal static class ProcFs
{
    /// <summary>USER_HZ: the unit of the times in /proc (100 on every Linux this runs on).</summary>
    private const double TicksPerSecond = 100;

    /// <summary>The process's reading, or null when it is gone.</summary>
    public static ProcessSample? Read(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the parenthesised command name; utime and stime are fields 14 and 15 (1-based).
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            long rssKiB = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rssKiB = long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
                    break;
                }
            }

            return new ProcessSample(TimeSpan.FromSeconds(ticks / TicksPerSecond), rssKiB * 1024);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Machine-wide (busy, total) CPU ticks since boot, from the first line of /proc/stat.</summary>
    public static (long Busy, long Total) ReadMachine()
    {
        var line = File.ReadLines("/proc/stat").First();
        var values = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var total = values.Sum();
        var idle = values[3] + (values.Length > 4 ? values[4] : 0);
        return (total - idle, total);
    }
}
