import type { ApiClientOptions } from "grammy";
import { Agent, type Dispatcher } from "undici";

/** Connections kept open to the Bot API server; more than the delivery worker's concurrency. */
const CONNECTIONS = 128;
/** distinct request URLs whose parse is kept */
const MAX_URLS = 256;

/** What grammY's client passes to fetch (grammy/out/core/client.js): a JSON or multipart POST. */
interface GrammyRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | NodeJS.ReadableStream;
  signal?: AbortSignal;
}

/** The one thing grammY reads from a response. */
interface JsonResponse {
  json(): Promise<unknown>;
}

/**
 * grammY's client options with undici as its HTTP client. grammY calls
 * `fetch(url, init)` and reads `res.json()`, nothing else. This sends the
 * request with undici's dispatch() over kept-alive connections and gathers
 * the answer's bytes itself: no fetch Response and no body stream per call,
 * which undici's request() and the node-fetch grammY uses by default on Node
 * both build. In a bare sendMessage loop here that is about 65 µs a message,
 * against 90-100 with request() and about 210 with node-fetch, and it counts
 * when the delivery worker sends thousands a second (bench/fanout.ts).
 * Telegram answers errors as JSON too, which grammY turns into a GrammyError;
 * a body that is not JSON, an abort (grammY's timeout) or a network failure
 * rejects, which grammY reports as an HttpError, as with node-fetch.
 */
export function telegramClientOptions(apiRoot?: string): ApiClientOptions {
  const dispatcher = new Agent({ connections: CONNECTIONS, keepAliveTimeout: 30_000 });
  const targets = new Map<string, { origin: string; path: string }>();
  /** grammY calls a handful of method URLs; each is parsed once */
  const targetOf = (url: string) => {
    let target = targets.get(url);
    if (!target) {
      const { origin, pathname, search } = new URL(url);
      target = { origin, path: pathname + search };
      if (targets.size < MAX_URLS) targets.set(url, target);
    }
    return target;
  };
  const fetch = (url: string, init: GrammyRequest) =>
    new Promise<JsonResponse>((resolve, reject) => {
      dispatcher.dispatch(
        {
          ...targetOf(url),
          method: (init.method ?? "POST") as Dispatcher.HttpMethod,
          headers: init.headers ?? {},
          body: (init.body ?? null) as Dispatcher.DispatchOptions["body"],
        },
        new AnswerHandler(init.signal, resolve, reject),
      );
    });
  // grammY types its option as node-fetch's fetch; the call above is all it makes
  return {
    ...(apiRoot === undefined ? {} : { apiRoot }),
    fetch: fetch as unknown as NonNullable<ApiClientOptions["fetch"]>,
  };
}

/**
 * Collects one answer's body and resolves with it once complete (its JSON is
 * parsed when grammY asks); aborts the request when `signal` fires. A class,
 * so a call allocates one object rather than a closure per callback.
 */
class AnswerHandler implements Dispatcher.DispatchHandler {
  private readonly chunks: Buffer[] = [];
  private stopListening: (() => void) | undefined;

  constructor(
    private readonly signal: AbortSignal | undefined,
    private readonly resolve: (response: JsonResponse) => void,
    private readonly reject: (err: unknown) => void,
  ) {}

  onRequestStart(controller: Dispatcher.DispatchController): void {
    const { signal } = this;
    if (!signal) return;
    if (signal.aborted) {
      controller.abort(signal.reason);
      return;
    }
    const abort = () => controller.abort(signal.reason);
    signal.addEventListener("abort", abort, { once: true });
    this.stopListening = () => signal.removeEventListener("abort", abort);
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    this.stopListening?.();
    const { chunks } = this;
    const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
    this.resolve({ json: async () => JSON.parse(body.toString("utf8")) });
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    this.stopListening?.();
    this.reject(err);
  }
}
