#!/usr/bin/env bash
# Adds one EF Core migration for both engines: scripts/add-migration.sh <Service> <MigrationName>
# e.g. scripts/add-migration.sh Catalog AddProductTags
set -euo pipefail
cd "$(dirname "$0")/.."
service=${1:?service name, e.g. Catalog}
name=${2:?migration name}
project="src/Services/$service/Agora.$service.csproj"
dotnet tool restore >/dev/null
for provider in Sqlite Postgres; do
  AGORA_EF_PROVIDER=${provider,,} dotnet ef migrations add "$name" \
    --project "$project" --output-dir "Infrastructure/Migrations/$provider" \
    --namespace "Agora.$service.Infrastructure.Migrations.$provider"
done
