import { describe, expect, it } from "vitest";
import { describeRedisUrl } from "../../src/redis/address.ts";
import { isRedisConnectionError } from "../../src/redis/connection-errors.ts";

describe("describeRedisUrl", () => {
  it("masks the password and keeps the rest", () => {
    expect(describeRedisUrl("redis://:s3cret@db.example:6380")).toBe(
      "redis://:***@db.example:6380",
    );
    expect(describeRedisUrl("rediss://bot:s3cret@db.example:6380/2")).toBe(
      "rediss://bot:***@db.example:6380/2",
    );
    expect(describeRedisUrl("redis://127.0.0.1:6379")).toBe("redis://127.0.0.1:6379");
    expect(describeRedisUrl("unix:///run/redis.sock")).toBe("unix:///run/redis.sock");
  });
});

describe("isRedisConnectionError", () => {
  it("knows a lost or refused link, also wrapped", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), {
      code: "ECONNREFUSED",
      syscall: "connect",
    });
    const offline = new Error("Stream isn't writeable and enableOfflineQueue options is false");
    const retries = Object.assign(new Error("Reached the max retries per request limit"), {
      name: "MaxRetriesPerRequestError",
    });
    expect(isRedisConnectionError(refused)).toBe(true);
    expect(isRedisConnectionError(offline)).toBe(true);
    expect(isRedisConnectionError(retries)).toBe(true);
    expect(isRedisConnectionError({ error: new Error("Connection is closed.") })).toBe(true);
    expect(isRedisConnectionError(new Error("outer", { cause: refused }))).toBe(true);
  });

  it("leaves other failures alone", () => {
    expect(isRedisConnectionError(new Error("WRONGTYPE Operation against a key"))).toBe(false);
    expect(isRedisConnectionError(new TypeError("x is undefined"))).toBe(false);
    expect(isRedisConnectionError(undefined)).toBe(false);
    const fileMissing = Object.assign(new Error("ENOENT: no such file"), { code: "ENOENT" });
    expect(isRedisConnectionError(fileMissing)).toBe(false);
    const telegramDown = Object.assign(new Error("Network request failed"), {
      name: "HttpError",
      error: Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET", syscall: "read" }),
    });
    expect(isRedisConnectionError(telegramDown)).toBe(false);
  });
});
