using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRelay.Contracts.Grains;
using OrleansRelay.Contracts.Model.Accounts;
using SignInResult = OrleansRelay.Contracts.Model.Accounts.SignInResult;
using OrleansRelay.Silo.Hosting;

namespace OrleansRelay.Silo.Accounts;

/// <summary>
/// The account of one e-mail address. Bound devices, confirmation, password hash and token generation are persisted;
/// the sign-in failure counter is volatile on purpose (it only has to slow an attacker down, and it must never lock
/// the owner out for good).
/// </summary>
internal sealed partial class AccountGrain : Grain, IAccountGrain, IIncomingGrainCallFilter
{
    private static readonly PasswordHasher<string> Hasher = new();
    private readonly IPersistentState<AccountState> _state;
    private readonly ConfirmationMailer _mailer;
    private readonly Edges.CredentialRevocations _revocations;
    private readonly AccountOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<AccountGrain> _logger;
    private int _failures;
    private DateTimeOffset _throttledUntil;

    /// <summary>Whether this activation served anything but device binds (a person or a token check uses it).</summary>
    private bool _servedUser;

    public AccountGrain(
        [PersistentState("account", RelaySiloDefaults.AccountStorageName)] IPersistentState<AccountState> state,
        ConfirmationMailer mailer,
        Edges.CredentialRevocations revocations,
        IOptions<AccountOptions> options,
        TimeProvider time,
        ILogger<AccountGrain> logger)
    {
        _state = state;
        _revocations = revocations;
        _mailer = mailer;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    private string Email => this.GetPrimaryKeyString();

    private AccountState State => _state.State;

    public Task BindDevice(string deviceId) => Bind(deviceId);

    public async Task<bool> Bind(string deviceId)
    {
        var added = State.Devices.Add(deviceId);
        if (added)
        {
            Log.DeviceBound(_logger, deviceId, Email, State.Confirmed);
            await _state.WriteStateAsync();
        }

        if (State.HasWebhooks)
        {
            // Every bind: a device bound while the account-wide webhooks changed, or one whose grain lost the flag.
            TellDevices([deviceId], any: true);
        }

        // First sight of an unconfirmed address: one mail. A failed send is retried on the device's next connect.
        if (!State.Confirmed && State.ConfirmationSentAt is null)
        {
            await SendConfirmationAsync();
        }

        // Every connecting device binds its owner's account: an activation that only did that holds nothing volatile
        // (no sign-in failures), so it goes now instead of keeping an activation per connected device for the idle
        // collection age. One that people use stays for their token checks.
        if (!_servedUser && _failures == 0)
        {
            DeactivateOnIdle();
        }

        return State.Confirmed || State.ConfirmationSentAt is not null;
    }

    /// <summary>Notes calls other than device binds, which keep the activation.</summary>
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.InterfaceMethod?.Name is not (nameof(BindDevice) or nameof(Bind) or nameof(UnbindDevice)))
        {
            _servedUser = true;
        }

