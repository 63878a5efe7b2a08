import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  articleId,
  canonicalUrl,
  InvalidUrlError,
  publisherUrl,
  urlHash,
} from "../../src/articles/canonical-url.ts";

// Every URL here is invented (example.org / example.com / example.net).

describe("canonicalUrl", () => {
  it.each([
    ["http://example.org/a", "https://example.org/a"],
    ["https://EXAMPLE.Org/Path/Case", "https://example.org/Path/Case"],
    ["https://www.example.org/a", "https://www.example.org/a"],
    ["http://example.org:80/a", "https://example.org/a"],
    ["https://example.org:443/a", "https://example.org/a"],
    ["https://example.org:8443/a", "https://example.org:8443/a"],
    ["https://user:secret@example.org/a", "https://example.org/a"],
    ["https://example.org/a#comments", "https://example.org/a"],
    ["https://example.org", "https://example.org/"],
    ["https://example.org/", "https://example.org/"],
    ["https://example.org/a/b/", "https://example.org/a/b"],
    ["https://example.org/a/b//", "https://example.org/a/b"],
    ["https://example.org/a/./b/../c", "https://example.org/a/c"],
    ["https://example.org/?", "https://example.org/"],
    ["https://example.org/a?b=2&a=1", "https://example.org/a?a=1&b=2"],
    ["https://example.org/a?b=2&a=3&a=1", "https://example.org/a?a=3&a=1&b=2"],
    ["https://example.org/a?p&&q=", "https://example.org/a?p&q="],
    ["https://example.org/a?q=a+b%20c", "https://example.org/a?q=a+b%20c"],
    ["https://example.org/%7Euser/%41%2d%5F", "https://example.org/~user/A-_"],
    ["https://example.org/a%2fb?x=%3d%7e", "https://example.org/a%2Fb?x=%3D~"],
    ["https://example.org/київ", "https://example.org/%D0%BA%D0%B8%D1%97%D0%B2"],
    [
      "https://example.org/%d0%ba%d0%b8%d1%97%d0%b2",
      "https://example.org/%D0%BA%D0%B8%D1%97%D0%B2",
    ],
    ["https://приклад.укр/", "https://xn--80aikifvh.xn--j1amh/"],
    ["  https://example.org/a  ", "https://example.org/a"],
  ])("%s → %s", (raw, expected) => {
    expect(canonicalUrl(raw)).toBe(expected);
  });

  it("drops every tracking parameter and keeps the others", () => {
    const tracking = [
      "utm_source=x",
      "utm_medium=y",
      "UTM_Campaign=z",
      "utm_whatever=1",
      "fbclid=a",
      "gclid=b",
      "yclid=c",
      "mc_cid=d",
      "mc_eid=e",
      "igshid=f",
      "ref_src=g",
      "_ga=h",
      "ocid=i",
    ];
    expect(canonicalUrl(`https://example.org/a?id=7&${tracking.join("&")}&page=2`)).toBe(
      "https://example.org/a?id=7&page=2",
    );
    expect(canonicalUrl(`https://example.org/a?${tracking.join("&")}`)).toBe(
      "https://example.org/a",
    );
  });

  it("keeps parameters that only resemble tracking ones", () => {
    expect(canonicalUrl("https://example.org/a?utm=1&ref=2&ga=3")).toBe(
      "https://example.org/a?ga=3&ref=2&utm=1",
    );
  });

  it.each([
    ["", /empty/],
    ["   ", /empty/],
    ["example.org/a", /not an absolute link/],
    ["/2024/12/17/a", /not an absolute link/],
    ["//example.org/a", /not an absolute link/],
    ["http://", /not an absolute link/],
    ["ftp://example.org/a", /not an http\(s\) link \(it uses ftp:\)/],
    ["mailto:editor@example.org", /not an http\(s\) link/],
    ["javascript:alert(1)", /not an http\(s\) link/],
    ["file:///etc/hosts", /not an http\(s\) link/],
  ])("refuses %j", (raw, message) => {
    expect(() => canonicalUrl(raw)).toThrow(InvalidUrlError);
    expect(() => canonicalUrl(raw)).toThrow(message);
  });

  it("names the input in the error", () => {
    expect(() => canonicalUrl("ftp://example.org/a")).toThrow('"ftp://example.org/a"');
  });
});

describe("articleId and urlHash", () => {
  it("are sha1-based and never change for a stored URL", () => {
    // Ids are persisted: these values must stay the same across releases.
    expect(urlHash("https://example.org/")).toBe("166d9d911dbbe419d479a9900b2cb85e6e46aa2d");
    expect(articleId("https://example.org/")).toBe("166d9d911dbbe419");
  });

  it("articleId is the first 16 hex characters of urlHash", () => {
    fc.assert(
      fc.property(fc.webUrl(), (url) => {
        const hash = urlHash(url);
        expect(hash).toMatch(/^[0-9a-f]{40}$/);
        expect(articleId(url)).toBe(hash.slice(0, 16));
      }),
    );
  });
});

