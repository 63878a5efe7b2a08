import type { ApiClientOptions } from "grammy";
import { Agent, request } from "undici";

/** Connections kept open to the Bot API server; more than the delivery worker's concurrency. */
const CONNECTIONS = 128;

/** What grammY's client passes to fetch (grammy/out/core/client.js): a JSON or multipart POST. */
interface GrammyRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | NodeJS.ReadableStream;
  signal?: AbortSignal;
}

/**
 * grammY's client options with undici as its HTTP client. grammY calls
 * `fetch(url, init)` and reads `res.json()`, nothing else; undici's request()
 * does that over kept-alive connections with less CPU than the node-fetch
 * grammY uses by default on Node (a bare sendMessage loop here: about 130
 * instead of 210 µs a message), which counts when the delivery worker sends
 * thousands a second (bench/fanout.ts). Telegram answers errors as JSON too, which
 * grammY turns into a GrammyError; a body that is not JSON or a network
 * failure rejects, which grammY reports as an HttpError, as with node-fetch.
 */
export function telegramClientOptions(apiRoot?: string): ApiClientOptions {
  const dispatcher = new Agent({ connections: CONNECTIONS, keepAliveTimeout: 30_000 });
  const fetch = async (url: string, init: GrammyRequest) => {
    const response = await request(url, {
      method: (init.method ?? "POST") as "POST",
      ...(init.headers ? { headers: init.headers } : {}),
      ...(init.body === undefined ? {} : { body: init.body as string }),
      ...(init.signal ? { signal: init.signal } : {}),
      dispatcher,
    });
    return { json: () => response.body.json() };
  };
  // grammY types its option as node-fetch's fetch; the calls above are all it makes
  return {
    ...(apiRoot === undefined ? {} : { apiRoot }),
    fetch: fetch as unknown as NonNullable<ApiClientOptions["fetch"]>,
  };
}
