using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Agora.Http;
using Agora.Hosting;
using Agora.Primitives;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;

namespace Agora.OpenApi;

/// <summary>
/// What every operation of every service shares in the OpenAPI document: the error envelope on the errors the
/// framework and the gateway produce, the headers every response carries, conditional requests, and the
/// limits on strings, arrays and integers that the OWASP ruleset asks for.
/// </summary>
internal static partial class AgoraOpenApiTransformers
{
    private const string ErrorSchemaId = nameof(ApiErrorEnvelope);
    private const string IdPattern = "^[A-Za-z0-9._:-]+$";

    /// <summary>"2026-11-25T18:29:30.1234567+00:00": the longest date-time System.Text.Json writes.</summary>
    private const int DateTimeMaxLength = 33;

    // Shared response headers, as components.
    private const string RequestIdHeader = CorrelationContext.RequestIdHeader;
    private const string CorrelationIdHeader = CorrelationContext.CorrelationIdHeader;
    private const string RateLimitLimit = "X-RateLimit-Limit";
    private const string RateLimitRemaining = "X-RateLimit-Remaining";
    private const string RateLimitReset = "X-RateLimit-Reset";
    private const string RetryAfter = "Retry-After";
    private const string AllowOrigin = "Access-Control-Allow-Origin";
    private const string ETag = "ETag";
    private const string Location = "Location";

    private static readonly string[] EveryResponseHeaders =
        [RequestIdHeader, CorrelationIdHeader, RateLimitLimit, RateLimitRemaining, RateLimitReset, AllowOrigin];

    public static void DescribeDocument(OpenApiDocument doc, string serviceName, IEnumerable<OpenApiTagDescription> tags)
    {
        var title = $"{char.ToUpperInvariant(serviceName[0])}{serviceName[1..]}";
        doc.Info = new OpenApiInfo
        {
            Title = $"Agora {title} API",
            Version = "v1",
            Description = $"The {serviceName} service of Agora. Every response uses the envelope "
                + "{data, meta} or {error, meta}; collections are cursor-paged. Every response carries X-Request-ID "
                + "and X-Correlation-ID; resources carry an ETag. Errors have a stable UPPER_SNAKE error.code. "
                + "Writes need an OAuth 2.0 bearer token from Identity (see the security schemes).",
            Contact = new OpenApiContact { Name = "Agora", Url = new Uri("https://agora.example.com/support") },
            License = new OpenApiLicense { Name = "MIT", Identifier = "MIT" },
        };

        // Relative, so that the document describes whoever served it, not the host that built it.
        doc.Servers =
        [
            new OpenApiServer
            {
                Url = "/",
                Description = "The host that served this document: the Agora gateway in staging and production, "
                    + "or the service itself in local development and tests. The paths are the same on both.",
                Extensions = new Dictionary<string, IOpenApiExtension> { ["x-internal"] = new JsonNodeExtension(JsonValue.Create(false)) },
            },
        ];

        var descriptions = tags.ToDictionary(t => t.Name, t => t.Description, StringComparer.Ordinal);
        foreach (var tag in doc.Tags ?? Enumerable.Empty<OpenApiTag>())
        {
            if (tag.Name is not null && descriptions.TryGetValue(tag.Name, out var description))
            {
                tag.Description = description;
            }
        }

        doc.Components ??= new OpenApiComponents();
        doc.Components.Headers = SharedHeaders();
    }

