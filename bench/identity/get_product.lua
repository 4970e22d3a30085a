-- GET /api/v1/products/{id}, rotating over the ids in $IDS_FILE; with a bearer token when $TOKEN is set.
local ids = {}
for line in io.lines(os.getenv("IDS_FILE")) do ids[#ids + 1] = line end
local token = os.getenv("TOKEN")
local i = 0
request = function()
  i = i % #ids + 1
  local headers = {}
  if token and #token > 0 then headers["Authorization"] = "Bearer " .. token end
  return wrk.format("GET", "/api/v1/products/" .. ids[i], headers)
end
