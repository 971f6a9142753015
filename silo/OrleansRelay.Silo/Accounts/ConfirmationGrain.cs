using OrleansRelay.Contracts.Grains;
using OrleansRelay.Contracts.Model.Accounts;
using OrleansRelay.Silo.Hosting;

namespace OrleansRelay.Silo.Accounts;

/// <summary>One confirmation link: works until it expires, and only once.</summary>
internal sealed class ConfirmationGrain : Grain, IConfirmationGrain
{
    private readonly IPersistentState<ConfirmationState> _state;
    private readonly TimeProvider _time;

    public ConfirmationGrain(
        [PersistentState("confirmation", RelaySiloDefaults.AccountStorageName)] IPersistentState<ConfirmationState> state,
        TimeProvider time)
    {
        _state = state;
        _time = time;
    }

    public async ValueTask Issue(string email, DateTimeOffset expires)
    {
        _state.State.Email = email;
        _state.State.ExpiresAt = expires;
        _state.State.Used = false;
        await _state.WriteStateAsync();

        // Persisted: a person opens the link minutes or days later, and the grain reloads then. Keeping the
        // activation meanwhile cost every newly bound device another activation's memory.
        DeactivateOnIdle();
    }

    public ValueTask<ConfirmationCheck> Check()
    {
        var valid = IsValid;
        if (_state.State.Email is null)
        {
            DeactivateOnIdle();
        }

        return ValueTask.FromResult(new ConfirmationCheck(valid, valid ? _state.State.Email : null));
    }

    public async ValueTask<PasswordResult> Redeem(string password)
    {
        if (!IsValid)
        {
            return PasswordResult.LinkInvalid;
        }

        var result = await GrainFactory.GetGrain<IAccountGrain>(_state.State.Email!).Confirm(this.GetPrimaryKey(), password);
        if (result is PasswordResult.Accepted or PasswordResult.LinkInvalid)
        {
            _state.State.Used = true;
            await _state.WriteStateAsync();
        }

        return result;
    }

    private bool IsValid => _state.State.Email is not null && !_state.State.Used && _time.GetUtcNow() < _state.State.ExpiresAt;
}
