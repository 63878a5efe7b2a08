import type { Logger } from "../logger.ts";

/** Adds a part to stop before everything added earlier. */
export type OnStop = (name: string, stop: () => Promise<void>) => void;

/** What createApp() and start() started, stopped in reverse order, each step logged. */
export class StopStack {
  private readonly steps: { name: string; stop: () => Promise<void> }[] = [];
  private step: string | undefined;
  private readonly logger: Logger;

  constructor(logger: Logger) {
    this.logger = logger;
  }

  readonly onStop: OnStop = (name, stop) => {
    this.steps.push({ name, stop });
  };

  /** The part stopAll() is stopping now; undefined when none. */
  stoppingStep(): string | undefined {
    return this.step;
  }

  /**
   * Stops every part, the latest first, logging each; `quiet` when
   * createApp itself failed: its one line of why is the caller's to print.
   */
  async stopAll(quiet = false): Promise<void> {
    const { logger } = this;
    const stopping = this.steps.length > 0 && !quiet;
    for (const { name, stop } of this.steps.splice(0).reverse()) {
      this.step = name;
      await stop().then(
        () => quiet || logger.info({ part: name }, `stopped ${name}`),
        (err) => logger.error({ err, part: name }, `error while stopping ${name}`),
      );
    }
    this.step = undefined;
    if (stopping) logger.info("stopped every part");
  }
}
