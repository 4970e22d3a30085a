using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Agora.Hosting;

/// <summary>How every part registers its settings: bound, checked, and checked at start rather than at first use.</summary>
public static class ValidatedOptions
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> to the configuration section <paramref name="sectionName"/>, checks its
    /// data annotations, and fails the start when a check fails, naming it, instead of the first request that reads the
    /// settings. Add the type's own rules to what this returns with <c>.Validate(…)</c>: they run at start too.
    /// </summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions>(this IServiceCollection services, string sectionName)
        where TOptions : class =>
        services.AddOptions<TOptions>().BindConfiguration(sectionName).ValidateDataAnnotations().ValidateOnStart();
}
