namespace OrleansRelay.Edge.Relaying;

/// <summary>Why a relayed request has no device response. Each maps to one client status code.</summary>
internal enum RelayError
{
    /// <summary>The device answered; its status is the client's status.</summary>
    None = 0,

    /// <summary>No device with this id is provisioned (404).</summary>
    UnknownDevice = 1,

    /// <summary>The device has no live connection (503 with Retry-After).</summary>
    DeviceOffline = 2,

    /// <summary>The device did not answer within the timeout (504).</summary>
    DeviceTimeout = 3,

    /// <summary>The device's connection failed mid-request, or its response was unusable (502).</summary>
    BadDeviceResponse = 4,

    /// <summary>The device's response body exceeded the body limit (502).</summary>
    ResponseTooLarge = 5,

    /// <summary>The request body exceeded the body limit (413).</summary>
    RequestTooLarge = 6,

    /// <summary>The device's daemon does not relay upgrade (WebSocket) requests (501).</summary>
    UpgradeNotSupported = 7,

    /// <summary>The client's request body was malformed or broke off (400).</summary>
    BadClientBody = 8,
}
