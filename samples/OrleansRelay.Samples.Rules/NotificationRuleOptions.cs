namespace OrleansRelay.Samples.Rules;

/// <summary>The sample's rules and how it reaches the relay. Bound from the <c>Rules</c> section.</summary>
public sealed class NotificationRuleOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Rules";

    /// <summary>Any edge's client API, e.g. <c>http://edge1:5080</c>: the rule calls devices through the relay like any client.</summary>
    public Uri? RelayUrl { get; set; }

    /// <summary>The operator key the calls carry (<c>X-Admin-Key</c>).</summary>
    public string? AdminKey { get; set; }

    /// <summary>The rules.</summary>
    public List<NotificationRule> Rules { get; set; } = [];
}
