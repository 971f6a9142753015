using OrleansRelay.Device.Cli;

return await DeviceCommand.Create().Parse(args).InvokeAsync();
