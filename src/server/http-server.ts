import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { StartupError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import type { Readiness } from "./health.ts";
import type { Metrics } from "./metrics.ts";
import type { Webhook } from "./webhook.ts";

export interface HttpServerOptions {
  /** 0 in tests means any free port (the app itself never starts the server with HTTP_PORT=0) */
  port: number;
  /** default 0.0.0.0 */
  host?: string;
  readiness: Readiness;
  metrics: Metrics;
  logger: Logger;
}

export interface HttpServer {
  /** Listens; rejects with a StartupError naming the port when it cannot. */
  start(): Promise<void>;
  /** The port it listens on, once started. */
  port(): number;
  /** Serves Telegram's updates on `path` from now on (webhook mode). */
  addWebhook(path: string, webhook: Webhook): void;
  /** Stops listening and closes every connection. */
  stop(): Promise<void>;
}

/**
 * The process's one HTTP server: GET /healthz (200 while the process runs),
 * GET /readyz (200 when ready, else 503 with JSON naming what is not), GET
 * /metrics (Prometheus), the webhook path when added; 404 for anything else.
 */
export function createHttpServer(options: HttpServerOptions): HttpServer {
  const { readiness, metrics, logger } = options;
  const webhooks = new Map<string, Webhook>();

  function send(res: ServerResponse, status: number, type: string, body: string): void {
    res.writeHead(status, { "content-type": type, "cache-control": "no-store" }).end(body);
  }
  const json = (res: ServerResponse, status: number, body: unknown) =>
    send(res, status, "application/json", `${JSON.stringify(body)}\n`);

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const webhook = webhooks.get(path);
    if (webhook) return webhook.serve(req, res);
    if (req.method !== "GET" && req.method !== "HEAD")
      return json(res, 404, { error: "not found" });
    if (path === "/healthz") return json(res, 200, { status: "ok" });
    if (path === "/readyz") {
      const { ready, notReady } = await readiness.check();
      return ready
        ? json(res, 200, { status: "ready" })
        : json(res, 503, { status: "not ready", notReady });
    }
    if (path === "/metrics") return send(res, 200, metrics.contentType, await metrics.render());
    return json(res, 404, { error: "not found" });
  }

  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      logger.error({ err, url: req.url }, "HTTP request failed");
      if (!res.headersSent) json(res, 500, { error: "internal error" });
      else res.end();
    });
  });

  return {
    start() {
      return new Promise((resolve, reject) => {
        const failed = (err: NodeJS.ErrnoException) =>
          reject(
            new StartupError(
              `Cannot serve HTTP on port ${options.port} (${err.code ?? err.message}); set HTTP_PORT to a free port, or 0 for none`,
            ),
          );
        server.once("error", failed);
        server.listen(options.port, options.host ?? "0.0.0.0", () => {
          server.off("error", failed);
          server.on("error", (err) => logger.error({ err }, "HTTP server error"));
          logger.info({ port: (server.address() as AddressInfo).port }, "serving HTTP");
          resolve();
        });
      });
    },
    port: () => (server.address() as AddressInfo | null)?.port ?? 0,
    addWebhook(path, webhook) {
      webhooks.set(path, webhook);
    },
    stop() {
      return new Promise((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
