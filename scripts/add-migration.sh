#!/usr/bin/env bash
# Adds one EF Core migration for both engines: scripts/add-migration.sh <Service> <MigrationName>
# e.g. scripts/add-migration.sh Catalog AddProductTags
#
# Each engine keeps its own snapshot (Migrations/<Engine>/<Engine>ModelSnapshot.cs). dotnet ef looks for the snapshot
# file by its default name anywhere in the project and would overwrite the other engine's, so each run sees only its own.
set -euo pipefail
cd "$(dirname "$0")/.."
service=${1:?service name, e.g. Catalog}
name=${2:?migration name}
dir="src/Services/$service"
project="$dir/Agora.$service.csproj"
dotnet tool restore >/dev/null
for provider in Sqlite Postgres; do
  out="$dir/Infrastructure/Migrations/$provider"
  mkdir -p "$out"
  default="$out/${service}DbContextModelSnapshot.cs"
  kept="$out/${provider}ModelSnapshot.cs"
  [ -f "$kept" ] && mv "$kept" "$default"
  AGORA_EF_PROVIDER=${provider,,} dotnet ef migrations add "$name" \
    --project "$project" --output-dir "Infrastructure/Migrations/$provider"
  mv "$default" "$kept"
done
