using OrleansRelay.Device.Cli;

return await DeviceCommand.Parse(args).InvokeAsync();
