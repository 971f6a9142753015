using OrleansRelay.LoadTest.Cli;

return await LoadTestCommand.Create().Parse(args).InvokeAsync();
