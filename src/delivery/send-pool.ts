/**
 * How many chats one worker process delivers to at once, over all its jobs,
 * first come first served. A batch job hands in all its chats at once, in
 * order, so chats are served in the order their batches were taken and, in
 * a batch, in the order they fell due; a single-chat job (a flash, a digest
 * put aside) goes to the front, as it is urgent or already late.
 *
 * Written here rather than taken from a library (p-limit, p-queue) for the
 * front-of-line insertion and because it is twenty lines with no
 * dependencies.
 */
export interface SendPool {
  /** Runs `task` once fewer than `limit` tasks run; `urgent` ones go before those waiting. */
  run<T>(task: () => Promise<T>, options?: { urgent?: boolean }): Promise<T>;
  /** tasks running now */
  readonly running: number;
}

/** A FIFO pool of `limit` concurrent tasks (see SendPool). */
export function createSendPool(limit: number): SendPool {
  if (!(limit >= 1)) throw new RangeError("a send pool needs a limit of at least 1");
  const waiting: (() => void)[] = [];
  let running = 0;

  function next(): void {
    running -= 1;
    const start = waiting.shift();
    if (start) {
      running += 1;
      start();
    }
  }

  return {
    get running() {
      return running;
    },
    async run(task, options) {
      if (running >= limit) {
        await new Promise<void>((resolve) => {
          if (options?.urgent) waiting.unshift(resolve);
          else waiting.push(resolve);
        });
      } else {
        running += 1;
      }
      try {
        return await task();
      } finally {
        next();
      }
    },
  };
}