    /// <summary>
    /// Drops component schemas nothing refers to any more, such as the <c>JsonElement</c> a raw body had before
    /// <c>Accepts&lt;T&gt;</c> documented its real shape.
    /// </summary>
    public static async Task PruneUnusedSchemasAsync(OpenApiDocument doc, CancellationToken cancellationToken)
    {
        while (doc.Components?.Schemas is { Count: > 0 } schemas)
        {
            var json = await doc.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1, cancellationToken);
            var used = SchemaReference().Matches(json).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
            var unused = schemas.Keys.Where(id => !used.Contains(id)).ToList();
            if (unused.Count == 0)
            {
                return;
            }

            unused.ForEach(id => schemas.Remove(id));
        }
    }

    [GeneratedRegex("\"#/components/schemas/([^\"]+)\"")]
    private static partial Regex SchemaReference();

    private static Dictionary<string, IOpenApiHeader> SharedHeaders() => new(StringComparer.Ordinal)
    {
        [RequestIdHeader] = Header(true, Id(128),
            "The request's id: the client's X-Request-ID when it is 1–128 characters of [A-Za-z0-9-_.:], else a "
            + "generated one. The same value is meta.request_id; quote it when reporting a problem."),
        [CorrelationIdHeader] = Header(true, Id(128),
            "The id of the whole interaction: the client's X-Correlation-ID when it is 1–128 characters of "
            + "[A-Za-z0-9-_.:], else a generated one. It follows the request into other services and messages."),
        [RateLimitLimit] = Header(false, Integer(0, int.MaxValue, "int32"),
            "Requests allowed in the current window. Sent by the Agora gateway, which enforces rate limits per consumer; "
            + "absent when the service is called directly."),
        [RateLimitRemaining] = Header(false, Integer(0, int.MaxValue, "int32"),
            "Requests left in the current window. Sent by the Agora gateway; absent when the service is called directly."),
        [RateLimitReset] = Header(false, Integer(0, long.MaxValue, "int64"),
            "When the current window ends, in Unix seconds. Sent by the Agora gateway; absent when the service is called directly."),
        [RetryAfter] = Header(false, Integer(0, int.MaxValue, "int32"),
            "Seconds to wait before trying again. Sent by the Agora gateway with 429."),
        [AllowOrigin] = Header(false, new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 2048 },
            "Cross-origin (CORS) access is decided at the Agora gateway, which sends this header to the browser origins "
            + "it allows. The service itself never sends it, so browsers refuse cross-origin calls made to it directly."),
        [ETag] = Header(true, new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 12, Pattern = "^\"[0-9]+\"$" },
            "The resource's version as a strong ETag. Send it back in If-Match to guard an update against lost "
            + "updates (412 when it changed), or in If-None-Match to revalidate a cached copy (304 when unchanged)."),
        [Location] = Header(true, new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri-reference", MaxLength = 200 },
            "The new resource's path."),
    };

    public static async Task DescribeOperationAsync(
        OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var document = context.Document!;
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var method = context.Description.HttpMethod?.ToUpperInvariant();
        var hasETag = metadata.OfType<ETagMetadata>().Any();
        var hasBody = operation.RequestBody is not null;
        operation.Parameters ??= [];
        operation.Responses ??= [];
        var hasQuery = operation.Parameters.Any(p => p.In == ParameterLocation.Query);

        foreach (var parameter in operation.Parameters.OfType<OpenApiParameter>())
        {
            // Every path parameter is an Agora id (Ids, CorrelationContext.IsSane): longer ones never exist.
            if (parameter is { In: ParameterLocation.Path, Schema: OpenApiSchema { MaxLength: null } schema }
                && schema.Type == JsonSchemaType.String)
            {
                schema.MaxLength = 128;
                schema.Pattern ??= IdPattern;
                parameter.Description ??= "The resource's id.";
            }
        }

        foreach (var header in metadata.OfType<RequiredHeaderMetadata>())
        {
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = header.Name,
                In = ParameterLocation.Header,
                Required = true,
                Description = header.Description,
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = header.MaxLength },
            });
        }

        // Error statuses with their codes: what the endpoint declares, plus what the framework and gateway add.
        var errors = new SortedDictionary<int, List<string>>();
        foreach (var declared in metadata.OfType<ApiErrorCodesMetadata>())
        {
            Codes(errors, declared.StatusCode).AddRange(declared.Codes);
        }

        if (hasBody)
        {
            Codes(errors, StatusCodes.Status400BadRequest).AddRange([ErrorCodes.InvalidJson, ErrorCodes.BadRequest]);
            Codes(errors, StatusCodes.Status413PayloadTooLarge).Add(ErrorCodes.PayloadTooLarge);
            Codes(errors, StatusCodes.Status415UnsupportedMediaType).Add(ErrorCodes.UnsupportedMediaType);
        }

        if (hasQuery)
        {
            Codes(errors, StatusCodes.Status400BadRequest).Add(ErrorCodes.InvalidParameter);
        }

        // InputGuardMiddleware refuses a query parameter outside its declared limits with 422.
        if (operation.Parameters.Any(p => p.In == ParameterLocation.Query && p.Schema is OpenApiSchema q
            && (q.MaxLength is not null || q.MinLength is not null || q.Pattern is not null || q.Minimum is not null
                || q.Maximum is not null || q.Enum is { Count: > 0 })))
        {
            Codes(errors, StatusCodes.Status422UnprocessableEntity).Add(ErrorCodes.ValidationError);
        }

        if (hasETag && method is "PUT" or "PATCH" or "DELETE")
        {
            Codes(errors, StatusCodes.Status412PreconditionFailed).Add(ErrorCodes.PreconditionFailed);
            operation.Parameters.Add(ConditionalHeader("If-Match",
                "Apply the change only if the resource's current ETag is one of these (or *); else 412 PRECONDITION_FAILED."));
        }

        if (hasETag && method is "GET")
        {
            operation.Parameters.Add(ConditionalHeader("If-None-Match",
                "Answer 304 without a body when the resource's current ETag is one of these (or *)."));
            operation.Responses["304"] = new OpenApiResponse { Description = "Not Modified: If-None-Match names the current ETag." };
        }

        Codes(errors, StatusCodes.Status429TooManyRequests).Add(ErrorCodes.RateLimited);
        Codes(errors, StatusCodes.Status500InternalServerError).Add(ErrorCodes.InternalError);

        // Accepts<T> names the body's shape when the handler reads it raw (a JsonElement, say).
        if (metadata.OfType<IAcceptsMetadata>().LastOrDefault() is { RequestType: { } requestType }
            && operation.RequestBody is OpenApiRequestBody { Content: { } content }
            && context.Description.ParameterDescriptions.Any(p => p.Source == BindingSource.Body && p.Type != requestType))
        {
            var bodySchema = await ComponentAsync(context, requestType, requestType.Name, cancellationToken);
            foreach (var media in content.Values)
            {
                media.Schema = bodySchema;
            }
        }

        var errorSchema = await ComponentAsync(context, typeof(ApiErrorEnvelope), ErrorSchemaId, cancellationToken);
        foreach (var (status, codes) in errors)
        {
            var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (operation.Responses.TryGetValue(key, out var existing) && existing is not OpenApiResponse)
            {
                continue; // a shared component response: not ours to rewrite
            }

            var response = existing as OpenApiResponse ?? new OpenApiResponse();
            response.Description = ErrorDescription(status, codes);
            response.Content ??= new Dictionary<string, OpenApiMediaType>();
            response.Content.Clear();
            response.Content["application/json"] = new OpenApiMediaType { Schema = errorSchema };
            operation.Responses[key] = response;
        }

        foreach (var (key, response) in operation.Responses)
        {
            if (response is not OpenApiResponse r)
            {
                continue;
            }

            r.Headers ??= new Dictionary<string, IOpenApiHeader>();
            var names = EveryResponseHeaders.AsEnumerable();
            if (key == "429")
            {
                names = names.Append(RetryAfter);
            }

            if (key == "201")
            {
                names = names.Append(Location);
            }

            if (hasETag && key is "200" or "201" or "304")
            {
                names = names.Append(ETag);
            }

            foreach (var name in names)
            {
                r.Headers[name] = new OpenApiHeaderReference(name, document);
            }
        }
    }

    private static List<string> Codes(SortedDictionary<int, List<string>> errors, int status)
    {
        if (!errors.TryGetValue(status, out var codes))
        {
            errors[status] = codes = [];
        }

        return codes;
    }

    private static string ErrorDescription(int status, List<string> codes)
    {
        var text = $"{ReasonPhrases.GetReasonPhrase(status)}. error.code: {string.Join(", ", codes.Distinct())}.";
        return status switch
        {
            StatusCodes.Status413PayloadTooLarge => text + " The body is larger than the service accepts (Agora:MaxRequestBodyBytes, 1 MiB by default).",
            StatusCodes.Status429TooManyRequests => text + " Sent by the Agora gateway when the consumer's rate limit is spent; wait Retry-After seconds.",
            StatusCodes.Status500InternalServerError => text + " The message names the request id and nothing internal.",
            StatusCodes.Status422UnprocessableEntity => text + " error.details names each invalid field.",
            _ => text,
        };
    }

    /// <summary>A reference to the schema of <paramref name="type"/>, creating the component if no endpoint has yet.</summary>
    private static async Task<IOpenApiSchema> ComponentAsync(
        OpenApiOperationTransformerContext context, Type type, string id, CancellationToken cancellationToken)
    {
        var document = context.Document!;
        if (document.Components?.Schemas?.ContainsKey(id) != true)
        {
            document.AddComponent(id, await context.GetOrCreateSchemaAsync(type, null, cancellationToken));
        }

        return new OpenApiSchemaReference(id, document);
    }

    private static OpenApiParameter ConditionalHeader(string name, string description) => new()
    {
        Name = name,
        In = ParameterLocation.Header,
        Required = false,
        Description = description + " A comma-separated list of ETags as sent in the ETag header.",
        Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 1024 },
    };

    private static OpenApiHeader Header(bool required, OpenApiSchema schema, string description) =>
        new() { Required = required, Schema = schema, Description = description };

    private static OpenApiSchema Id(int maxLength) =>
        new() { Type = JsonSchemaType.String, MaxLength = maxLength, Pattern = IdPattern };

    private static OpenApiSchema Integer(long minimum, long maximum, string format) => new()
    {
        Type = JsonSchemaType.Integer,
        Format = format,
        Minimum = minimum.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Maximum = maximum.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// Bounds every schema can state from its type alone (the range of an int32 or int64, the length of a
    /// date-time), plus the few the shared types know from configuration, and drops <see cref="ApiOptionalAttribute"/>
    /// properties from <c>required</c>.
    /// </summary>
    public static void LimitSchema(OpenApiSchema schema, OpenApiSchemaTransformerContext context, AgoraOptions options)
    {
        if (schema.Type is { } type && type.HasFlag(JsonSchemaType.Integer))
        {
            var (min, max) = schema.Format == "int64" ? (long.MinValue, long.MaxValue) : (int.MinValue, int.MaxValue);
            schema.Format ??= "int32";
            schema.Minimum ??= min.ToString(System.Globalization.CultureInfo.InvariantCulture);
            schema.Maximum ??= max.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (schema.Format == "date-time" && schema.MaxLength is null)
        {
            schema.MaxLength = DateTimeMaxLength;
        }

        // Also for a type nested in a property (an order's shipping_address), whose schema is built for that property.
        if (context.JsonTypeInfo.Kind == JsonTypeInfoKind.Object && schema.Required is { Count: > 0 } required)
        {
            foreach (var property in context.JsonTypeInfo.Properties.Where(IsApiOptional))
            {
                required.Remove(property.Name);
            }
        }

        if (ApiEnumOf(context) is { } apiEnum && schema.Type is { } stringType && stringType.HasFlag(JsonSchemaType.String))
        {
            schema.Enum = [.. apiEnum.Values.Select(v => (JsonNode)JsonValue.Create(v))];
            if (stringType.HasFlag(JsonSchemaType.Null))
            {
                schema.Enum.Add(null!);
            }
        }
        else if (ApiEnumOf(context) is { } itemsEnum && schema.Type is { } arrayType && arrayType.HasFlag(JsonSchemaType.Array)
            && schema.Items is OpenApiSchema { Type: { } itemType } items && itemType.HasFlag(JsonSchemaType.String))
        {
            // A list of known words (an order's flags): each item is one of them.
            items.Enum = [.. itemsEnum.Values.Select(v => (JsonNode)JsonValue.Create(v))];
        }

        if (context.JsonPropertyInfo is not { } member)
        {
            return;
        }

        // One error detail per invalid field: a merge patch naming many unknown fields gets one for each, so the
        // request body limit is the only bound on their number and on the names and messages they echo.
        var bodyLimit = (int)Math.Min(options.MaxRequestBodyBytes, int.MaxValue);
        switch (member.DeclaringType.Name, member.Name)
        {
            case (nameof(ApiErrorInfo), "details"):
                schema.MaxItems ??= bodyLimit / 4;
                break;
            case (nameof(FieldError), "field" or "message"):
                schema.MaxLength ??= bodyLimit;
                break;
        }

        // A page holds at most Paging.MaxPerPage items.
        if (member is { Name: "data" } && member.DeclaringType.IsGenericType
            && member.DeclaringType.GetGenericTypeDefinition() == typeof(ApiEnvelope<>)
            && schema.Type is { } dataType && dataType.HasFlag(JsonSchemaType.Array))
        {
            schema.MaxItems ??= Paging.MaxPerPage;
        }
    }

    /// <summary>The <see cref="ApiEnumAttribute"/> of the property or parameter the schema is for, if any.</summary>
    private static ApiEnumAttribute? ApiEnumOf(OpenApiSchemaTransformerContext context)
    {
        if (context.JsonPropertyInfo is { } property)
        {
            return property.AttributeProvider?.GetCustomAttributes(typeof(ApiEnumAttribute), inherit: false).OfType<ApiEnumAttribute>().FirstOrDefault()
                ?? property.AssociatedParameter?.AttributeProvider?.GetCustomAttributes(typeof(ApiEnumAttribute), inherit: false)
                    .OfType<ApiEnumAttribute>().FirstOrDefault();
        }

        // A parameter's own schema (not one nested in its type's).
        return context.ParameterDescription?.ParameterDescriptor is IParameterInfoParameterDescriptor { ParameterInfo: var parameter }
            && context.JsonTypeInfo.Type == (Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType)
            ? parameter.GetCustomAttribute<ApiEnumAttribute>()
            : null;
    }

    private static bool IsApiOptional(JsonPropertyInfo property) =>
        property.AttributeProvider?.IsDefined(typeof(ApiOptionalAttribute), inherit: false) == true
        || property.AssociatedParameter?.AttributeProvider?.IsDefined(typeof(ApiOptionalAttribute), inherit: false) == true;
}
