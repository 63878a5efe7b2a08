import type { Redis } from "ioredis";
import type { ChatStore } from "../chats/chat-store.ts";
import { type ClaimedPage, claimDue, putBack } from "../chats/schedule-claim.ts";
import type { Logger } from "../logger.ts";
import { type ClaimedDigest, enqueuePage } from "./enqueue-page.ts";
import type { DeliveryQueue } from "./queue.ts";
import { slotOf } from "./slot-plan.ts";
import { TickPlans } from "./tick-plans.ts";

/** addBulk calls a tick may have outstanding at once */
const MAX_IN_FLIGHT = 4;

export type DigestTiming = "on_time" | "late" | "skipped";

export interface TickDeps {
  redis: Redis;
  scheduleKey: string;
  chatKeyPrefix: string;
  chats: Pick<ChatStore, "scheduleFields" | "decodeSchedule">;
  queue: DeliveryQueue;
  logger: Logger;
  graceMs: number;
  pageSize: number;
  chatsPerJob: number;
  onDigest?(timing: DigestTiming): void;
}

/** What one claimed page comes to: the digests to enqueue, and chats taken off the schedule. */
interface PageDigests {
  digests: ClaimedDigest[];
  dropped: number;
}

/** Turns a claimed page into digests by each chat's plan; reports each slot's timing. */
function digestsOf(page: ClaimedPage, plans: TickPlans, now: number, deps: TickDeps): PageDigests {
  const windowStart = now - deps.graceMs;
  const digests: ClaimedDigest[] = [];
  let dropped = page.removed;
  for (const { chatId, member, due, plan: number } of page.taken) {
    const plan = plans.get(number);
    if (!plan) {
      dropped += 1;
      continue;
    }
    const slot = slotOf(plan, due, windowStart);
    // A slot enqueued within a minute of its time is on time; one kept beyond the grace is skipped.
    if (slot === undefined) deps.onDigest?.("skipped");
    else deps.onDigest?.(slot === due && now - due <= 60_000 ? "on_time" : "late");
    if (slot === undefined) continue;
    digests.push({ kind: "digest", chatId, dueMs: slot, member, due, movedTo: plan.next });
  }
  return { digests, dropped };
}

/**
 * One tick: claims the due chats a page at a time (chats/schedule-claim.ts), each page
 * in one script that reads, plans and moves its chats, and enqueues each
 * page's digests while the next page is claimed. Resolves with how many
 * chats' digests were enqueued; rejects with the first failure once every
 * enqueue started has ended (chats whose jobs failed are due again).
 */
export async function runTick(deps: TickDeps, now: number): Promise<number> {
  const plans = new TickPlans(
    (values) => deps.chats.decodeSchedule(0, values),
    now,
    deps.graceMs,
    deps.logger,
  );
  const claim = () =>
    claimDue(deps.redis, {
      scheduleKey: deps.scheduleKey,
      chatKeyPrefix: deps.chatKeyPrefix,
      fields: deps.chats.scheduleFields,
      now,
      page: deps.pageSize,
      plans: plans.pairs(),
    });
  const enqueueDeps = {
    queue: deps.queue,
    logger: deps.logger,
    putBack: (chats: readonly ClaimedDigest[]) => putBack(deps.redis, deps.scheduleKey, chats),
  };
  const inFlight = new Set<Promise<void>>();
  let enqueued = 0;
  let dropped = 0;
  let failure: unknown;
  let claiming: Promise<ClaimedPage> | undefined = claim();
  while (claiming && failure === undefined) {
    const page = await claiming.catch((err: unknown) => {
      failure ??= err;
    });
    claiming = undefined;
    if (!page) break;
    plans.learn(page.unplanned);
    // A page cut short by unplanned chats, or full, may have more after it: claim it while this one is enqueued.
    if (page.unplanned.length > 0 || page.taken.length >= deps.pageSize) claiming = claim();
    const { digests, dropped: gone } = digestsOf(page, plans, now, deps);
    dropped += gone;
    const sending = enqueuePage(enqueueDeps, digests, deps.chatsPerJob).then(
      () => {
        enqueued += digests.length;
      },
      (err: unknown) => {
        failure ??= err;
      },
    );
    const tracked = sending.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    if (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
  }
  // A page claimed as an enqueue failed has moved its chats: they go back, to be due again.
  const orphan = await claiming?.catch(() => undefined);
  if (orphan) {
    const back = digestsOf(orphan, plans, now, { ...deps, onDigest: undefined }).digests;
    await enqueueDeps
      .putBack(back)
      .catch((err: unknown) =>
        deps.logger.error(
          { err, chats: back.length },
          "could not put unsent chats back on schedule",
        ),
      );
  }
  await Promise.all(inFlight);
  if (dropped > 0) deps.logger.info({ chats: dropped }, "dropped inactive chats from the schedule");
  if (enqueued > 0) deps.logger.info({ enqueued }, "scheduled digests enqueued");
  if (failure !== undefined) throw failure;
  return enqueued;
}