        await context.Invoke();
    }

    public async ValueTask UnbindDevice(string deviceId)
    {
        if (State.Devices.Remove(deviceId))
        {
            Log.DeviceUnbound(_logger, deviceId, Email);
            await _state.WriteStateAsync();
        }
    }

    public async ValueTask<bool> ResendConfirmation()
    {
        if (State.Confirmed || State.Devices.Count == 0)
        {
            return false;
        }

        if (State.ConfirmationSentAt is { } sent && _time.GetUtcNow() - sent < _options.ResendInterval)
        {
            Log.ResendRefused(_logger, Email);
            return false;
        }

        return await SendConfirmationAsync();
    }

    public async ValueTask<PasswordResult> Confirm(Guid confirmationId, string password)
    {
        if (State.PendingConfirmation != confirmationId)
        {
            return PasswordResult.LinkInvalid;
        }

        var policy = PasswordPolicy.Check(password, Email, _options);
        if (policy != PasswordResult.Accepted)
        {
            return policy;
        }

        State.PasswordHash = await HashAsync(password);
        State.Confirmed = true;
        State.PendingConfirmation = null;
        State.TokenGeneration++;
        await _state.WriteStateAsync();
        await _revocations.BroadcastAsync(Email);
        Log.Confirmed(_logger, Email);
        return PasswordResult.Accepted;
    }

    public async ValueTask<SignInResult> SignIn(string password)
    {
        var now = _time.GetUtcNow();
        if (now < _throttledUntil)
        {
            return new SignInResult(false, 0, _throttledUntil - now);
        }

        if (State.Confirmed && State.PasswordHash is { } hash && password.Length <= _options.MaxPasswordLength)
        {
            var verdict = await Task.Run(() => Hasher.VerifyHashedPassword(Email, hash, password));
            if (verdict != PasswordVerificationResult.Failed)
            {
                _failures = 0;
                if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
                {
                    State.PasswordHash = await HashAsync(password);
                    await _state.WriteStateAsync();
                }

                return new SignInResult(true, State.TokenGeneration, null);
            }
        }

        _failures++;
        if (_failures >= _options.MaxFailedSignIns)
        {
            // 30 s, 60 s, 120 s, ... capped: an attacker is slowed down, the owner waits at most MaxLockout.
            var doublings = Math.Min(_failures - _options.MaxFailedSignIns, 16);
            var pause = TimeSpan.FromTicks(Math.Min(_options.BaseLockout.Ticks * (1L << doublings), _options.MaxLockout.Ticks));
            _throttledUntil = now + pause;
            Log.Throttled(_logger, Email, _failures, pause);
        }

        return new SignInResult(false, 0, null);
    }

    public ValueTask<bool> IsTokenValid(string tokenId, long generation) =>
        ValueTask.FromResult(State.Confirmed && generation == State.TokenGeneration && !State.RevokedTokens.ContainsKey(tokenId));

    public async ValueTask RevokeToken(string tokenId, DateTimeOffset expires)
    {
        var now = _time.GetUtcNow();
        foreach (var (id, until) in State.RevokedTokens.ToArray())
        {
            if (until < now)
            {
                State.RevokedTokens.Remove(id);
            }
        }

        State.RevokedTokens[tokenId] = expires;
        await _state.WriteStateAsync();
        await _revocations.BroadcastAsync(Email);
    }

    public async ValueTask RevokeAllTokens()
    {
        State.TokenGeneration++;
        State.RevokedTokens.Clear();
        await _state.WriteStateAsync();
        await _revocations.BroadcastAsync(Email);
        Log.TokensRevoked(_logger, Email);
    }

    public async ValueTask<PasswordResult> ChangePassword(string currentPassword, string newPassword)
    {
        var check = await SignIn(currentPassword);
        if (!check.Succeeded)
        {
            return PasswordResult.WrongPassword;
        }

        var policy = PasswordPolicy.Check(newPassword, Email, _options);
        if (policy != PasswordResult.Accepted)
        {
            return policy;
        }

        State.PasswordHash = await HashAsync(newPassword);
        State.TokenGeneration++;
        State.RevokedTokens.Clear();
        await _state.WriteStateAsync();
        await _revocations.BroadcastAsync(Email);
        Log.TokensRevoked(_logger, Email);
        return PasswordResult.Accepted;
    }

    public ValueTask<string[]> GetDevices() => ValueTask.FromResult(State.Devices.Order(StringComparer.Ordinal).ToArray());

    // Hashing costs tens of milliseconds of CPU: off the grain's scheduler.
    private Task<string> HashAsync(string password) => Task.Run(() => Hasher.HashPassword(Email, password));

    private async Task<bool> SendConfirmationAsync()
    {
        var id = Guid.NewGuid();
        var now = _time.GetUtcNow();
        await GrainFactory.GetGrain<IConfirmationGrain>(id).Issue(Email, now + _options.ConfirmationLifetime);
        try
        {
            await _mailer.SendAsync(Email, id, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.MailFailed(_logger, Email, ex.GetType().Name, ex.Message);
            return false;
        }

        State.PendingConfirmation = id;
        State.ConfirmationSentAt = now;
        await _state.WriteStateAsync();
        return true;
    }

    private static partial class Log
    {
        [LoggerMessage(4010, LogLevel.Information, "Device {DeviceId} bound to {Email} (confirmed: {Confirmed})")]
        public static partial void DeviceBound(ILogger logger, string deviceId, string email, bool confirmed);

        [LoggerMessage(4011, LogLevel.Information, "Device {DeviceId} no longer bound to {Email}")]
        public static partial void DeviceUnbound(ILogger logger, string deviceId, string email);

        [LoggerMessage(4012, LogLevel.Information, "Address {Email} confirmed")]
        public static partial void Confirmed(ILogger logger, string email);

        [LoggerMessage(4013, LogLevel.Warning, "Sign-in to {Email} throttled after {Failures} failures for {Pause}")]
        public static partial void Throttled(ILogger logger, string email, int failures, TimeSpan pause);

        [LoggerMessage(4014, LogLevel.Information, "Every token of {Email} revoked")]
        public static partial void TokensRevoked(ILogger logger, string email);

        [LoggerMessage(4015, LogLevel.Warning, "Confirmation mail to {Email} failed: {Exception}: {Detail}")]
        public static partial void MailFailed(ILogger logger, string email, string exception, string detail);

        [LoggerMessage(4016, LogLevel.Information, "Confirmation resend for {Email} refused: too soon")]
        public static partial void ResendRefused(ILogger logger, string email);
    }
}
