import { type ChildProcess, fork } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import {
  createFakeTelegram,
  type FakeTelegram,
  type RateLimits,
} from "../tests/support/fake-telegram.ts";

/**
 * The fake Telegram in a process of its own, as Telegram is in production:
 * a delivery benchmark then measures our process, not the fake's HTTP server
 * and HTML parser sharing its event loop. The parent drives it over IPC.
 */
export interface RemoteTelegram {
  token: string;
  apiRoot: string;
  /** Adds `count` private chats; their ids in order. */
  addPrivateChats(count: number): Promise<number[]>;
  /** What the fake accepted, from its `from`th accepted message on, and refused so far. */
  summary(from?: number): Promise<SentSummary>;
  close(): Promise<void>;
}

export interface SentSummary {
  /** messages accepted (from the `from`th on) */
  sent: number;
  /** distinct chats that got a message */
  chats: number;
  /** the last accepted message's text as sent (HTML) */
  lastHtml: string;
  /** performance.now() in the fake's process at the first and last accepted message */
  firstAt: number;
  lastAt: number;
  /** every send refused with 429 so far, and when the first was (the fake's clock) */
  refused: number;
  firstRefusedAt: number | undefined;
  /** CPU time the fake's process has used so far, in microseconds */
  cpuMicros: number;
}

type Question =
  | { op: "addPrivateChats"; count: number }
  | { op: "summary"; from: number }
  | { op: "close" };
type Request = Question & { id: number };
type Reply = { id: number; value: unknown };
type Ready = { ready: { token: string; apiRoot: string } };

const CHILD = fileURLToPath(import.meta.url);

/**
 * Starts the fake in a child process, enforcing `limits` when given. Without
 * limits the fake's flood bookkeeping is switched off: it costs time in
 * proportion to the chats sent to in the last minute on every send, which at
 * 10,000 chats would make the fake the bottleneck.
 */
export async function startRemoteTelegram(limits?: RateLimits): Promise<RemoteTelegram> {
  const child = fork(CHILD, ["--serve"], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, FAKE_LIMITS: limits ? JSON.stringify(limits) : "" },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const [first] = (await once(child, "message")) as [Ready];
  let nextId = 0;
  const waiting = new Map<number, (value: unknown) => void>();
  child.on("message", (message: Reply) => {
    waiting.get(message.id)?.(message.value);
    waiting.delete(message.id);
  });
  function ask<T>(request: Question): Promise<T> {
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      waiting.set(id, resolve as (value: unknown) => void);
      child.send({ ...request, id }, (err) => err && reject(err));
    });
  }
  return {
    ...first.ready,
    addPrivateChats: (count) => ask<number[]>({ op: "addPrivateChats", count }),
    summary: (from = 0) => ask<SentSummary>({ op: "summary", from }),
    async close() {
      await ask({ op: "close" });
      await exited(child);
    },
  };
}

function exited(child: ChildProcess): Promise<unknown> {
  return child.exitCode === null ? once(child, "exit") : Promise.resolve();
}

function summarise(fake: FakeTelegram, from: number): SentSummary {
  const sent = fake.sent().slice(from);
  const refused = fake.violations;
  return {
    sent: sent.length,
    chats: new Set(sent.map((m) => m.chat_id)).size,
    lastHtml: sent.at(-1)?.html ?? "",
    firstAt: sent[0]?.receivedAt ?? 0,
    lastAt: sent.at(-1)?.receivedAt ?? 0,
    refused: refused.length,
    firstRefusedAt: refused[0]?.at,
    cpuMicros: cpuMicros(),
  };
}

function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

async function serve(): Promise<void> {
  const limits = process.env.FAKE_LIMITS
    ? (JSON.parse(process.env.FAKE_LIMITS) as RateLimits)
    : undefined;
  const fake = await createFakeTelegram(limits ? { limits } : {});
  if (!limits) fake.limiter.admit = () => undefined;
  const send = (message: unknown) => process.send?.(message);
  process.on("message", async (request: Request) => {
    if (request.op === "addPrivateChats") {
      const ids = Array.from({ length: request.count }, () => fake.addChat({ type: "private" }).id);
      send({ id: request.id, value: ids });
    } else if (request.op === "summary") {
      send({ id: request.id, value: summarise(fake, request.from) });
    } else {
      await fake.close();
      send({ id: request.id, value: null });
      process.disconnect();
    }
  });
  send({ ready: { token: fake.token, apiRoot: fake.apiRoot } } satisfies Ready);
}

if (process.argv.includes("--serve") && process.argv[1] === CHILD) void serve();
