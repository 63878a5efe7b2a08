import type { Redis } from "ioredis";
import type { Keys } from "../redis/keys.ts";
import {
  luaScript,
  runWrite,
  type ScriptBatch,
  type ScriptCall,
  scriptCall,
} from "../redis/lua-script.ts";

/** How long a job's record (and a chat's flashed ids) are kept: longer than any retry runs. */
const RECORD_TTL_SECONDS = 3 * 24 * 3600;

/** What one delivery job has done so far, kept across retries. */
export interface DeliveryRecord {
  /** part index -> message_id; 0 for a part Telegram refused, which is skipped */
  sent: Map<number, number>;
  /** where the parts go now, when the chat moved (group -> supergroup) */
  target?: number;
  /** the messages as first composed, when there are several, so a retry sends the same parts */
  parts?: string[];
  /** a digest's cursor, when it was composed and its late-news mark, kept with its parts */
  cursor?: number;
  composedAt?: number;
  lateFrom?: number;
  /** the job finished; running it again sends nothing */
  done: boolean;
}

/**
 * The job's record and the chat's flashes. A write given a `batch` goes out
 * with the batch's other writes, for a part's bookkeeping to go to Redis as
 * one command with the slot's release (lua-script.ts ScriptBatch).
 */
export interface DeliveryLog {
  read(jobId: string): Promise<DeliveryRecord>;
  saveParts(
    jobId: string,
    parts: string[],
    digest?: { cursor: number; composedAt: number; lateFrom?: number },
  ): Promise<void>;
  /**
   * Records a part as done: its message_id, or 0 for a part Telegram refused;
   * with `finish`, also what finish() does (for the last part).
   */
  markPart(
    jobId: string,
    index: number,
    messageId: number,
    options?: { finish?: boolean },
    batch?: ScriptBatch,
  ): Promise<void>;
  setTarget(jobId: string, chatId: number): Promise<void>;
  /** Marks the job finished and drops the stored text, keeping only the small index. */
  finish(jobId: string, batch?: ScriptBatch): Promise<void>;
  /**
   * Records that the chat got these articles, as a flash or in a watch
   * message, so its digests and watch messages leave them out.
   */
  markFlashed(chatId: number, articleIds: readonly string[], batch?: ScriptBatch): Promise<void>;
  /** The articles pushed to the chat as flashes in the last few days. */
  flashedTo(chatId: number): Promise<string[]>;
}

const F = {
  parts: "parts",
  cursor: "cursor",
  composedAt: "at",
  lateFrom: "late",
  target: "to",
  done: "done",
} as const;
const PART = "p";

/**
 * One write to a job's record, atomically and in one command (so it joins
 * an auto-pipeline): HDEL of ARGV[2] fields, HSET of the field/value pairs
 * after them, and the record's TTL (ARGV[1]) renewed.
 */
const RECORD_WRITE = luaScript(`
local dels = tonumber(ARGV[2])
for i = 3, 2 + dels do redis.call('HDEL', KEYS[1], ARGV[i]) end
if #ARGV > 2 + dels then redis.call('HSET', KEYS[1], unpack(ARGV, 3 + dels)) end
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1
`);

/** SADD of ARGV[2..] with the set's TTL (ARGV[1]) renewed. */
const FLASHED_ADD = luaScript(`
redis.call('SADD', KEYS[1], unpack(ARGV, 2))
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1
`);

/**
 * Per-job delivery records in Redis: which parts reached Telegram (with their
 * message ids), where they went, and the composed text of a digest of
 * several parts, so a retried or re-run job never sends a part twice and
 * never sends the rest of a digest composed differently.
 */
export function createDeliveryLog(redis: Redis, keys: Keys): DeliveryLog {
  function writeCall(
    jobId: string,
    fields: Record<string, string | number>,
    drop: string[] = [],
  ): ScriptCall {
    return scriptCall(
      RECORD_WRITE,
      [keys.deliveryRecord(jobId)],
      [RECORD_TTL_SECONDS, drop.length, ...drop, ...Object.entries(fields).flat()],
    );
  }
  const write = (...args: Parameters<typeof writeCall>) => runWrite(redis, writeCall(...args));

  return {
    async read(jobId) {
      return decodeRecord(await redis.hgetall(keys.deliveryRecord(jobId)));
    },
    async saveParts(jobId, parts, digest) {
      await write(jobId, {
        [F.parts]: JSON.stringify(parts),
        ...(digest ? { [F.cursor]: digest.cursor, [F.composedAt]: digest.composedAt } : {}),
        ...(digest?.lateFrom === undefined ? {} : { [F.lateFrom]: digest.lateFrom }),
      });
    },
    async markPart(jobId, index, messageId, options = {}, batch) {
      const part = { [`${PART}${index}`]: messageId };
      const call = options.finish
        ? writeCall(jobId, { ...part, [F.done]: 1 }, [F.parts])
        : writeCall(jobId, part);
      await runWrite(redis, call, batch);
    },
    async setTarget(jobId, chatId) {
      await write(jobId, { [F.target]: chatId });
    },
    async finish(jobId, batch) {
      await runWrite(redis, writeCall(jobId, { [F.done]: 1 }, [F.parts]), batch);
    },
    async markFlashed(chatId, articleIds, batch) {
      if (articleIds.length === 0) return;
      const args = [RECORD_TTL_SECONDS, ...articleIds];
      await runWrite(redis, scriptCall(FLASHED_ADD, [keys.flashed(chatId)], args), batch);
    },
    flashedTo(chatId) {
      return redis.smembers(keys.flashed(chatId));
    },
  };
}

function decodeRecord(hash: Record<string, string>): DeliveryRecord {
  const sent = new Map<number, number>();
  for (const [field, value] of Object.entries(hash)) {
    if (field.startsWith(PART)) sent.set(Number(field.slice(PART.length)), Number(value));
  }
  const record: DeliveryRecord = { sent, done: hash[F.done] === "1" };
  if (hash[F.target] !== undefined) record.target = Number(hash[F.target]);
  const parts = hash[F.parts];
  if (parts !== undefined) record.parts = JSON.parse(parts) as string[];
  if (hash[F.cursor] !== undefined) record.cursor = Number(hash[F.cursor]);
  if (hash[F.composedAt] !== undefined) record.composedAt = Number(hash[F.composedAt]);
  if (hash[F.lateFrom] !== undefined) record.lateFrom = Number(hash[F.lateFrom]);
  return record;
}

/** True when `articleId` was pushed to the chat as a flash in the last few days, so a digest can leave it out. */
export async function wasFlashed(
  redis: Redis,
  keys: Keys,
  chatId: number,
  articleId: string,
): Promise<boolean> {
  return (await redis.sismember(keys.flashed(chatId), articleId)) === 1;
}
