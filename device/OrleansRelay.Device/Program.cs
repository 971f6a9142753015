using OrleansRelay.Device;

return await DeviceCommand.Create().Parse(args).InvokeAsync();
