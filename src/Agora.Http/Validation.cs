namespace Agora.Http;

/// <summary>Collects field errors of one request; endpoints return <see cref="ToError"/> (422) when any.</summary>
public sealed class Validator
{
    private List<FieldError>? _errors;

    /// <summary>True when no check failed.</summary>
    public bool IsValid => _errors is null;

    /// <summary>The failures so far.</summary>
    public IReadOnlyList<FieldError> Errors => _errors ?? [];

    /// <summary>Records <paramref name="message"/> for <paramref name="field"/> unless <paramref name="condition"/> holds.</summary>
    public Validator Require(bool condition, string field, string message)
    {
        if (!condition)
        {
            Add(field, message);
        }

        return this;
    }

    /// <summary>At most this many details are reported; the rest add nothing a client can act on.</summary>
    public const int MaxDetails = 100;

    /// <summary>Field names echoed back are cut to this length (a client may send anything as a name).</summary>
    public const int MaxFieldLength = 64;

    /// <summary>Records a failure.</summary>
    public Validator Add(string field, string message)
    {
        _errors ??= [];
        if (_errors.Count < MaxDetails)
        {
            _errors.Add(new FieldError(field.Length <= MaxFieldLength ? field : field[..MaxFieldLength] + "…", message));
        }

        return this;
    }

    /// <summary>
    /// An optional filter naming one of <typeparamref name="TEnum"/>'s values (any case; a number is refused, though
    /// <see cref="Enum.TryParse{TEnum}(string?, bool, out TEnum)"/> would take it): null when <paramref name="value"/> is
    /// empty; otherwise the value, or <paramref name="message"/> recorded for <paramref name="field"/>.
    /// </summary>
    public TEnum? Enum<TEnum>(string? value, string field, string message) where TEnum : struct, Enum
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (System.Enum.TryParse<TEnum>(value, ignoreCase: true, out var parsed) && !int.TryParse(value, out _))
        {
            return parsed;
        }

        Add(field, message);
        return null;
    }

    /// <summary>The 422 result.</summary>
    public ApiError ToError() => ApiResults.Validation(Errors);
}
