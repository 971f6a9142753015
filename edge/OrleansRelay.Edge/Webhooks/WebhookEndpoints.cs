using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using OrleansRelay.Contracts.Grains;
using OrleansRelay.Contracts.Model.Accounts;
using OrleansRelay.Contracts.Model.Webhooks;
using OrleansRelay.Edge.Accounts;
using OrleansRelay.Edge.Http;
using OrleansRelay.Edge.OAuth;
using OrleansRelay.Wire;

namespace OrleansRelay.Edge.Webhooks;

/// <summary>
/// Webhook registrations: per device (<c>/v1/devices/{deviceId}/webhooks</c>, whoever may reach the device) and per
/// account (<c>/v1/webhooks</c>: a signed-in user for their own account, an operator for <c>?account=</c>). Delivery
/// happens in the silo (<c>WebhookDeliveryGrain</c>); the edge only registers, lists and deletes.
/// </summary>
internal static partial class WebhookEndpoints
{
    public static void MapWebhooks(this IEndpointRouteBuilder routes)
    {
        const string device = "/v1/devices/{deviceId}/webhooks";
        routes.MapPost(device, async (HttpContext c, string deviceId, IGrainFactory g, ILoggerFactory l) =>
            DeviceIds.IsValid(deviceId) && (await g.GetGrain<IDeviceGrain>(deviceId).GetOwnership()).Registered
                ? await AddAsync(c, WebhookScopes.Device(deviceId), g, l)
                : RelayErrors.Json(StatusCodes.Status404NotFound, "Unknown device.")).RequireDeviceAccess()
            .WithSummary("Registers a webhook for the device's events").Accepts<CreateWebhookRequest>("application/json")
            .Produces<CreatedWebhook>(StatusCodes.Status201Created).Produces<ErrorBody>(StatusCodes.Status400BadRequest).Produces<ErrorBody>(StatusCodes.Status404NotFound);
        routes.MapGet(device, (string deviceId, IGrainFactory g) => ListAsync(WebhookScopes.Device(deviceId), g)).RequireDeviceAccess()
            .WithSummary("Lists the device's webhooks (without secrets)").Produces<WebhookView[]>();
        routes.MapDelete(device + "/{webhookId}", (string deviceId, string webhookId, IGrainFactory g) => RemoveAsync(WebhookScopes.Device(deviceId), webhookId, g)).RequireDeviceAccess()
            .WithSummary("Deletes a device webhook").Produces(StatusCodes.Status204NoContent).Produces<ErrorBody>(StatusCodes.Status404NotFound);
        routes.MapGet(device + "/{webhookId}/dead-letters", (string deviceId, string webhookId, IGrainFactory g) => DeadLettersAsync(WebhookScopes.Device(deviceId), webhookId, g)).RequireDeviceAccess()
            .WithSummary("Deliveries of a device webhook the relay gave up on").Produces<DeadLetterView[]>().Produces<ErrorBody>(StatusCodes.Status404NotFound);

        const string account = "/v1/webhooks";
        routes.MapPost(account, (HttpContext c, IGrainFactory g, ILoggerFactory l) => AccountScope(c.User, c.Request.Query["account"]) is { } scope ? AddAsync(c, scope, g, l) : Task.FromResult(NotAnAccount(c.User)))
            .RequireAuthorization(RelayClaims.UserOrOperatorPolicy)
            .WithSummary("Registers an account-wide webhook (all the account's devices; operators: ?account=)").Accepts<CreateWebhookRequest>("application/json")
            .Produces<CreatedWebhook>(StatusCodes.Status201Created).Produces<ErrorBody>(StatusCodes.Status400BadRequest).Produces<ErrorBody>(StatusCodes.Status403Forbidden);
        routes.MapGet(account, (HttpContext c, IGrainFactory g) => AccountScope(c.User, c.Request.Query["account"]) is { } scope ? ListAsync(scope, g) : Task.FromResult(NotAnAccount(c.User)))
            .RequireAuthorization(RelayClaims.UserOrOperatorPolicy)
            .WithSummary("Lists the account's webhooks (without secrets)").Produces<WebhookView[]>();
        routes.MapDelete(account + "/{webhookId}", (HttpContext c, string webhookId, IGrainFactory g) => AccountScope(c.User, c.Request.Query["account"]) is { } scope ? RemoveAsync(scope, webhookId, g) : Task.FromResult(NotAnAccount(c.User)))
            .RequireAuthorization(RelayClaims.UserOrOperatorPolicy)
            .WithSummary("Deletes an account-wide webhook").Produces(StatusCodes.Status204NoContent).Produces<ErrorBody>(StatusCodes.Status404NotFound);
        routes.MapGet(account + "/{webhookId}/dead-letters", (HttpContext c, string webhookId, IGrainFactory g) => AccountScope(c.User, c.Request.Query["account"]) is { } scope ? DeadLettersAsync(scope, webhookId, g) : Task.FromResult(NotAnAccount(c.User)))
            .RequireAuthorization(RelayClaims.UserOrOperatorPolicy)
            .WithSummary("Deliveries of an account-wide webhook the relay gave up on").Produces<DeadLetterView[]>().Produces<ErrorBody>(StatusCodes.Status404NotFound);
    }

