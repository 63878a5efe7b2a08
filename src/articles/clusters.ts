import type { Article } from "./article.ts";
import type { ArticleStore } from "./article-store.ts";
import type { Tagger } from "./tagger.ts";
import { contentTokens, cosine, jaccard, norm, tokenize } from "./text-similarity.ts";

/** How far apart two reports of one story may be published. */
export const CLUSTER_WINDOW_MS = 48 * 60 * 60_000;
/**
 * Two articles whose similarity reaches this tell the same story. Tuned on
 * the invented pairs of tests/fixtures/feeds/cluster-pairs.json: same-story
 * pairs have a word cosine of 0.30 or more and score 0.33 or more; different
 * stories in the same place have a word cosine of 0.23 or less.
 */
export const SAME_STORY_THRESHOLD = 0.3;
/** Below this cosine of the words, shared places alone never make two articles one story. */
const MIN_TEXT_COSINE = 0.25;
/**
 * How much more alike two reports must be when they are far apart in time:
 * the bar rises linearly from the threshold (same hour) to threshold + this
 * (48 hours apart), so a follow-up two days later on the same topic and
 * place is not taken for the same story.
 */
const LATE_PENALTY = 0.2;
const WEIGHT_TEXT = 0.75;
const WEIGHT_PLACES = 0.25;
/** Title words count this many times the summary's: a headline is the story in brief. */
const TITLE_WEIGHT = 2;
const LATIN_SUFFIX = /(?:'s|(?<=(?:s|x|z|ch|sh))es|ing|ed|s)$/u;
const LATIN_WORD = /^[a-z']+$/u;
const STEM_CHARS = 6;
/**
 * Stems that nearly every war report contains: sharing them says nothing
 * about being the same story.
 */
const GENERIC_STEMS: ReadonlySet<string> = new Set([
  "ukrain",
  "russia",
  "war",
  "oblast",
  "region",
  "near",
  "україн",
  "украин",
  "російс",
  "россий",
  "війна",
  "війни",
  "област",
  "регіон",
]);

/** What the comparison needs of one article. */
export interface StoryFeatures {
  /** stemmed content words of the title (weighted up) and the summary */
  words: Map<string, number>;
  wordsNorm: number;
  /** matched gazetteer aliases and topic ids: the places and actors named */
  places: Set<string>;
}

/** The features of an article's title and summary for near-duplicate detection. Pure. */
export function storyFeatures(
  article: Pick<Article, "title" | "summary">,
  tagger: Tagger,
): StoryFeatures {
  const words = new Map<string, number>();
  const add = (text: string, weight: number) => {
    for (const token of contentTokens(tokenize(text))) {
      const term = stem(token);
      if (GENERIC_STEMS.has(term)) continue;
      words.set(term, (words.get(term) ?? 0) + weight);
    }
  };
  add(article.title, TITLE_WEIGHT);
  add(article.summary, 1);
  const places = new Set<string>();
  for (const match of tagger.matches(`${article.title}\n${article.summary}`)) {
    places.add(`topic:${match.topic}`);
    places.add(match.alias.replace(/\*$/, "").toLowerCase());
  }
  return { words, wordsNorm: norm(words), places };
}

/**
 * How alike two stories are, in [0, 1]: mostly the cosine of their words,
 * plus the overlap of the places and actors they name. Zero when the words
 * alone are too far apart, so two different events in one town stay apart.
 */
export function storySimilarity(a: StoryFeatures, b: StoryFeatures): number {
  const text = a.wordsNorm === 0 || b.wordsNorm === 0 ? 0 : cosine(a.words, b.words);
  if (text < MIN_TEXT_COSINE) return 0;
  const places = a.places.size === 0 && b.places.size === 0 ? 0 : jaccard(a.places, b.places);
  return WEIGHT_TEXT * text + WEIGHT_PLACES * places;
}

/**
 * A crude, language-agnostic stem: English plural and verb endings dropped,
 * then at most STEM_CHARS characters kept, so "soldiers"/"soldier" and
 * "Курської"/"Курська" compare equal. Numbers are kept whole.
 */
export function stem(token: string): string {
  if (/\d/.test(token)) return token;
  let word = token;
  if (LATIN_WORD.test(word)) {
    const stripped = word.replace(LATIN_SUFFIX, "");
    if (stripped.length >= 3) word = stripped;
  }
  return [...word].slice(0, STEM_CHARS).join("");
}

interface Entry {
  article: Article;
  /** computed on first comparison: most articles of a one-source batch are never compared */
  features?: StoryFeatures;
}

/** Near-duplicate grouping for a batch of new articles against the recent ones. */
interface ClusterSession {
  /**
   * Puts `article` in the cluster of the most similar article from another
   * source published within 48 hours of it, if any is similar enough; both
   * are stored with the cluster id (the id of the story's earliest article).
   * Returns the article as now stored. Later calls of the same session see
   * the articles assigned before.
   */
  assign(article: Article): Promise<Article>;
}

export interface Clusters {
  /** Loads the articles published between `fromMs - 48 h` and `untilMs + 48 h` to compare against. */
  open(fromMs: number, untilMs: number): Promise<ClusterSession>;
}

export interface ClustersOptions {
  windowMs?: number;
  threshold?: number;
}

/**
 * Groups reports of the same story from several sources. Each session reads
 * the recent articles once (ArticleStore.since) and compares in memory, so a
 * poll that brings many items costs one range read, not one per item.
 * Articles from the same source are never grouped: an outlet's daily
 * assessments look alike but are different stories.
 */
export function createClusters(
  articles: ArticleStore,
  tagger: Tagger,
  options: ClustersOptions = {},
): Clusters {
  const windowMs = options.windowMs ?? CLUSTER_WINDOW_MS;
  const threshold = options.threshold ?? SAME_STORY_THRESHOLD;

  return {
    async open(fromMs, untilMs) {
      const recent = await articles.since(fromMs - windowMs - 1, { untilMs: untilMs + windowMs });
      const entries = new Map<string, Entry>();
      for (const article of recent) {
        entries.set(article.id, { article });
      }

      const featuresOf = (entry: Entry): StoryFeatures => {
        entry.features ??= storyFeatures(entry.article, tagger);
        return entry.features;
      };

      async function setCluster(entry: Entry, cluster: string): Promise<Article> {
        if (entry.article.cluster === cluster) return entry.article;
        const updated = (await articles.update(entry.article.id, { cluster })) ?? {
          ...entry.article,
          cluster,
        };
        entry.article = updated;
        return updated;
      }

      return {
        async assign(article) {
          const entry: Entry = { article };
          entries.delete(article.id);
          // Join the most similar story that already has a cluster, else pair
          // with the most similar article: so A~B, C~B, C~D end in one cluster.
          let best: Entry | undefined;
          let bestScore = 0;
          let bestClustered = false;
          for (const other of entries.values()) {
            if (other.article.source === article.source) continue;
            const gap = Math.abs(other.article.publishedAt - article.publishedAt);
            if (gap > windowMs) continue;
            const score = storySimilarity(featuresOf(entry), featuresOf(other));
            if (score < threshold + LATE_PENALTY * (gap / windowMs)) continue;
            const clustered = other.article.cluster !== undefined;
            if (
              best === undefined ||
              isBetter(clustered, score, other, bestClustered, bestScore, best)
            ) {
              best = other;
              bestScore = score;
              bestClustered = clustered;
            }
          }
          entries.set(article.id, entry);
          if (!best) return article;
          const earliest =
            best.article.publishedAt <= article.publishedAt ? best.article : entry.article;
          const cluster = best.article.cluster ?? earliest.id;
          await setCluster(best, cluster);
          return setCluster(entry, cluster);
        },
      };
    },
  };
}

/** A clustered story beats an unclustered one, then the higher score, then the earlier report. */
function isBetter(
  clustered: boolean,
  score: number,
  other: Entry,
  bestClustered: boolean,
  bestScore: number,
  best: Entry,
): boolean {
  if (clustered !== bestClustered) return clustered;
  if (score !== bestScore) return score > bestScore;
  return other.article.publishedAt < best.article.publishedAt;
}
