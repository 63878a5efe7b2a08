import { bodyHashOf, linkedArticleIds } from "./message-links.ts";

/** A text this process recorded lately (sent-messages.ts): what it links, and its store's state. */
export interface KnownText {
  bodyHash: string;
  /** the articles it links */
  ids: string[];
  /** when its body was last stored and its articles' keys last trimmed and set to expire (ms) */
  storedAt?: number;
  /** that store while it runs, which every message recorded meanwhile waits for */
  storing?: Promise<void>;
}

/**
 * The texts recorded lately, newest last, at most `capacity`: a digest goes
 * to thousands of chats with one text, and a /latest answer to everyone who
 * asks, so a text's links are read, its hash taken and its body stored once
 * rather than once a message.
 */
export class KnownTexts {
  private readonly texts = new Map<string, KnownText>();

  constructor(private readonly capacity = 256) {}

  of(html: string): KnownText {
    let text = this.texts.get(html);
    if (text) {
      this.texts.delete(html);
    } else {
      text = { bodyHash: bodyHashOf(html), ids: linkedArticleIds(html) };
      if (this.texts.size >= this.capacity) {
        const oldest = this.texts.keys().next();
        if (!oldest.done) this.texts.delete(oldest.value);
      }
    }
    this.texts.set(html, text);
    return text;
  }
}
