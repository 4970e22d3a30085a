using Microsoft.EntityFrameworkCore;

namespace Agora.Storage;

/// <summary>The column conventions every service's DbContext shares.</summary>
public static class ModelConventions
{
    /// <summary>
    /// snake_case column names on every provider, and every timestamp (<see cref="DateTime"/> or <c>DateTime?</c>)
    /// stored and read as UTC (<see cref="UtcDateTime.Converter"/>; EF applies it to nullable columns too). Call last in
    /// <c>OnModelCreating</c>, after every entity is mapped.
    /// </summary>
    public static ModelBuilder UseAgoraColumnConventions(this ModelBuilder modelBuilder)
    {
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(property.Name));
                if (property.ClrType == typeof(DateTime) || property.ClrType == typeof(DateTime?))
                {
                    property.SetValueConverter(UtcDateTime.Converter);
                }
            }
        }

        return modelBuilder;
    }
}
