/**
 * A copy of `value` without its undefined properties, so an optional field
 * is left out rather than present as undefined (what reaches Redis, JSON
 * and the tests' toStrictEqual). Shallow: nested objects are kept as they are.
 */
export function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
