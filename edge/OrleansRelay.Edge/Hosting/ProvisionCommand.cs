using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;

namespace OrleansRelay.Edge.Hosting;

/// <summary><c>orleansrelay-edge provision</c>: registers a device through an edge's operator API and prints or stores its secret.</summary>
public static class ProvisionCommand
{
    /// <summary>Builds the command.</summary>
    public static RootCommand Create()
    {
        var url = new Option<Uri>("--url")
        {
            Description = "Edge base URL.",
            DefaultValueFactory = _ => new Uri("http://127.0.0.1:5080"),
            CustomParser = ParseAbsoluteUri,
        };
        var adminKey = new Option<string?>("--admin-key") { Description = "Operator key (or ORLEANSRELAY_ADMIN_KEY)." };
        var deviceId = new Option<string>("--device-id") { Description = "Device id to register.", Required = true };
        var name = new Option<string?>("--name") { Description = "Display name." };
        var rotate = new Option<bool>("--rotate") { Description = "Issue a new secret for an existing device (its session is closed)." };
        var secretFile = new Option<FileInfo?>("--secret-file") { Description = "Write the secret to this file (mode 0600) instead of printing it." };
        var ifMissing = new Option<bool>("--if-missing") { Description = "With --secret-file: do nothing if that file exists (setup jobs that run on every start)." };
        var command = new RootCommand("Provision a device: register its id and receive its secret once.")
        {
            url, adminKey, deviceId, name, rotate, secretFile, ifMissing,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var key = parse.GetValue(adminKey) ?? Environment.GetEnvironmentVariable("ORLEANSRELAY_ADMIN_KEY");
            if (string.IsNullOrWhiteSpace(key))
            {
                await Console.Error.WriteLineAsync("No admin key: give --admin-key or ORLEANSRELAY_ADMIN_KEY.");
                return 2;
            }

            var id = parse.GetValue(deviceId)!;
            if (parse.GetValue(ifMissing))
            {
                if (parse.GetValue(secretFile) is not { } existing)
                {
                    await Console.Error.WriteLineAsync("--if-missing needs --secret-file.");
                    return 2;
                }

                if (existing.Exists)
                {
                    Console.WriteLine($"Device {id}: {existing.FullName} exists; nothing to do.");
                    return 0;
                }
            }

            using var http = new HttpClient { BaseAddress = parse.GetValue(url) };
            http.DefaultRequestHeaders.Add("X-Admin-Key", key);
            HttpResponseMessage response;
            try
            {
                response = parse.GetValue(rotate)
                    ? await http.PostAsync($"/v1/admin/devices/{Uri.EscapeDataString(id)}/secret", null, cancellationToken)
                    : await http.PostAsJsonAsync("/v1/admin/devices", new { deviceId = id, name = parse.GetValue(name) }, cancellationToken);
            }
            catch (HttpRequestException ex)
            {
                await Console.Error.WriteLineAsync($"Cannot reach the edge at {http.BaseAddress}: {ex.Message}");
                return 1;
            }

            using var _ = response;
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                await Console.Error.WriteLineAsync($"{(int)response.StatusCode} {response.ReasonPhrase}: {text}");
                return 1;
            }

            var secret = JsonDocument.Parse(text).RootElement.GetProperty("secret").GetString()!;
            if (parse.GetValue(secretFile) is { } file)
            {
                await File.WriteAllTextAsync(file.FullName, secret + "\n", cancellationToken);
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(file.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }

                Console.WriteLine($"Device {id} provisioned; secret written to {file.FullName}.");
            }
            else
            {
                Console.WriteLine(secret);
            }

            return 0;
        });
        return command;
    }

    private static Uri? ParseAbsoluteUri(System.CommandLine.Parsing.ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            return uri;
        }

        result.AddError($"'{text}' is not an absolute URL.");
        return null;
    }
}
