using OrleansRelay.Fuzz;
using SharpFuzz;

// orleansrelay-fuzz TARGET            run under AFL++ (afl-fuzz ... -- dotnet orleansrelay-fuzz.dll TARGET)
// orleansrelay-fuzz TARGET FILE...    run each input once, in process (reproduce a crash, check a corpus)
if (args.Length == 0 || FuzzTargets.Find(args[0]) is not { } target)
{
    Console.Error.WriteLine($"usage: orleansrelay-fuzz <{string.Join('|', FuzzTargets.Names)}> [input files...]");
    return 2;
}

if (args.Length > 1)
{
    foreach (var file in args[1..])
    {
        target(File.ReadAllBytes(file));
        Console.WriteLine($"ok {file}");
    }

    return 0;
}

Fuzzer.OutOfProcess.Run(stream =>
{
    using var input = new MemoryStream();
    stream.CopyTo(input);
    target(input.GetBuffer().AsSpan(0, (int)input.Length));
});
return 0;
