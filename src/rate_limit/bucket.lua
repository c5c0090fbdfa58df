-- One client's bucket, refilled for the time since it was last written and spent from, in
-- one step: Redis runs a script whole, so replicas spending at once each see the other's
-- spend. The arithmetic is `Buckets::spend` and `Spend::apply`'s in rate_limit.rs.
--
-- KEYS[1]  the bucket: a hash of the points it held and when (Redis's clock, in seconds)
-- ARGV[1]  its capacity, in points
-- ARGV[2]  the points it refills per second
-- ARGV[3]  the spend: `check`, `charge` or `refusal`
-- ARGV[4]  the points a charge asks
-- ARGV[5]  milliseconds to keep the bucket after this spend: by then it is full, which is
--          what a missing bucket is
--
-- Returns the points left, the points a refused spend needed (0 when none was refused) and
-- Redis's clock in whole seconds, as strings: a Lua number would reach Redis as an integer.
local capacity = tonumber(ARGV[1])
local per_sec = tonumber(ARGV[2])
local spend = ARGV[3]
local asked = tonumber(ARGV[4])

-- Redis's clock, not the replicas': theirs may disagree.
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000

local points = capacity
local stored = redis.call('HMGET', KEYS[1], 'points', 'at')
if stored[1] and stored[2] then
  local elapsed = math.max(0, now - tonumber(stored[2]))
  points = math.min(capacity, tonumber(stored[1]) + elapsed * per_sec)
end

local needed = 0
if spend == 'check' then
  if points < 1 then
    needed = 1
  end
elseif spend == 'charge' then
  if points >= asked then
    points = points - asked
  else
    points = math.max(0, points - 1)
    needed = asked
  end
else
  points = math.max(0, points - 1)
end

-- A check takes nothing, and the refill is linear, so the stored state still holds.
if spend ~= 'check' then
  redis.call('HSET', KEYS[1], 'points', string.format('%.17g', points),
    'at', string.format('%.17g', now))
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
end

return { string.format('%.17g', points), string.format('%.17g', needed), clock[1] }
