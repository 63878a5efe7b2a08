/*
 * Dates as feeds write them, read without guessing: RFC 822 and its
 * variants, ISO 8601, and English, Ukrainian and Russian written dates.
 */

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  sept: 9,
  oct: 10,
  nov: 11,
  dec: 12,
  січ: 1,
  лют: 2,
  бер: 3,
  кві: 4,
  тра: 5,
  чер: 6,
  лип: 7,
  сер: 8,
  вер: 9,
  жов: 10,
  лис: 11,
  гру: 12,
  янв: 1,
  фев: 2,
  мар: 3,
  апр: 4,
  мая: 5,
  май: 5,
  июн: 6,
  июл: 7,
  авг: 8,
  сен: 9,
  окт: 10,
  ноя: 11,
  дек: 12,
};

/** Offsets in minutes of the zone names RFC 822 allows, plus a few feeds use anyway. */
const ZONES: Record<string, number> = {
  z: 0,
  ut: 0,
  utc: 0,
  gmt: 0,
  wet: 0,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
  bst: 60,
  cet: 60,
  cest: 120,
  eet: 120,
  eest: 180,
  msk: 180,
};

const ISO_DATE =
  /^(?<y>\d{4})-(?<mo>\d{2})-(?<d>\d{2})(?:[T\s]+(?<h>\d{1,2}):(?<mi>\d{2})(?::(?<s>\d{2})(?<frac>[.,]\d+)?)?)?\s*(?<zone>z|[+-]\d{2}(?::?\d{2})?|[a-z]{1,5})?$/i;
const TIME = String.raw`(?:,?\s+(?:at\s+|о\s+|в\s+)?(?<h>\d{1,2})[:.](?<mi>\d{2})(?::(?<s>\d{2}))?(?:\s*(?<ampm>[ap])\.?m\.?)?)?\s*(?:\(?\s*(?<zone>z|[+-]\d{2}:?\d{2}|[a-z]{1,5})\s*\)?)?$`;
const WEEKDAY = String.raw`^(?:\p{L}+\.?,?\s+)?`;
const DAY_FIRST = new RegExp(
  String.raw`${WEEKDAY}(?<d>\d{1,2})(?:st|nd|rd|th)?[\s-]+(?<month>\p{L}+)\.?,?[\s-]+(?<y>\d{4}|\d{2})${TIME}`,
  "iu",
);
const MONTH_FIRST = new RegExp(
  String.raw`${WEEKDAY}(?<month>\p{L}+)\.?\s+(?<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?<y>\d{4})${TIME}`,
  "iu",
);

/**
 * A feed date as ms since epoch, or undefined when it cannot be read with
 * confidence. Accepts RFC 822 ("Tue, 17 Dec 2024 10:00:00 +0200", named
 * zones such as GMT or EST, seconds optional, two-digit years), ISO 8601,
 * "December 17, 2024 10:00 AM" and Ukrainian or Russian month names
 * ("17 грудня 2024 10:00"). A time without a zone is read as UTC, a bare date
 * as noon UTC (the same calendar day almost everywhere). Never falls back to
 * Date.parse, whose reading of such strings depends on the server's zone.
 */
export function parseFeedDate(s: string): number | undefined {
  const input = s.trim().replace(/\s+/g, " ");
  const iso = ISO_DATE.exec(input)?.groups;
  if (iso) return fromGroups(iso, Number(iso.mo));
  const written = (DAY_FIRST.exec(input) ?? MONTH_FIRST.exec(input))?.groups;
  if (!written) return undefined;
  const month = MONTHS[(written.month ?? "").toLowerCase().slice(0, 3)];
  return month === undefined ? undefined : fromGroups(written, month);
}

function fromGroups(g: Record<string, string | undefined>, month: number): number | undefined {
  let year = Number(g.y);
  if (g.y?.length === 2) year += year < 50 ? 2000 : 1900;
  const day = Number(g.d);
  if (g.h === undefined) return build(year, month, day, 12, 0, 0, 0);
  let hour = Number(g.h);
  if (g.ampm) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (g.ampm.toLowerCase() === "p" ? 12 : 0);
  }
  const ms = g.frac ? Number(g.frac.slice(1, 4).padEnd(3, "0")) : 0;
  const at = build(year, month, day, hour, Number(g.mi), Number(g.s ?? 0), zoneOffset(g.zone));
  return at === undefined ? undefined : at + ms;
}

function zoneOffset(zone: string | undefined): number | undefined {
  if (zone === undefined) return 0;
  const numeric = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (numeric) {
    const minutes = Number(numeric[2]) * 60 + Number(numeric[3] ?? 0);
    return minutes > 18 * 60 ? undefined : numeric[1] === "-" ? -minutes : minutes;
  }
  return ZONES[zone.toLowerCase()];
}

function build(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  offsetMinutes: number | undefined,
): number | undefined {
  if (offsetMinutes === undefined) return undefined;
  if (month < 1 || month > 12 || day < 1 || hour > 24 || minute > 59 || second > 60)
    return undefined;
  if (hour === 24 && (minute > 0 || second > 0)) return undefined;
  const ms = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59));
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return undefined;
  return ms - offsetMinutes * 60_000;
}
