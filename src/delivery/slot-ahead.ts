import type { RateGate, TakeResult } from "./rate-gate.ts";

/**
 * A send slot asked for before the job knows what it sends: a job reserves
 * the slot for its first part while it reads its record and its chat, so both
 * reach Redis in one round trip instead of two (bench/fanout.ts). Only the
 * reservation is early; the wait for the slot, the pause check and the
 * process's send window happen when the first part claims it (rate-gate.ts),
 * right before it is sent. A reservation handed back unused is released as
 * if sent: it still counts for that chat's spacing and group minute, which
 * errs on the safe side and happens only to jobs that send nothing or whose
 * chat moved. Its global slot is lost, so slots are asked for early only
 * while the gate has slots to spare (the rate is not what limits sending);
 * while sending waits on the rate, a job that turns out to have nothing to
 * send (a digest with nothing new) must not take a slot another chat waits
 * for, and the first part asks for its slot when it is about to be sent.
 */
export interface SlotAhead {
  /**
   * The slot for a first part to `chatId`: built on the early reservation
   * when that was for this chat and kind, otherwise (a migrated group, a kind
   * guessed wrong) that one is handed back and a new one taken. Once only.
   */
  claim(chatId: number, group: boolean): Promise<TakeResult>;
  /** Hands the reservation back, in the background, if no part claimed it. */
  drop(): void;
}

/**
 * Telegram gives users positive ids and groups, supergroups and channels
 * negative ones, so the id tells the chat's kind before its record is read.
 */
function isGroupId(chatId: number): boolean {
  return chatId < 0;
}

/**
 * Reserves a slot for a message to `chatId` now, when the gate has slots to
 * spare, to be claimed or dropped by the job; otherwise the claim takes it.
 */
export function takeSlotAhead(gate: RateGate, chatId: number, signal?: AbortSignal): SlotAhead {
  if (!gate.slotsToSpare()) {
    return { claim: (to, toGroup) => gate.take(to, toGroup, signal), drop: () => undefined };
  }
  const group = isGroupId(chatId);
  const reserving = gate.reserve(chatId, group);
  // a job that fails before claiming drops it; until then, no unhandled rejection
  reserving.catch(() => undefined);
  let open = true;

  async function giveBack(): Promise<void> {
    const { ticket } = await reserving;
    if (ticket) await gate.release(ticket);
  }

  return {
    async claim(to, toGroup) {
      if (!open) throw new Error("the slot reserved ahead was already claimed or dropped");
      open = false;
      if (to === chatId && toGroup === group) return gate.take(to, toGroup, signal, reserving);
      await giveBack();
      return gate.take(to, toGroup, signal);
    },
    drop() {
      if (!open) return;
      open = false;
      giveBack().catch(() => undefined);
    },
  };
}
