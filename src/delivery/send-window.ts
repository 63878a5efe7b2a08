/**
 * This process's own sends in the last second, as a ring of their start
 * times: at most `limit` may start in any sliding `windowMs`. The rate gate's
 * shared schedule spaces slots evenly, but a send that leaves late (a busy
 * event loop) lands next to the ones that leave on time; this is the hard
 * bound on what one process puts into any second, whatever the lateness.
 */
export class SendWindow {
  private readonly starts: number[];
  private next = 0;
  private count = 0;

  constructor(
    limit: number,
    private readonly windowMs = 1000,
  ) {
    if (!(limit >= 1)) throw new RangeError("a send window must allow at least one send");
    this.starts = new Array<number>(Math.floor(limit)).fill(0);
  }

  /** Milliseconds until one more send fits, 0 when it fits now. */
  waitAt(now: number): number {
    if (this.count < this.starts.length) return 0;
    const oldest = this.starts[this.next] as number;
    return Math.max(0, oldest + this.windowMs - now);
  }

  /** Records a send that starts at `now`. */
  note(now: number): void {
    this.starts[this.next] = now;
    this.next = (this.next + 1) % this.starts.length;
    this.count = Math.min(this.count + 1, this.starts.length);
  }
}
