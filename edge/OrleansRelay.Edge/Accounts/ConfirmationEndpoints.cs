using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using OrleansRelay.Contracts.Grains;
using OrleansRelay.Contracts.Model.Accounts;
using OrleansRelay.Edge.Http;

namespace OrleansRelay.Edge.Accounts;

/// <summary>
/// The confirmation link (<c>GET /v1/confirmation?confirmationId=</c>) redirects to a plain server-rendered page where
/// the owner chooses a password; posting it confirms the address. Links expire and work once.
/// </summary>
internal static partial class ConfirmationEndpoints
{
    public const string PasswordPath = "/v1/confirmation/password";

    public static void MapConfirmation(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/confirmation", ConfirmAsync);
        routes.MapGet(PasswordPath, FormAsync);
        routes.MapPost(PasswordPath, SetPasswordAsync).RequireRateLimiting(AccountEndpoints.SignInRateLimit).DisableAntiforgery();
        routes.MapPost("/v1/confirmation/resend", ResendAsync).RequireRateLimiting(AccountEndpoints.SignInRateLimit);
    }

    private static async Task<IResult> ConfirmAsync(HttpContext context, IGrainFactory grains, ILoggerFactory loggers)
    {
        if (!Guid.TryParse(context.Request.Query["confirmationId"], out var id))
        {
            Log.BadLink(loggers.CreateLogger(typeof(ConfirmationEndpoints)), context.Request.QueryString.Value ?? string.Empty);
            return RelayErrors.Json(StatusCodes.Status400BadRequest, "confirmationId must be a UUID.");
        }

        var check = await grains.GetGrain<IConfirmationGrain>(id).Check();
        return check.Valid
            ? Results.Redirect($"{PasswordPath}?confirmationId={id:D}")
            : RelayErrors.Json(StatusCodes.Status404NotFound, PasswordMessages.For(PasswordResult.LinkInvalid));
    }

    private static async Task<IResult> FormAsync(HttpContext context, IGrainFactory grains)
    {
        if (!Guid.TryParse(context.Request.Query["confirmationId"], out var id) || await grains.GetGrain<IConfirmationGrain>(id).Check() is not { Valid: true } check)
        {
            return Page(StatusCodes.Status404NotFound, "Link not valid", $"<p>{PasswordMessages.For(PasswordResult.LinkInvalid)}</p>");
        }

        return Form(StatusCodes.Status200OK, id, check.Email!, null);
    }

    private static async Task<IResult> SetPasswordAsync(HttpContext context, IGrainFactory grains, ILoggerFactory loggers)
    {
        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted) : null;
        if (form is null || !Guid.TryParse(form["confirmationId"], out var id))
        {
            return Page(StatusCodes.Status400BadRequest, "Bad request", "<p>The form is incomplete.</p>");
        }

        var confirmation = grains.GetGrain<IConfirmationGrain>(id);
        var check = await confirmation.Check();
        if (!check.Valid)
        {
            return Page(StatusCodes.Status404NotFound, "Link not valid", $"<p>{PasswordMessages.For(PasswordResult.LinkInvalid)}</p>");
        }

        var password = form["password"].ToString();
        if (password != form["confirm"].ToString())
        {
            return Form(StatusCodes.Status400BadRequest, id, check.Email!, "The two passwords differ.");
        }

        var result = await confirmation.Redeem(password);
        switch (result)
        {
            case PasswordResult.Accepted:
                Log.Confirmed(loggers.CreateLogger(typeof(ConfirmationEndpoints)), check.Email!);
                return Page(StatusCodes.Status200OK, "Address confirmed", $"<p>Your password is set. Sign in as <b>{WebUtility.HtmlEncode(check.Email)}</b>.</p>");
            case PasswordResult.LinkInvalid:
                return Page(StatusCodes.Status404NotFound, "Link not valid", $"<p>{PasswordMessages.For(result)}</p>");
            default:
                return Form(StatusCodes.Status400BadRequest, id, check.Email!, PasswordMessages.For(result));
        }
    }

    /// <summary>Always 202, so the answer does not tell which addresses exist; the account rate-limits real resends.</summary>
    private static async Task<IResult> ResendAsync(HttpContext context, IGrainFactory grains)
    {
        var request = await AccountEndpoints.ReadAsync(context, AccountJsonContext.Default.ResendRequest);
        if (AccountEmails.Normalize(request?.Email) is { } email)
        {
            await grains.GetGrain<IAccountGrain>(email).ResendConfirmation();
        }

        return Results.Accepted();
    }

    private static IResult Form(int status, Guid id, string email, string? error) => Page(status, "Choose a password",
        $"""
        <p>Choose the password for <b>{WebUtility.HtmlEncode(email)}</b>.</p>
        {(error is null ? string.Empty : $"<p class=\"error\" role=\"alert\">{WebUtility.HtmlEncode(error)}</p>")}
        <form method="post" action="{PasswordPath}">
          <input type="hidden" name="confirmationId" value="{id:D}">
          <label>Password <input type="password" name="password" autocomplete="new-password" required></label>
          <label>Repeat <input type="password" name="confirm" autocomplete="new-password" required></label>
          <button type="submit">Set password</button>
        </form>
        """);

    private static IResult Page(int status, string title, string body) => Results.Content(
        $"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><title>{title}</title></head>
        <body><h1>{title}</h1>
        {body}
        </body></html>
        """,
        "text/html; charset=utf-8",
        statusCode: status);

    private static partial class Log
    {
        [LoggerMessage(4120, LogLevel.Information, "Confirmation link with a malformed id: {Query}")]
        public static partial void BadLink(ILogger logger, string query);

        [LoggerMessage(4121, LogLevel.Information, "Address {Email} confirmed through its link")]
        public static partial void Confirmed(ILogger logger, string email);
    }
}
