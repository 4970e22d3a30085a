using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Http;

/// <summary>A tag of the OpenAPI document and what its operations are about.</summary>
public sealed record OpenApiTagDescription(string Name, string Description);

/// <summary>Endpoint metadata: an error status the endpoint answers with, and its stable codes.</summary>
public sealed record ApiErrorCodesMetadata(int StatusCode, IReadOnlyList<string> Codes);

/// <summary>Endpoint metadata: a request header the endpoint requires (documented as a required header parameter).</summary>
/// <param name="Name">The header's name.</param>
/// <param name="MaxLength">The longest value accepted.</param>
/// <param name="Description">What it is for and what its absence answers.</param>
public sealed record RequiredHeaderMetadata(string Name, int MaxLength, string Description);

/// <summary>Endpoint metadata: the resource carries an ETag and the endpoint honours conditional requests.</summary>
public sealed class ETagMetadata
{
    internal static readonly ETagMetadata Instance = new();

    private ETagMetadata()
    {
    }
}

/// <summary>
/// Marks a constructor-bound request property that clients may leave out. A record's constructor parameters
/// are otherwise documented as required; this removes the property from the schema's <c>required</c>.
/// Documentation only: binding and validation do not read it.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class ApiOptionalAttribute : Attribute;

/// <summary>
/// Documents a string property or parameter whose value is one of a known set as a JSON schema <c>enum</c>: the
/// snake_case names of an enum type's members (as the API writes enums, <c>capture_failed</c>), or the values given.
/// Use it where the value travels as a string but its values are known. Documentation only: an endpoint that takes
/// such a value must itself reject any other (422).
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class ApiEnumAttribute : Attribute
{
    /// <summary>The snake_case names of <paramref name="enumType"/>'s members.</summary>
    public ApiEnumAttribute(Type enumType) =>
        Values = [.. Enum.GetNames(enumType).Select(System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName)];

    /// <summary>Exactly <paramref name="values"/>.</summary>
    public ApiEnumAttribute(params string[] values) => Values = values;

    /// <summary>The values the document lists.</summary>
    public IReadOnlyList<string> Values { get; }
}

/// <summary>How endpoints and services describe themselves in the OpenAPI document.</summary>
public static class OpenApiEndpointExtensions
{
    /// <summary>
    /// Documents an error response in the error envelope (<see cref="ApiErrorEnvelope"/>) with the codes the endpoint
    /// gives for it. 400, 413, 415, 429 and 500 are added to every operation that can produce them; declare the rest.
    /// </summary>
    public static TBuilder ProducesError<TBuilder>(this TBuilder builder, int statusCode, params string[] codes)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(
            new ProducesResponseTypeMetadata(statusCode, typeof(ApiErrorEnvelope), ["application/json"]),
            new ApiErrorCodesMetadata(statusCode, codes));

    /// <summary>
    /// Documents a request header the endpoint requires, as a required header parameter. Documentation only: the
    /// endpoint refuses a request without it itself (and declares that error with <see cref="ProducesError{TBuilder}"/>).
    /// </summary>
    public static TBuilder RequiresHeader<TBuilder>(this TBuilder builder, string name, int maxLength, string description)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiredHeaderMetadata(name, maxLength, description));

    /// <summary>
    /// Documents the resource's <c>ETag</c> on success, and the conditional request the method honours:
    /// <c>If-None-Match</c> (304) on GET, <c>If-Match</c> (412) on PUT, PATCH and DELETE.
    /// </summary>
    public static TBuilder WithETag<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(ETagMetadata.Instance);

    /// <summary>Adds a described tag to the service's OpenAPI document.</summary>
    public static IServiceCollection AddOpenApiTag(this IServiceCollection services, string name, string description) =>
        services.AddSingleton(new OpenApiTagDescription(name, description));
}
