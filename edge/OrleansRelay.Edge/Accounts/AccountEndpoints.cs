using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRelay.Contracts.Grains;
using OrleansRelay.Contracts.Model.Accounts;
using OrleansRelay.Edge.Http;

namespace OrleansRelay.Edge.Accounts;

/// <summary>Sign-in, sign-out, password change and the user's device list.</summary>
internal static partial class AccountEndpoints
{
    public const string SignInRateLimit = "sign-in";

    public static void MapAccounts(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/auth", SignInAsync).RequireRateLimiting(SignInRateLimit);
        routes.MapPost("/v1/auth/signout", SignOutAsync).RequireAuthorization(RelayClaims.UserPolicy);
        routes.MapPost("/v1/auth/password", ChangePasswordAsync).RequireAuthorization(RelayClaims.UserPolicy).RequireRateLimiting(SignInRateLimit);
        routes.MapGet("/v1/devices/list", ListAsync).RequireAuthorization(RelayClaims.UserOrOperatorPolicy);
    }

    private static async Task<IResult> SignInAsync(HttpContext context, IGrainFactory grains, TokenService tokens, DeviceLister lister, IOptions<AuthOptions> options, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(AccountEndpoints));
        var request = await ReadAsync(context, AccountJsonContext.Default.SignInRequest);
        if (request is null)
        {
            Log.BadBody(logger, context.Request.Path);
            return RelayErrors.Json(StatusCodes.Status400BadRequest, "The body must be JSON: {\"email\",\"password\",\"remember\"}.");
        }

        var email = AccountEmails.Normalize(request.Email);
        if (email is null || string.IsNullOrEmpty(request.Password))
        {
            Log.SignInFailed(logger, request.Email ?? string.Empty, context.Connection.RemoteIpAddress?.ToString());
            return Unauthorized();
        }

        var result = await grains.GetGrain<IAccountGrain>(email).SignIn(request.Password);
        if (result.RetryAfter is { } retry)
        {
            context.Response.Headers.RetryAfter = Math.Ceiling(retry.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            Log.SignInThrottled(logger, email, context.Connection.RemoteIpAddress?.ToString());
            return RelayErrors.Json(StatusCodes.Status429TooManyRequests, "Too many failed sign-ins for this account; retry later.");
        }

        if (!result.Succeeded)
        {
            Log.SignInFailed(logger, email, context.Connection.RemoteIpAddress?.ToString());
            return Unauthorized();
        }

        var lifetime = request.Remember ? options.Value.RememberLifetime : options.Value.TokenLifetime;
        var (token, expires, _) = tokens.Issue(email, result.Generation, lifetime);
        context.Response.Headers.CacheControl = "no-store";
        return Results.Json(new SignInResponse(token, expires, await lister.ListAsync(email)), AccountJsonContext.Default.SignInResponse);
    }

    private static async Task<IResult> SignOutAsync(HttpContext context, IGrainFactory grains)
    {
        var email = DeviceAccess.Email(context.User)!;
        var account = grains.GetGrain<IAccountGrain>(email);
        if (context.Request.Query["all"] == "true")
        {
            await account.RevokeAllTokens();
        }
        else
        {
            var expires = DateTimeOffset.FromUnixTimeSeconds(long.Parse(context.User.FindFirst(RelayClaims.Expires)!.Value, CultureInfo.InvariantCulture));
            await account.RevokeToken(context.User.FindFirst(RelayClaims.TokenId)!.Value, expires);
        }

        return Results.NoContent();
    }

    private static async Task<IResult> ChangePasswordAsync(HttpContext context, IGrainFactory grains)
    {
        var request = await ReadAsync(context, AccountJsonContext.Default.PasswordChangeRequest);
        if (request?.CurrentPassword is null || request.NewPassword is null)
        {
            return RelayErrors.Json(StatusCodes.Status400BadRequest, "The body must be JSON: {\"currentPassword\",\"newPassword\"}.");
        }

        var result = await grains.GetGrain<IAccountGrain>(DeviceAccess.Email(context.User)!).ChangePassword(request.CurrentPassword, request.NewPassword);
        return result switch
        {
            PasswordResult.Accepted => Results.NoContent(),
            PasswordResult.WrongPassword => Unauthorized(),
            _ => RelayErrors.Json(StatusCodes.Status400BadRequest, PasswordMessages.For(result)),
        };
    }

    private static async Task<IResult> ListAsync(HttpContext context, DeviceLister lister)
    {
        // Operators have no device list of their own (they use the operator API).
        var devices = await lister.ListAsync(context.User);
        return Results.Json(new DeviceList(devices), AccountJsonContext.Default.DeviceList);
    }

    internal static IResult Unauthorized() => RelayErrors.Json(StatusCodes.Status401Unauthorized, "Unauthorized");

    internal static async Task<T?> ReadAsync<T>(HttpContext context, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            return await JsonSerializer.DeserializeAsync(context.Request.Body, type, context.RequestAborted);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(4110, LogLevel.Information, "Sign-in to {Email} from {RemoteIp} failed")]
        public static partial void SignInFailed(ILogger logger, string email, string? remoteIp);

        [LoggerMessage(4111, LogLevel.Warning, "Sign-in to {Email} from {RemoteIp} refused: the account is throttled")]
        public static partial void SignInThrottled(ILogger logger, string email, string? remoteIp);

        [LoggerMessage(4112, LogLevel.Information, "Bad request body on {Path}")]
        public static partial void BadBody(ILogger logger, PathString path);
    }
}
