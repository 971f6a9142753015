using System.Text.Json.Serialization;

namespace OrleansRelay.Edge.Accounts;

/// <summary><c>POST /v1/auth</c> body.</summary>
internal sealed record SignInRequest(
    [property: JsonPropertyName("email")] string? Email,
    [property: JsonPropertyName("password")] string? Password,
    [property: JsonPropertyName("remember")] bool Remember);

/// <summary><c>POST /v1/auth</c> answer.</summary>
internal sealed record SignInResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("expires")] DateTimeOffset Expires,
    [property: JsonPropertyName("devices")] DeviceListItem[] Devices);

/// <summary>One device in a user's list.</summary>
internal sealed record DeviceListItem(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("online")] bool Online);

/// <summary><c>GET /v1/devices/list</c> answer.</summary>
internal sealed record DeviceList([property: JsonPropertyName("devices")] DeviceListItem[] Devices);

/// <summary><c>POST /v1/auth/password</c> body.</summary>
internal sealed record PasswordChangeRequest(
    [property: JsonPropertyName("currentPassword")] string? CurrentPassword,
    [property: JsonPropertyName("newPassword")] string? NewPassword);

/// <summary><c>POST /v1/confirmation/resend</c> body.</summary>
internal sealed record ResendRequest([property: JsonPropertyName("email")] string? Email);

[JsonSerializable(typeof(SignInRequest))]
[JsonSerializable(typeof(SignInResponse))]
[JsonSerializable(typeof(DeviceList))]
[JsonSerializable(typeof(PasswordChangeRequest))]
[JsonSerializable(typeof(ResendRequest))]
internal sealed partial class AccountJsonContext : JsonSerializerContext;
