namespace OrleansRelay.Device.Outbox;

/// <summary>One segment file of the outbox: its number (the file name), size and the newest notification in it.</summary>
internal sealed class OutboxSegment(long number, string path, long length, long lastSequence)
{
    /// <summary>File name extension of segments.</summary>
    public const string Extension = ".outbox";

    public long Number { get; } = number;

    public string Path { get; } = path;

    /// <summary>Bytes in the file (header included).</summary>
    public long Length { get; set; } = length;

    /// <summary>The highest notification sequence number in the segment, or its floor when it holds none.</summary>
    public long LastSequence { get; set; } = lastSequence;

    /// <summary>The file of segment <paramref name="number"/> in <paramref name="directory"/>.</summary>
    public static string PathOf(string directory, long number) =>
        System.IO.Path.Combine(directory, number.ToString("D16", System.Globalization.CultureInfo.InvariantCulture) + Extension);

    /// <summary>The segment number of a file name, or null when it is not a segment's.</summary>
    public static long? NumberOf(string path) =>
        System.IO.Path.GetExtension(path) == Extension
        && long.TryParse(System.IO.Path.GetFileNameWithoutExtension(path), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
            ? number
            : null;
}
