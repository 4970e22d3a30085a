namespace Agora.Hosting;

/// <summary>Background loops on a <see cref="PeriodicTimer"/> that end quietly when the host stops.</summary>
public static class PeriodicTimerExtensions
{
    /// <summary>False when the host stops: a shutdown is not a failure of the loop.</summary>
    public static async Task<bool> NextTickOrStopAsync(this PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
