namespace OrleansRelay.Samples.Rules;

/// <summary>When <see cref="SourceDevice"/> sends a notification containing <see cref="Contains"/>, call <see cref="TargetDevice"/>'s API.</summary>
public sealed class NotificationRule
{
    /// <summary>The device whose notifications are watched.</summary>
    public string SourceDevice { get; set; } = string.Empty;

    /// <summary>Text the notification must contain (ordinal).</summary>
    public string Contains { get; set; } = string.Empty;

    /// <summary>The device whose API is called.</summary>
    public string TargetDevice { get; set; } = string.Empty;

    /// <summary>HTTP method of the call.</summary>
    public string Method { get; set; } = "POST";

    /// <summary>Path on the target device's API, starting with <c>/</c>.</summary>
    public string Path { get; set; } = "/";

    /// <summary>JSON body sent (none when null).</summary>
    public string? Body { get; set; }
}