    /// <summary>
    /// The account a caller's account-wide webhooks belong to: a session user's own; for an operator the one named by
    /// <c>?account=</c>. OAuth clients act for chosen devices only, so they get none.
    /// </summary>
    private static string? AccountScope(ClaimsPrincipal user, string? requested)
    {
        if (DeviceAccess.IsOperator(user))
        {
            return AccountEmails.Normalize(requested) is { } named ? WebhookScopes.Account(named) : null;
        }

        return user.FindFirst(OAuthClaims.Client) is null && DeviceAccess.Email(user) is { } email ? WebhookScopes.Account(email) : null;
    }

    private static IResult NotAnAccount(ClaimsPrincipal user) => DeviceAccess.IsOperator(user)
        ? RelayErrors.Json(StatusCodes.Status400BadRequest, "Operators name the account: ?account=<e-mail address>.")
        : RelayErrors.Json(StatusCodes.Status403Forbidden, "Account-wide webhooks need the account's own sign-in, not an OAuth client's token.");

    private static async Task<IResult> AddAsync(HttpContext context, string scope, IGrainFactory grains, ILoggerFactory loggers)
    {
        CreateWebhookRequest? body;
        try
        {
            body = await context.Request.ReadFromJsonAsync(WebhookJsonContext.Default.CreateWebhookRequest, context.RequestAborted);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            body = null;
        }

        if (body?.Url is null)
        {
            Log.BadRequest(loggers.CreateLogger(typeof(WebhookEndpoints)), scope, "body is not {\"url\":…,\"events\":[…]}");
            return RelayErrors.Json(StatusCodes.Status400BadRequest, "The body must be JSON {\"url\":\"https://…\",\"events\":[\"notification\",\"presence\"]}.");
        }

        var result = await grains.GetGrain<IWebhookRegistryGrain>(scope).Add(body.Url, body.Events ?? []);
        if (result.Webhook is not { } webhook)
        {
            Log.BadRequest(loggers.CreateLogger(typeof(WebhookEndpoints)), scope, result.Error ?? "refused");
            return RelayErrors.Json(StatusCodes.Status400BadRequest, result.Error ?? "The webhook was refused.");
        }

        return Results.Json(
            new CreatedWebhook(webhook.Id, webhook.Secret, webhook.Url, webhook.Events, webhook.CreatedAt),
            WebhookJsonContext.Default.CreatedWebhook,
            statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListAsync(string scope, IGrainFactory grains) =>
        Results.Json((await grains.GetGrain<IWebhookRegistryGrain>(scope).List()).Select(WebhookView.From).ToArray(), WebhookJsonContext.Default.WebhookViewArray);

    private static async Task<IResult> RemoveAsync(string scope, string webhookId, IGrainFactory grains) =>
        await grains.GetGrain<IWebhookRegistryGrain>(scope).Remove(webhookId)
            ? Results.NoContent()
            : RelayErrors.Json(StatusCodes.Status404NotFound, "Unknown webhook.");

    private static async Task<IResult> DeadLettersAsync(string scope, string webhookId, IGrainFactory grains) =>
        await grains.GetGrain<IWebhookRegistryGrain>(scope).GetDeadLetters(webhookId) is { } deadLetters
            ? Results.Json(deadLetters.Select(DeadLetterView.From).ToArray(), WebhookJsonContext.Default.DeadLetterViewArray)
            : RelayErrors.Json(StatusCodes.Status404NotFound, "Unknown webhook.");

    private static partial class Log
    {
        [LoggerMessage(2900, LogLevel.Information, "Webhook registration for {Scope} refused: {Reason}")]
        public static partial void BadRequest(ILogger logger, string scope, string reason);
    }
}
