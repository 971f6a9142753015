using System.Diagnostics;
using OrleansRelay.LoadTest.Clients;
using OrleansRelay.LoadTest.Devices;
using OrleansRelay.LoadTest.Measurement;
using OrleansRelay.LoadTest.Reporting;

namespace OrleansRelay.LoadTest.Scenarios;

/// <summary>
/// <c>notify</c>: every device online; SSE and SignalR subscribers each watch one device; the devices send
/// notifications at <c>--notify-rate</c> (open model, a random device each time, the in-flight window and resend on
/// reconnect as the daemon does); then a drain until every delivery and acknowledgement arrived. Measures device →
/// subscriber latency from the scheduled send time, lost and duplicated deliveries per subscriber, and CPU per
/// notification.
/// </summary>
internal sealed class NotifyScenario : ILoadScenario
{
    /// <summary>The send loop wakes about every millisecond and stops on the last scheduled notification, so a met rate measures a little under it.</summary>
    private const double RateTolerance = 0.98;

    public string Name => "notify";

    public string Description => "Device notifications (open model) fanned out to SSE and SignalR subscribers: end-to-end latency, lost, duplicated.";

    public async Task RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var devices = await context.DevicesAsync(options.Devices, cancellationToken);
        var (fleet, _, _) = await context.ConnectAsync(devices, "connect", TimeSpan.FromSeconds(60 + (devices.Length / 100)), cancellationToken);
        var recorder = new LatencyRecorder();
        var tracker = new DeliveryTracker(recorder);
        using var http = new HttpMessageInvoker(new SocketsHttpHandler { UseProxy = false, UseCookies = false, PooledConnectionLifetime = Timeout.InfiniteTimeSpan });
        using var stopSubscribers = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var signalR = new List<SignalRSubscriber>();
        var reading = new List<Task>();
        try
        {
            var online = fleet.Devices.Where(d => d.IsOnline).ToArray();
            var edges = context.Relay.Edges;
            var sseCount = Math.Min(options.SseSubscribers, online.Length);
            var signalRCount = Math.Min(options.SignalRSubscribers, online.Length - sseCount);
            context.Monitor.Phase = "subscribe";
            var ready = new List<Task>();
            for (var i = 0; i < sseCount; i++)
            {
                var sse = new SseSubscriber(http, edges[i % edges.Count].Http, context.Relay.AdminKey, online[i].DeviceId, tracker);
                reading.Add(Task.Run(() => sse.RunAsync(stopSubscribers.Token), CancellationToken.None));
                ready.Add(sse.Connected);
            }

            for (var i = sseCount; i < sseCount + signalRCount; i++)
            {
                var hub = new SignalRSubscriber(edges[i % edges.Count].Http, context.Relay.AdminKey, online[i].DeviceId, tracker);
                signalR.Add(hub);
                ready.Add(hub.StartAsync(cancellationToken));
            }

            var subscribed = Task.WhenAll(ready).WaitAsync(TimeSpan.FromSeconds(60 + (ready.Count / 20)), cancellationToken);
            if (!await context.View.ProgressAsync("subscribers connected", () => ready.Count(t => t.IsCompletedSuccessfully), ready.Count, subscribed.ContinueWith(t => t.IsCompletedSuccessfully, TaskScheduler.Default)))
            {
                throw new InvalidOperationException($"Only {ready.Count(t => t.IsCompletedSuccessfully)} of {ready.Count} subscribers connected: {subscribed.Exception?.GetBaseException().Message}");
            }

            context.Monitor.Phase = $"notify {options.NotifyRate:0}/s";
            var before = CpuSnapshot.Take(context.Monitor.Processes);
            context.Monitor.Attach(recorder);
            var sendStarted = Stopwatch.GetTimestamp();
            var relaying = options.RelayConcurrency > 0
                ? context.MeasureAsync($"relay alongside, {options.RelayConcurrency} clients", new RequestMix(ScenarioContext.OnlineIds(fleet), edges.Count, options.Mix), options.RelayConcurrency, null, options.Duration, cancellationToken)
                : null;
            var sent = await SendAsync(online, tracker, recorder, options.NotifyRate, options.Duration, cancellationToken);
            var sendSeconds = Stopwatch.GetElapsedTime(sendStarted).TotalSeconds;
            var relayPhase = relaying is null ? null : await relaying;

            context.Monitor.Phase = "drain";
            var drainStarted = Stopwatch.GetTimestamp();
            var drainDeadline = drainStarted + (long)(options.DrainTimeout.TotalSeconds * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() < drainDeadline && (tracker.Delivered < tracker.Expected || online.Any(d => d.Notifications.Count > 0) || fleet.Online < devices.Length))
            {
                await Task.Delay(50, cancellationToken);
            }

            var drainSeconds = Stopwatch.GetElapsedTime(drainStarted).TotalSeconds;
            var offline = devices.Length - (int)fleet.Online;
            context.Monitor.Attach(null);
            recorder.TakeInterval(); // what the monitor did not take (all of it when relay clients ran alongside and were attached instead)
            var cpu = CpuSnapshot.Take(context.Monitor.Processes).Since(before);
            var (lateShare, _) = recorder.DispatchLag();
            var lost = tracker.Subscribers.Sum(s => s.Missing());
            var duplicated = tracker.Subscribers.Sum(s => s.Duplicates);
            var latency = LatencySummary.FromMicroseconds(recorder.Total());
            var result = new NotifyResult
            {
                SseSubscribers = sseCount,
                SignalRSubscribers = signalRCount,
                TargetRate = options.NotifyRate,
                SendSeconds = Math.Round(sendSeconds, 2),
                Sent = sent,
                SentPerSecond = Math.Round(sent / sendSeconds, 1),
                Acknowledged = online.Sum(d => d.Notifications.Acknowledged),
                Resent = online.Sum(d => d.Notifications.Resent),
                Expected = tracker.Expected,
                Delivered = tracker.Delivered,
                DeliveredPerSecond = Math.Round(tracker.Delivered / sendSeconds, 1),
                Lost = lost,
                Duplicated = duplicated,
                SubscribersWithLoss = tracker.Subscribers.Count(s => s.Missing() > 0),
                SubscribersWithDuplicates = tracker.Subscribers.Count(s => s.Duplicates > 0),
                StreamRestarts = tracker.Subscribers.Sum(s => s.Restarts),
                DrainSeconds = Math.Round(drainSeconds, 2),
                Latency = latency,
                EdgeCpuMicrosPerNotification = PerNotification(cpu.Edge, sent),
                SiloCpuMicrosPerNotification = PerNotification(cpu.Silo, sent),
                LoadGeneratorCpuPercent = Math.Round(cpu.LoadGeneratorPercentOfMachine, 1),
                OtherProcessesCpuPercent = Math.Round(cpu.OthersPercentOfMachine, 1),
                MachineBusyPercent = Math.Round(cpu.MachineBusyPercent, 1),
                LateDispatchShare = Math.Round(lateShare, 4),
                DevicesOfflineAtEnd = offline,
            };
            context.Result.Notify = result;
            if (tracker.Foreign > 0)
            {
                context.Result.Notes.Add($"{tracker.Foreign} notification(s) received that this run did not send (ignored).");
            }

            context.View.Line($"notify: {result.SentPerSecond:0}/s sent, {result.Delivered:N0}/{result.Expected:N0} delivered, {lost} lost, {duplicated} duplicated, p99 {latency.P99Ms} ms");
            var targets = context.Result.Targets;
            targets.Add(new TargetCheck("notify rate", "1,000 notifications/s from 10,000 devices to 1,000 SSE subscribers", $"{result.SentPerSecond:N0}/s from {online.Length:N0} devices to {sseCount:N0} SSE + {signalRCount:N0} SignalR subscribers", result.SentPerSecond >= 1000 * RateTolerance && online.Length >= 10_000 && sseCount >= 1000));
            targets.Add(new TargetCheck("notify latency", "p99 device → subscriber ≤ 20 ms", $"p99 {latency.P99Ms:0.00} ms ({latency.Count:N0} deliveries)", latency.Count > 0 && latency.P99Ms <= 20));
            if (relayPhase is not null)
            {
                var timeouts = relayPhase.Errors.GetValueOrDefault("client-timeout");
                targets.Add(new TargetCheck("no hangs", $"every relayed request answered within the client timeout ({options.ClientTimeout.TotalSeconds:0} s)", $"{timeouts:N0} client timeouts, max {relayPhase.Latency.MaxMs:N0} ms of {relayPhase.Requests:N0} requests", timeouts == 0 && relayPhase.Latency.MaxMs <= options.ClientTimeout.TotalMilliseconds && relayPhase.Requests > 0));
            }

            targets.Add(new TargetCheck("devices online", "every device online after the drain", $"{offline:N0} of {devices.Length:N0} offline", offline == 0));
            targets.Add(new TargetCheck("notify loss", "zero lost, zero duplicated", $"{lost:N0} lost, {duplicated:N0} duplicated of {result.Expected:N0}", lost == 0 && duplicated == 0 && result.Expected > 0));
        }
        finally
        {
            await stopSubscribers.CancelAsync();
            await Task.WhenAll(reading);
            foreach (var hub in signalR)
            {
                await hub.DisposeAsync();
            }

            await context.DisconnectAsync(fleet);
        }
    }

    /// <summary>Open model: notification n is scheduled at n / rate; each goes to a random online device's outbox.</summary>
    private static async Task<long> SendAsync(SimulatedDevice[] devices, DeliveryTracker tracker, LatencyRecorder recorder, double rate, TimeSpan duration, CancellationToken cancellationToken)
    {
        var random = new Random(21);
        var started = Stopwatch.GetTimestamp();
        var ticksPerNotification = Stopwatch.Frequency / rate;
        var total = (long)(rate * duration.TotalSeconds);
        long next = 0;
        while (next < total && !cancellationToken.IsCancellationRequested)
        {
            var due = Math.Min(total, (long)((Stopwatch.GetTimestamp() - started) / ticksPerNotification) + 1);
            for (; next < due; next++)
            {
                var scheduled = started + (long)(next * ticksPerNotification);
                recorder.RecordDispatchLag(Stopwatch.GetElapsedTime(scheduled));
                var device = devices[random.Next(devices.Length)];
                tracker.Sending(device.DeviceId, next + 1);
                device.Notifications.Add(NotificationText.Format(next + 1, scheduled));
            }

            await Task.Delay(1, cancellationToken);
        }

        return next;
    }

    private static double PerNotification(TimeSpan cpu, long count) => count == 0 ? 0 : Math.Round(cpu.TotalMicroseconds / count, 1);
}
