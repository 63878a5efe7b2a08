import { readFileSync } from "node:fs";
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";

/** What the server answers on one path. */
export interface ScriptedResponse {
  /** default 200 */
  status?: number;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /**
   * "headers": never answer (the request hangs until the server closes).
   * "body": send the headers and half of the body, then stall.
   */
  hold?: "headers" | "body";
  /** stream this many filler bytes instead of `body`, or never stop ("endless") */
  stream?: number | "endless";
  /** answer 304 when the request's If-None-Match equals this */
  etag?: string;
  /** answer 304 when the request's If-Modified-Since equals this */
  lastModified?: string;
}

export type Route = ScriptedResponse | ((request: RecordedRequest) => ScriptedResponse);

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

export interface FeedServer {
  /** http://127.0.0.1:<port> */
  origin: string;
  url(path: string): string;
  route(path: string, route: Route): void;
  /** every request received, in order */
  requests: RecordedRequest[];
  requestsTo(path: string): RecordedRequest[];
  close(): Promise<void>;
}

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "feeds");

/** The bytes of tests/fixtures/feeds/<name>. */
export function readFixture(name: string): Buffer {
  return readFileSync(join(FIXTURES, name));
}

/**
 * A local HTTP server on 127.0.0.1 and a random port that serves scripted
 * responses and records every request, so feed fetching is tested without
 * the internet. Unknown paths answer 404.
 */
export async function startFeedServer(): Promise<FeedServer> {
  const routes = new Map<string, Route>();
  const requests: RecordedRequest[] = [];

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const recorded: RecordedRequest = {
      method: req.method ?? "GET",
      path: req.url ?? "/",
      headers: req.headers,
    };
    requests.push(recorded);
    const route = routes.get(recorded.path);
    if (!route) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    respond(typeof route === "function" ? route(recorded) : route, req, res);
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    origin,
    url: (path) => `${origin}${path}`,
    route: (path, route) => {
      routes.set(path, route);
    },
    requests,
    requestsTo: (path) => requests.filter((r) => r.path === path),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function respond(script: ScriptedResponse, req: IncomingMessage, res: ServerResponse): void {
  if (script.hold === "headers") return;
  const headers: Record<string, string> = { ...script.headers };
  if (script.etag) headers.etag = script.etag;
  if (script.lastModified) headers["last-modified"] = script.lastModified;

  const notModified =
    (script.etag !== undefined && req.headers["if-none-match"] === script.etag) ||
    (script.lastModified !== undefined && req.headers["if-modified-since"] === script.lastModified);
  if (notModified) {
    res.writeHead(304, headers).end();
    return;
  }

  const status = script.status ?? 200;
  if (script.stream !== undefined) {
    streamFiller(res, status, headers, script.stream);
    return;
  }
  const body =
    typeof script.body === "string"
      ? Buffer.from(script.body, "utf8")
      : Buffer.from(script.body ?? []);
  if (script.hold === "body") {
    res.writeHead(status, { ...headers, "content-length": String(body.length + 1024) });
    res.write(body.subarray(0, Math.floor(body.length / 2)));
    return;
  }
  res.writeHead(status, { ...headers, "content-length": String(body.length) }).end(body);
}

function streamFiller(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  total: number | "endless",
): void {
  res.writeHead(status, { "content-type": "application/rss+xml", ...headers });
  const chunk = Buffer.alloc(64 * 1024, "<!-- filler -->\n");
  let sent = 0;
  const pump = () => {
    while (!res.destroyed && (total === "endless" || sent < total)) {
      const size = total === "endless" ? chunk.length : Math.min(chunk.length, total - sent);
      sent += size;
      if (!res.write(chunk.subarray(0, size))) {
        res.once("drain", pump);
        return;
      }
    }
    if (!res.destroyed) res.end();
  };
  res.on("close", () => res.removeAllListeners("drain"));
  pump();
}
