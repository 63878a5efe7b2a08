/**
 * This process's own sends in the last second, as a ring of their start
 * times: at most `limit` may start in any sliding `windowMs`. The rate gate's
 * shared schedule spaces slots evenly, but a send that leaves late (a busy
 * event loop) lands next to the ones that leave on time; this is the hard
 * bound on what one process puts into any second, whatever the lateness.
 */
export class SendWindow {
  /** start times, oldest at `next` once the ring is full */
  private readonly starts: number[] = [];
  private readonly limit: number;
  private next = 0;

  constructor(
    limit: number,
    private readonly windowMs = 1000,
  ) {
    if (!(limit >= 1)) throw new RangeError("a send window must allow at least one send");
    this.limit = Math.floor(limit);
  }

  /** Milliseconds until one more send fits, 0 when it fits now. */
  waitAt(now: number): number {
    if (this.starts.length < this.limit) return 0;
    return Math.max(0, (this.starts[this.next] as number) + this.windowMs - now);
  }

  /** Records a send that starts at `now`. */
  note(now: number): void {
    if (this.starts.length < this.limit) {
      this.starts.push(now);
      return;
    }
    this.starts[this.next] = now;
    this.next = (this.next + 1) % this.starts.length;
  }
}
