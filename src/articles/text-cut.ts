const TRAILING_JUNK = /[\s,;:—–\-([{"“„«‘‹]+$/u;

/**
 * `sentence` cut to at most `maxChars` code points including the "…": at the
 * last whitespace that leaves room for it, trailing commas and dashes
 * dropped; a first word longer than that is cut inside.
 */
export function cutAtWord(sentence: string, maxChars: number): string {
  const points = Array.from(sentence);
  const room = maxChars - 1;
  const head = points.slice(0, room).join("");
  const boundary = /\s/u.test(points[room] ?? "") ? head.length : head.search(/\s\S*$/u);
  const cut = boundary > 0 ? head.slice(0, boundary).replace(TRAILING_JUNK, "") : "";
  return `${cut === "" ? head : cut}…`;
}

/** Length in code points, as summaries are measured (an emoji counts 1). */
export function codePoints(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) count--;
  }
  return count;
}
