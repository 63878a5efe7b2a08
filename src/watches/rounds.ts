/**
 * Gathers the calls made while rounds run into the next round, so that
 * callers arriving together (a feed poll stores many articles at once) share
 * one round of work: a call finding a free place starts a round of its own
 * at once, and each round takes everything that waited meanwhile, up to
 * `maxRound`. A
 * failed round fails each of its calls, not the later ones.
 */
export class Rounds<I, O> {
  private waiting: { input: I; resolve: (output: O) => void; reject: (err: unknown) => void }[] =
    [];
  private running = 0;

  /** `inFlight` rounds may run at once, so one's reads overlap the other's writes. */
  constructor(
    private readonly run: (inputs: I[]) => Promise<O[]>,
    private readonly inFlight = 2,
    private readonly maxRound = 64,
  ) {}

  add(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      if (this.running < this.inFlight) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running += 1;
    while (this.waiting.length > 0) {
      const round = this.waiting.splice(0, this.maxRound);
      try {
        const outputs = await this.run(round.map((call) => call.input));
        round.forEach((call, i) => {
          call.resolve(outputs[i] as O);
        });
      } catch (err) {
        for (const call of round) call.reject(err);
      }
    }
    this.running -= 1;
  }
}
