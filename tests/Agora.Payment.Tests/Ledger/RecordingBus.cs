using System.Reflection;
using Wolverine;

namespace Agora.Payment.Tests.Ledger;

/// <summary>
/// An <see cref="IMessageBus"/> that records what it is asked to publish, send or schedule and does nothing else: for
/// unit tests of code that decides what to send, where the sending itself (the outbox, the broker) is not under test.
/// </summary>
public class RecordingBus : DispatchProxy
{
    private readonly List<(string Method, object Message, object? When)> _calls = [];

    public static (IMessageBus Bus, RecordingBus Record) Create()
    {
        var bus = DispatchProxy.Create<IMessageBus, RecordingBus>();
        return (bus, (RecordingBus)(object)bus);
    }

    public IReadOnlyList<object> Published => Of("PublishAsync");
    public IReadOnlyList<object> Sent => Of("SendAsync");

    /// <summary>Scheduled messages with their delay (or time).</summary>
    public IReadOnlyList<(object Message, object? When)> Scheduled =>
        _calls.Where(c => c.Method == "ScheduleAsync").Select(c => (c.Message, c.When)).ToList();

    private List<object> Of(string method) => _calls.Where(c => c.Method == method).Select(c => c.Message).ToList();

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (targetMethod.Name is "PublishAsync" or "SendAsync" && args is [{ } message, ..])
        {
            // bus.ScheduleAsync(message, delay) is an extension: a publish whose options carry the delay or the time.
            var options = args.Length > 1 ? args[1] as DeliveryOptions : null;
            object? when = options?.ScheduleDelay is { } delay ? delay : options?.ScheduledTime;
            _calls.Add((when is null ? targetMethod.Name : "ScheduleAsync", message, when));
        }
        else
        {
            throw new NotSupportedException($"RecordingBus does not record {targetMethod.Name}.");
        }

        return targetMethod.ReturnType == typeof(ValueTask) ? default(ValueTask)
            : targetMethod.ReturnType == typeof(Task) ? Task.CompletedTask
            : throw new NotSupportedException($"RecordingBus cannot answer {targetMethod.Name}.");
    }
}
