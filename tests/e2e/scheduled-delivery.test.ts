import { afterEach, describe, expect, it } from "vitest";
import { nextDueAt } from "../../src/chats/next-due.ts";
import { startApp } from "../support/app-process.ts";
import { type AppWorld, createAppWorld } from "../support/app-world.ts";
import { waitFor } from "../support/wait-for.ts";

// The article here is invented for this test: an example.org link, a made-up outlet and text.

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type World = AppWorld;

/** A fake Telegram and the test Redis under a fresh prefix, shared by the test and the app. */
function world(): Promise<World> {
  return createAppWorld((cleanup) => cleanups.push(cleanup));
}

/** A subscribed private chat whose digest time has just come, and one new article for it. */
async function dueReader(w: World): Promise<{ chatId: number; title: string }> {
  const chat = w.fake.addChat({ type: "private" });
  await w.chats.ensure(chat.id, { kind: "private" });
  await w.chats.setStatus(chat.id, "active");
  const title = "Invented front-line report for the scheduled digest";
  await w.articles.put({
    url: "https://example.org/e2e/scheduled-digest",
    title,
    summary: "An invented summary, written only for this end-to-end test.",
    source: "Example Wire",
    publishedAt: Date.now() - 3_600_000,
    topics: ["frontline"],
  });
  await w.redis.zadd(w.keys.schedule(), Date.now() - 1000, String(chat.id));
  return { chatId: chat.id, title };
}

async function delivered(w: World, chatId: number, title: string): Promise<void> {
  await w.fake.waitForMessage(chatId, (m) => m.text.includes(title), { timeoutMs: 30_000 });
  const chat = await waitFor(
    async () => {
      const stored = await w.chats.get(chatId);
      return stored?.cursor ? stored : undefined;
    },
    { message: "the cursor to advance after the digest" },
  );
  const due = Number(await w.redis.zscore(w.keys.schedule(), String(chatId)));
  expect(due).toBe(nextDueAt(chat, due - 1));
  expect(due).toBeGreaterThan(Date.now());
}

describe("scheduled delivery (npm start)", () => {
  it("with every role in one process, sends a chat its digest when it falls due", async () => {
    const w = await world();
    const app = startApp(w.env);
    cleanups.push(async () => void (await app.stop()));
    await waitFor(() => w.fake.callsOf("getUpdates").length > 0, {
      timeoutMs: 30_000,
      message: "the app to poll",
    });

    const { chatId, title } = await dueReader(w);
    await delivered(w, chatId, title);
    expect(await app.stop()).toBe(0);
  });

  it("runs the scheduler and a worker as separate processes that never poll", async () => {
    const w = await world();
    const scheduler = startApp({ ...w.env, ROLES: "scheduler" });
    const worker = startApp({ ...w.env, ROLES: "worker" });
    cleanups.push(async () => void (await scheduler.stop()));
    cleanups.push(async () => void (await worker.stop()));
    await waitFor(
      () =>
        scheduler.output().includes("delivery started") &&
        worker.output().includes("delivery started"),
      { timeoutMs: 30_000, message: "both processes to start delivery" },
    );

    const { chatId, title } = await dueReader(w);
    await delivered(w, chatId, title);

    expect(await scheduler.stop()).toBe(0);
    expect(await worker.stop()).toBe(0);
    expect(w.fake.callsOf("getUpdates")).toHaveLength(0);
    for (const app of [scheduler, worker])
      expect(app.output()).not.toContain("polling for updates");
  });
});
