import {
  broadcastWorld,
  type Deployment,
  dropDeployment,
  enqueueDue,
  seedDeployment,
  startWorker,
  timeCompletion,
  warmUp,
} from "./broadcast-world.ts";
import { type Bench, result, runIfMain } from "./lib.ts";

const CHATS = 3_000;
const RATE = 1000;
const CONCURRENCY = 50;

/**
 * One digest to 3,000 chats with BROADCAST_RATE=1000 (paid broadcasts)
 * against a fake Telegram that refuses, with 429, any send beyond 1000 in a
 * sliding second. The value is the rate achieved, from the first message the
 * fake accepted to the last; the baseline is the rate allowed, so the ratio
 * is achieved/allowed. Any 429 (the warm-up's too) fails the run. The
 * worker is measured warm, after a small broadcast of its own (see warmUp).
 */
export const paced: Bench = {
  name: "paced",
  async run() {
    const world = await broadcastWorld({ perSecond: RATE });
    let d: Deployment | undefined;
    try {
      // a second passes after the warm-up, so it leaves nothing in the fake's sliding window
      await warmUp(world, { rate: RATE, concurrency: CONCURRENCY, settleMs: 1100 });
      d = await seedDeployment(world, CHATS);
      await enqueueDue(world, d);
      const before = await world.fake.summary();
      const worker = startWorker(world, d, { rate: RATE, paid: true, concurrency: CONCURRENCY });
      await timeCompletion([worker], CHATS, 300_000);
      await worker.close();
      const summary = await world.fake.summary(before.sent);
      const { sent, chats, firstAt, lastAt, refused, firstRefusedAt } = summary;
      // n messages at exactly RATE/s span (n - 1) intervals
      const achieved = (sent - 1) / ((lastAt - firstAt) / 1000);
      process.stderr.write(
        `paced: ${sent} messages in ${((lastAt - firstAt) / 1000).toFixed(2)} s = ${achieved.toFixed(0)}/s of ${RATE}/s allowed; 429s: ${refused}\n`,
      );
      if (sent !== CHATS || chats !== CHATS) {
        throw new Error(`${sent} messages sent to ${chats} of ${CHATS} chats`);
      }
      if (refused > 0) {
        throw new Error(
          `${refused} sends were refused with 429 (first at +${((firstRefusedAt ?? 0) - firstAt).toFixed(0)} ms)`,
        );
      }
      return result(paced.name, achieved, "messages/s", RATE);
    } finally {
      if (d) await dropDeployment(world, d);
      await world.close();
    }
  },
};

runIfMain(paced, import.meta.url);