const segment = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9._~-]{0,8}$/),
  fc.constantFrom(
    "%7e",
    "%7E",
    "%41",
    "%2f",
    "%2F",
    "%2e",
    "%2e%2e",
    ".",
    "..",
    "%d0%ba",
    "ї",
    " ",
    "%",
    "%zz",
    "a+b",
    "!",
  ),
);
const param = fc.tuple(
  fc.constantFrom("a", "b", "id", "p", "utm_source", "UTM_MEDIUM", "fbclid", "%61", "q"),
  fc.option(
    fc.oneof(
      fc.stringMatching(/^[A-Za-z0-9._~+-]{0,6}$/),
      fc.constantFrom("%7e", "a b", "%3d", "ї"),
    ),
    {
      nil: undefined,
    },
  ),
);
/** http(s) URLs with the quirks canonicalUrl normalises: case, ports, escapes, dots, slashes, trackers. */
const messyUrl = fc
  .record({
    scheme: fc.constantFrom("http", "https", "HTTP", "Https"),
    host: fc.constantFrom("example.org", "EXAMPLE.com", "www.example.net", "sub.Example.org"),
    port: fc.constantFrom("", ":80", ":443", ":8080"),
    segments: fc.array(segment, { maxLength: 5 }),
    trailingSlash: fc.boolean(),
    params: fc.array(param, { maxLength: 5 }),
    fragment: fc.option(fc.stringMatching(/^[a-z0-9#?/]{0,6}$/), { nil: undefined }),
  })
  .map(({ scheme, host, port, segments, trailingSlash, params, fragment }) => {
    const path = `/${segments.join("/")}${trailingSlash ? "/" : ""}`;
    const query = params.length
      ? `?${params.map(([k, v]) => (v === undefined ? k : `${k}=${v}`)).join("&")}`
      : "";
    return `${scheme}://${host}${port}${path}${query}${fragment === undefined ? "" : `#${fragment}`}`;
  });

describe("canonicalUrl properties", () => {
  it("is idempotent", () => {
    fc.assert(
      fc.property(
        fc.oneof(messyUrl, fc.webUrl({ withQueryParameters: true, withFragments: true })),
        (url) => {
          const once = canonicalUrl(url);
          expect(canonicalUrl(once)).toBe(once);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("gives an https URL with no fragment, no trackers and no trailing slash off the root", () => {
    fc.assert(
      fc.property(messyUrl, (url) => {
        const canonical = new URL(canonicalUrl(url));
        expect(canonical.protocol).toBe("https:");
        expect(canonical.hash).toBe("");
        expect(canonical.pathname === "/" || !canonical.pathname.endsWith("/")).toBe(true);
        for (const name of canonical.searchParams.keys()) {
          expect(name.toLowerCase()).not.toMatch(/^utm_|^fbclid$/);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("maps tracker, fragment, scheme, host-case and trailing-slash variants to the same id", () => {
    const variant = fc.record({
      tracker: fc.constantFrom(
        "",
        "utm_source=telegram",
        "utm_medium=social&utm_campaign=x",
        "fbclid=IwAR0",
      ),
      fragment: fc.constantFrom("", "#top", "#comments"),
      http: fc.boolean(),
      upperHost: fc.boolean(),
      slash: fc.boolean(),
    });
    fc.assert(
      fc.property(messyUrl, variant, (url, v) => {
        const base = canonicalUrl(url);
        const parsed = new URL(base);
        let path = parsed.pathname;
        if (v.slash && path !== "/") path += "/";
        const host = v.upperHost ? parsed.host.toUpperCase() : parsed.host;
        const query = [parsed.search.slice(1), v.tracker].filter((q) => q !== "").join("&");
        // On an explicit port, http and https are different servers: only swap on the default one.
        const scheme = v.http && parsed.port === "" ? "http" : "https";
        const changed = `${scheme}://${host}${path}${query ? `?${query}` : ""}${v.fragment}`;
        expect(articleId(canonicalUrl(changed))).toBe(articleId(base));
      }),
      { numRuns: 1000 },
    );
  });
});

describe("publisherUrl", () => {
  it.each([
    [
      "https://example.org/news/grain-terminal-strike/",
      "https://example.org/news/grain-terminal-strike/",
    ],
    ["https://example.org/a/?utm_source=rss&utm_medium=feed", "https://example.org/a/"],
    ["https://example.org/a?b=2&fbclid=x&a=1&gclid=y", "https://example.org/a?b=2&a=1"],
    ["http://example.org/a/#section", "http://example.org/a/#section"],
    ["  https://user:pw@example.org/a/  ", "https://example.org/a/"],
  ])("%s is shown as %s", (input, shown) => {
    expect(publisherUrl(input)).toBe(shown);
  });

  it("is one article with the canonical form it came from", () => {
    const spellings = [
      "https://example.org/news/strike/",
      "https://example.org/news/strike",
      "https://example.org/news/strike/?utm_campaign=x",
    ];
    const canonical = new Set(spellings.map((url) => canonicalUrl(publisherUrl(url))));
    expect([...canonical]).toEqual(["https://example.org/news/strike"]);
  });

  it("refuses what canonicalUrl refuses", () => {
    expect(() => publisherUrl("ftp://example.org/a")).toThrow(InvalidUrlError);
    expect(() => publisherUrl("example.org/a")).toThrow(InvalidUrlError);
  });
});
