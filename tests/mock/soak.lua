-- wrk's workload for the mock's soak (attack_test.py): per connection thread, a mix of reads
-- (list, get, lookup) and writes (create; update; delete of a token this thread created), so that
-- the store stays small and every request should succeed. Arguments: the admin token, and the ID
-- and secret of a token to read and update.
local admin, target_id, target
local created = {}
local n = 0

function init(args)
  admin, target_id, target = args[1], args[2], args[3]
  wrk.headers["Authorization"] = "Api-Token " .. admin
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  n = n + 1
  local k = n % 10
  if k == 0 or k == 5 then
    return wrk.format("POST", "/api/v2/apiTokens", nil,
                      '{"name":"soak","scopes":["metrics.read","logs.ingest"]}')
  elseif (k == 3 or k == 8) and #created > 0 then
    return wrk.format("DELETE", "/api/v2/apiTokens/" .. table.remove(created))
  elseif k == 1 then
    return wrk.format("PUT", "/api/v2/apiTokens/" .. target_id, nil,
                      '{"name":"updated ' .. n .. '","scopes":["metrics.read"]}')
  elseif k == 2 then
    return wrk.format("POST", "/api/v2/apiTokens/lookup", nil, '{"token":"' .. target .. '"}')
  elseif k == 4 then
    return wrk.format("GET", "/api/v2/apiTokens/" .. target_id)
  else
    return wrk.format("GET", "/api/v2/apiTokens?pageSize=100&fields=%2Bscopes")
  end
end

function response(status, headers, body)
  if status == 201 then
    local id = body:match('"id":"([^"]+)"')
    if id then table.insert(created, id) end
  end
end
