using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;

namespace Agora.Http;

/// <summary>
/// Checks what a client sends before the endpoint binds it, after authentication and authorization (so a caller who
/// may not call the endpoint learns nothing about its input rules):
/// <list type="bullet">
/// <item>a JSON body must be UTF-8, its strings valid UTF-16 and its objects free of repeated members
/// (<see cref="JsonInput"/>): 400 <c>INVALID_JSON</c>;</item>
/// <item>each query parameter must meet the limits the endpoint declares on it, and that the OpenAPI document
/// publishes (<see cref="MaxLengthAttribute"/>, <see cref="MinLengthAttribute"/>, <see cref="StringLengthAttribute"/>,
/// <see cref="RegularExpressionAttribute"/>, <see cref="RangeAttribute"/>, <see cref="ApiEnumAttribute"/>):
/// 422 <c>VALIDATION_ERROR</c> with a detail per parameter. Values that do not parse as the parameter's type are left
/// to the binder (400 <c>INVALID_PARAMETER</c>).</item>
/// </list>
/// </summary>
public sealed partial class InputGuardMiddleware(RequestDelegate next)
{
    private static readonly ConcurrentDictionary<Endpoint, QueryRule[]> Rules = new();

    public async Task InvokeAsync(HttpContext context)
    {
        // Only endpoints whose handler binds the request here: a proxied route (the gateway's) or a GraphQL endpoint
        // passes the body on to code that checks it itself.
        if (context.GetEndpoint() is not RouteEndpoint endpoint || endpoint.Metadata.GetMetadata<MethodInfo>() is null)
        {
            await next(context);
            return;
        }

        var rules = Rules.GetOrAdd(endpoint, e => QueryRulesOf((RouteEndpoint)e));
        if (rules.Length > 0 && context.Request.Query.Count > 0)
        {
            var v = new Validator();
            foreach (var rule in rules)
            {
                rule.Check(context.Request.Query, v);
            }

            if (!v.IsValid)
            {
                await v.ToError().ExecuteAsync(context);
                return;
            }
        }

        if (HasBody(context.Request) && JsonInput.IsJsonMediaType(context.Request.ContentType)
            && await FindBodyProblemAsync(context) is { } problem)
        {
            await ApiResults.WriteErrorAsync(context, StatusCodes.Status400BadRequest, ErrorCodes.InvalidJson,
                "The request body is not valid JSON for this operation.", [problem]);
            return;
        }

        await next(context);
    }

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    /// <summary>Reads the body once (it stays buffered for the binder; the size limit still applies) and checks it.</summary>
    private static async Task<FieldError?> FindBodyProblemAsync(HttpContext context)
    {
        var request = context.Request;
        request.EnableBuffering();
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, context.RequestAborted);
        request.Body.Position = 0;
        return JsonInput.FindProblem(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    private static QueryRule[] QueryRulesOf(RouteEndpoint endpoint)
    {
        if (endpoint.Metadata.GetMetadata<MethodInfo>() is not { } method)
        {
            return [];
        }

        var rules = new List<QueryRule>();
        foreach (var parameter in method.GetParameters())
        {
            if (parameter.IsDefined(typeof(AsParametersAttribute)))
            {
                foreach (var property in parameter.ParameterType.GetProperties(BindingFlags.Public | BindingFlags.Instance))
                {
                    Add(rules, endpoint, property, property.PropertyType, property.Name);
                }
            }
            else
            {
                Add(rules, endpoint, parameter, parameter.ParameterType, parameter.Name ?? "");
            }
        }

        return [.. rules];
    }

    private static void Add(List<QueryRule> rules, RouteEndpoint endpoint, ICustomAttributeProvider member, Type type, string name)
    {
        var fromQuery = member.GetCustomAttributes(typeof(IFromQueryMetadata), inherit: true).OfType<IFromQueryMetadata>().FirstOrDefault();
        if (fromQuery is null)
        {
            // Only implicit query parameters: simple values, not bound from the route, a header, the body or services.
            if (member.GetCustomAttributes(inherit: true).Any(a => a is IFromRouteMetadata or IFromHeaderMetadata
                    or IFromBodyMetadata or IFromServiceMetadata or IFromFormMetadata)
                || endpoint.RoutePattern.GetParameter(name) is not null
                || !IsSimple(type))
            {
                return;
            }
        }

        var checks = member.GetCustomAttributes(typeof(ValidationAttribute), inherit: true).OfType<ValidationAttribute>()
            .Where(a => a is MaxLengthAttribute or MinLengthAttribute or StringLengthAttribute or RegularExpressionAttribute or RangeAttribute)
            .ToArray();
        var apiEnum = member.GetCustomAttributes(typeof(ApiEnumAttribute), inherit: true).OfType<ApiEnumAttribute>().FirstOrDefault();
        if (checks.Length > 0 || apiEnum is not null)
        {
            rules.Add(new QueryRule(fromQuery?.Name ?? name, Nullable.GetUnderlyingType(type) ?? type, checks, apiEnum));
        }
    }

    private static bool IsSimple(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal)
            || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(Guid);
    }

    // "^(active|suspended)$": a list of values, said as such.
    [GeneratedRegex(@"^\^\(([A-Za-z0-9_]+(?:\|[A-Za-z0-9_]+)+)\)\$$")]
    private static partial Regex Alternatives();

    private sealed record QueryRule(string Name, Type Type, ValidationAttribute[] Checks, ApiEnumAttribute? Enum)
    {
        public void Check(IQueryCollection query, Validator v)
        {
            if (!query.TryGetValue(Name, out var values))
            {
                return;
            }

            foreach (var raw in values)
            {
                // An empty value is an absent one to the binder.
                if (string.IsNullOrEmpty(raw))
                {
                    continue;
                }

                if (Enum is not null && !Enum.Values.Contains(raw, StringComparer.Ordinal))
                {
                    v.Add(Name, $"One of: {string.Join(", ", Enum.Values)}.");
                    return;
                }

                if (!TryConvert(raw, out var value))
                {
                    return; // the binder answers 400 INVALID_PARAMETER
                }

                foreach (var check in Checks)
                {
                    if (!check.IsValid(value))
                    {
                        v.Add(Name, Message(check));
                        return;
                    }
                }
            }
        }

        private bool TryConvert(string raw, out object? value)
        {
            value = raw;
            if (Type == typeof(string))
            {
                return true;
            }

            try
            {
                value = Convert.ChangeType(raw, Type, CultureInfo.InvariantCulture);
                return true;
            }
            catch (Exception ex) when (ex is FormatException or OverflowException or InvalidCastException)
            {
                return false;
            }
        }

        private static string Message(ValidationAttribute check) => check switch
        {
            MaxLengthAttribute max => $"At most {max.Length} characters.",
            StringLengthAttribute s when s.MinimumLength > 0 => $"Between {s.MinimumLength} and {s.MaximumLength} characters.",
            StringLengthAttribute s => $"At most {s.MaximumLength} characters.",
            MinLengthAttribute min => $"At least {min.Length} characters.",
            RegularExpressionAttribute regex when Alternatives().Match(regex.Pattern) is { Success: true } m =>
                $"One of: {m.Groups[1].Value.Replace("|", ", ", StringComparison.Ordinal)}.",
            RegularExpressionAttribute regex => $"Must match {regex.Pattern}.",
            RangeAttribute range => $"Must be between {range.Minimum} and {range.Maximum}.",
            _ => "Invalid value.",
        };
    }
}
