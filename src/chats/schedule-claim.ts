import type { Redis } from "ioredis";
import { luaScript, runScript } from "../redis/lua-script.ts";

/** Separates a chat's schedule fields in the key of its plan; NIL stands for a field not set. */
const SEP = "\x1f";
const NIL = "\x1e";

/**
 * The chat store's side of a scheduler tick (the schedule zset is the chat
 * store's; delivery/schedule-tick.ts calls this). Takes the first `page` due
 * chats off the schedule zset, in the order they
 * fell due, in one atomic step: reads each chat's schedule fields, looks up
 * the plan its fields have this tick, and moves it to that plan's next due
 * time (or removes it: a plan without one, or a member that is no chat id).
 * Being one script, a chat read is a chat claimed: of several schedulers
 * exactly one takes each slot, and a chat whose settings change moves by its
 * new fields. At the first chat whose fields have no plan yet it stops
 * taking chats, and lists every such key of the page, so that the caller
 * plans them and calls again.
 *
 * KEYS[1] schedule zset. ARGV: now, page, the chat hash prefix, the number
 * of fields, the fields, then (key, next or "") for each plan, numbered from
 * 1 in that order. Returns {ids, dues, plans, removed, unplanned}: the chats
 * moved, as three comma-joined strings (chat ids, dues, plan numbers):
 * three strings a page instead of three replies a chat take this process a
 * third less CPU to read (0.9 s instead of 1.3–1.4 s a million); then how
 * many members were removed, and the unplanned keys.
 */
const CLAIM_DUE = luaScript(`
local now, page, prefix, nf = ARGV[1], tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])
local fields = {}
for i = 1, nf do fields[i] = ARGV[4 + i] end
local plans = {}
local number = 0
for i = 5 + nf, #ARGV, 2 do
  number = number + 1
  plans[ARGV[i]] = { number = tostring(number), next = ARGV[i + 1], members = {} }
end
local call, find, concat = redis.call, string.find, table.concat
local due = call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'WITHSCORES', 'LIMIT', 0, page)
local ids, dues, numbers, unplanned, seen, rems = {}, {}, {}, {}, {}, {}
local n = 0
local stopped = false
for j = 1, #due, 2 do
  local member = due[j]
  local plan, key = nil, nil
  if find(member, '^%-?%d+$') then
    local v = call('HMGET', prefix .. member, unpack(fields))
    for f = 1, nf do v[f] = v[f] or '${NIL}' end
    key = concat(v, '${SEP}')
    plan = plans[key]
  end
  if key and not plan then
    if not seen[key] then seen[key] = true unplanned[#unplanned + 1] = key end
    stopped = true
  elseif not stopped then
    if plan and plan.next ~= '' then
      plan.members[#plan.members + 1] = member
      n = n + 1
      ids[n] = member
      dues[n] = due[j + 1]
      numbers[n] = plan.number
    else
      rems[#rems + 1] = member
    end
  end
end
-- Members of one score sit in the zset in byte order: adding them in that
-- order keeps each insert beside the last one (fewer cache misses in Redis).
for _, plan in pairs(plans) do
  local members = plan.members
  if #members > 0 then
    table.sort(members)
    local args = {}
    for i = 1, #members do
      args[#args + 1] = plan.next
      args[#args + 1] = members[i]
      if #args >= 1000 then call('ZADD', KEYS[1], unpack(args)) args = {} end
    end
    if #args > 0 then call('ZADD', KEYS[1], unpack(args)) end
  end
end
for from = 1, #rems, 500 do
  call('ZREM', KEYS[1], unpack(rems, from, math.min(from + 499, #rems)))
end
return { concat(ids, ','), concat(dues, ','), concat(numbers, ','), #rems, unplanned }
`);

/** One chat moved on the schedule: its id, the time it was due, and the number of its plan. */
interface TakenChat {
  chatId: number;
  member: string;
  due: number;
  plan: number;
}

export interface ClaimedPage {
  /** chats moved to their plan's next due time */
  taken: TakenChat[];
  /** members taken off the schedule: no chat id, or a plan without a next due time */
  removed: number;
  /** keys (fieldsOfKey) of chats the page could not take for want of a plan */
  unplanned: string[];
}

/** A chat's schedule field values from its plan key. */
export function fieldsOfKey(key: string): (string | null)[] {
  return key.split(SEP).map((value) => (value === NIL ? null : value));
}

export interface ClaimDueOptions {
  scheduleKey: string;
  /** the chat hash key is this prefix followed by the chat id */
  chatKeyPrefix: string;
  fields: readonly string[];
  now: number;
  page: number;
  /** (key, next due ms or undefined: unschedule) of every plan, numbered from 1 in this order */
  plans: readonly (readonly [string, number | undefined])[];
}

/** Runs CLAIM_DUE once; see there. */
export async function claimDue(redis: Redis, options: ClaimDueOptions): Promise<ClaimedPage> {
  const args: (string | number)[] = [
    options.now,
    options.page,
    options.chatKeyPrefix,
    options.fields.length,
    ...options.fields,
  ];
  for (const [key, next] of options.plans) args.push(key, next ?? "");
  const [ids, dues, numbers, removed, unplanned] = (await runScript(
    redis,
    CLAIM_DUE,
    [options.scheduleKey],
    args,
  )) as [string, string, string, number, string[]];
  const taken: TakenChat[] = [];
  if (ids !== "") {
    const members = ids.split(",");
    const dueList = dues.split(",");
    const planList = numbers.split(",");
    for (let i = 0; i < members.length; i++) {
      taken.push({
        chatId: Number(members[i]),
        member: members[i] as string,
        due: Number(dueList[i]),
        plan: Number(planList[i]),
      });
    }
  }
  return { taken, removed, unplanned };
}

/**
 * Puts chats back at their due time if each still waits at the time it was
 * moved to (ARGV: member, moved-to, due triples), so a chat whose digest
 * could not be enqueued is due again, and one changed since is left alone.
 */
const PUT_BACK = luaScript(`
for i = 1, #ARGV, 3 do
  local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if score and tonumber(score) == tonumber(ARGV[i + 1]) then
    redis.call('ZADD', KEYS[1], ARGV[i + 2], ARGV[i])
  end
end
return 0
`);

/** Runs PUT_BACK over `chats`; see there. */
export async function putBack(
  redis: Redis,
  scheduleKey: string,
  chats: readonly { member: string; movedTo: number; due: number }[],
): Promise<void> {
  if (chats.length === 0) return;
  const args = chats.flatMap((c) => [c.member, c.movedTo, c.due]);
  await runScript(redis, PUT_BACK, [scheduleKey], args);
}
