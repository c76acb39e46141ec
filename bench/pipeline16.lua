-- wrk script: 16 GET requests pipelined in each write (bench/http_wrk.sh).
init = function(args)
  local r = {}
  for i = 1, 16 do r[i] = wrk.format(nil, "/") end
  req = table.concat(r)
end
request = function() return req end
