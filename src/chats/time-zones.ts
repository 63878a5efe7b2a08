/**
 * ICU keeps some zones under their old names (Node 20 reports Europe/Kiev for
 * Europe/Kyiv). These are the IANA names that replaced them.
 */
const RENAMED: Readonly<Record<string, string>> = {
  "Africa/Asmera": "Africa/Asmara",
  "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
  "America/Catamarca": "America/Argentina/Catamarca",
  "America/Cordoba": "America/Argentina/Cordoba",
  "America/Godthab": "America/Nuuk",
  "America/Indianapolis": "America/Indiana/Indianapolis",
  "America/Jujuy": "America/Argentina/Jujuy",
  "America/Louisville": "America/Kentucky/Louisville",
  "America/Mendoza": "America/Argentina/Mendoza",
  "Asia/Calcutta": "Asia/Kolkata",
  "Asia/Katmandu": "Asia/Kathmandu",
  "Asia/Rangoon": "Asia/Yangon",
  "Asia/Saigon": "Asia/Ho_Chi_Minh",
  "Atlantic/Faeroe": "Atlantic/Faroe",
  "Europe/Kiev": "Europe/Kyiv",
  "Pacific/Enderbury": "Pacific/Kanton",
  "Pacific/Ponape": "Pacific/Pohnpei",
  "Pacific/Truk": "Pacific/Chuuk",
};

/** Cities people type that are not the last part of a zone name. */
const CITIES: ReadonlyMap<string, string> = new Map(
  Object.entries({
    // Ukraine
    lviv: "Europe/Kyiv",
    kharkiv: "Europe/Kyiv",
    kharkov: "Europe/Kyiv",
    odesa: "Europe/Kyiv",
    odessa: "Europe/Kyiv",
    dnipro: "Europe/Kyiv",
    zaporizhzhia: "Europe/Kyiv",
    zaporizhia: "Europe/Kyiv",
    mykolaiv: "Europe/Kyiv",
    kherson: "Europe/Kyiv",
    poltava: "Europe/Kyiv",
    vinnytsia: "Europe/Kyiv",
    chernihiv: "Europe/Kyiv",
    sumy: "Europe/Kyiv",
    zhytomyr: "Europe/Kyiv",
    "ivano frankivsk": "Europe/Kyiv",
    uzhhorod: "Europe/Kyiv",
    ukraine: "Europe/Kyiv",
    київ: "Europe/Kyiv",
    львів: "Europe/Kyiv",
    харків: "Europe/Kyiv",
    одеса: "Europe/Kyiv",
    дніпро: "Europe/Kyiv",
    запоріжжя: "Europe/Kyiv",
    миколаїв: "Europe/Kyiv",
    херсон: "Europe/Kyiv",
    полтава: "Europe/Kyiv",
    вінниця: "Europe/Kyiv",
    чернігів: "Europe/Kyiv",
    суми: "Europe/Kyiv",
    житомир: "Europe/Kyiv",
    "івано франківськ": "Europe/Kyiv",
    ужгород: "Europe/Kyiv",
    україна: "Europe/Kyiv",
    лондон: "Europe/London",
    берлін: "Europe/Berlin",
    варшава: "Europe/Warsaw",
    париж: "Europe/Paris",
    "нью йорк": "America/New_York",
    вашингтон: "America/New_York",
    торонто: "America/Toronto",
    // Europe
    munich: "Europe/Berlin",
    frankfurt: "Europe/Berlin",
    hamburg: "Europe/Berlin",
    cologne: "Europe/Berlin",
    krakow: "Europe/Warsaw",
    wroclaw: "Europe/Warsaw",
    gdansk: "Europe/Warsaw",
    manchester: "Europe/London",
    edinburgh: "Europe/London",
    milan: "Europe/Rome",
    barcelona: "Europe/Madrid",
    geneva: "Europe/Zurich",
    "the hague": "Europe/Amsterdam",
    // North America
    washington: "America/New_York",
    "washington dc": "America/New_York",
    boston: "America/New_York",
    philadelphia: "America/New_York",
    atlanta: "America/New_York",
    miami: "America/New_York",
    "san francisco": "America/Los_Angeles",
    seattle: "America/Los_Angeles",
    "san diego": "America/Los_Angeles",
    houston: "America/Chicago",
    dallas: "America/Chicago",
    ottawa: "America/Toronto",
    montreal: "America/Toronto",
    calgary: "America/Edmonton",
    // US zone abbreviations mean the zone with its daylight saving time, not a fixed offset
    et: "America/New_York",
    est: "America/New_York",
    edt: "America/New_York",
    ct: "America/Chicago",
    cst: "America/Chicago",
    cdt: "America/Chicago",
    mdt: "America/Denver",
    pt: "America/Los_Angeles",
    pst: "America/Los_Angeles",
    pdt: "America/Los_Angeles",
  }),
);

/** Zones offered as buttons, with the city shown on each. */
export const commonTimeZones: readonly { zone: string; label: string }[] = [
  { zone: "Europe/Kyiv", label: "Kyiv" },
  { zone: "Europe/London", label: "London" },
  { zone: "Europe/Berlin", label: "Berlin" },
  { zone: "Europe/Warsaw", label: "Warsaw" },
  { zone: "America/New_York", label: "New York" },
  { zone: "America/Los_Angeles", label: "Los Angeles" },
];

let cityIndex: Map<string, string> | undefined;

/**
 * Reads what a user typed as a time zone: an IANA zone in any letter case
 * ("europe/kyiv"), an old name ("Europe/Kiev"), or a city ("new york",
 * "Kyiv", "Львів"). Returns the current IANA name, or undefined when the input
 * names no zone, so callers can ask again instead of guessing.
 */
export function resolveTimeZone(input: string): string | undefined {
  const text = input.trim();
  if (text === "" || text.length > 64) return undefined;
  const key = cityKey(text);
  const named = CITIES.get(key) ?? canonicalZone(text);
  if (named) return canonicalZone(named);
  const city = cities().get(key) ?? cities().get(cityKey(text.split(",")[0] ?? ""));
  return city === undefined ? undefined : canonicalZone(city);
}

/** The current IANA name of a zone the runtime knows, or undefined. */
export function canonicalZone(zone: string): string | undefined {
  if (!/^[A-Za-z][\w+-]*(\/[\w+-]+)*$/.test(zone)) return undefined;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat("en", { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
  const renamed = Object.hasOwn(RENAMED, resolved) ? RENAMED[resolved] : undefined;
  return renamed !== undefined && knownToRuntime(renamed) ? renamed : resolved;
}

function knownToRuntime(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function cityKey(text: string): string {
  return text
    .normalize("NFD")
    .replace(/([A-Za-z])[\u0300-\u036f]+/g, "$1")
    .normalize("NFC")
    .toLowerCase()
    .replace(/[_\-.'’]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

function cities(): Map<string, string> {
  if (cityIndex) return cityIndex;
  const index = new Map<string, string>();
  const zones = [...Intl.supportedValuesOf("timeZone"), ...Object.values(RENAMED)];
  for (const zone of zones) {
    if (zone.startsWith("Etc/") || !zone.includes("/")) continue;
    const city = cityKey(zone.slice(zone.lastIndexOf("/") + 1));
    if (!index.has(city)) index.set(city, zone);
  }
  for (const [city, zone] of CITIES) index.set(city, zone);
  cityIndex = index;
  return index;
}
