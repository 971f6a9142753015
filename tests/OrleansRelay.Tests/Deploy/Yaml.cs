using YamlDotNet.RepresentationModel;

namespace OrleansRelay.Tests.Deploy;

/// <summary>Reading YAML documents (compose file, manifests) by path, failing with the path that is missing.</summary>
internal static class Yaml
{
    public static IReadOnlyList<YamlMappingNode> Documents(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return [.. stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>()];
    }

    /// <summary>The node at <paramref name="path"/> (mapping keys; list indices as numbers), or null.</summary>
    public static YamlNode? At(this YamlNode node, params object[] path)
    {
        YamlNode? current = node;
        foreach (var step in path)
        {
            current = (current, step) switch
            {
                (YamlMappingNode map, string key) => map.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null,
                (YamlSequenceNode list, int index) => index < list.Children.Count ? list.Children[index] : null,
                _ => null,
            };
        }

        return current;
    }

    public static string Text(this YamlNode node, params object[] path) =>
        (node.At(path) as YamlScalarNode)?.Value ?? throw new Xunit.Sdk.XunitException($"no scalar at {string.Join('/', path)}");

    public static IEnumerable<YamlNode> Items(this YamlNode node, params object[] path) =>
        node.At(path) is YamlSequenceNode list ? list.Children : [];

    public static IEnumerable<string> Keys(this YamlNode node, params object[] path) =>
        node.At(path) is YamlMappingNode map ? map.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value!) : [];
}
