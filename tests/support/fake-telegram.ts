/**
 * The fake Telegram Bot API server for tests: `createFakeTelegram()` and the
 * types and fault builders that go with it.
 */
export type { MigrationResult, SendTextOptions } from "./fake-telegram/actors.ts";
export { ApiError } from "./fake-telegram/errors.ts";
export {
  createFakeTelegram,
  FakeTelegram,
  type FakeTelegramOptions,
  type WaitOptions,
} from "./fake-telegram/fake.ts";
export { type Fault, type FaultHandle, type FaultOptions, faults } from "./fake-telegram/faults.ts";
export type {
  EarlyRetry,
  RateLimits,
  RateScope,
  RateViolation,
} from "./fake-telegram/rate-limit.ts";
export type { AddChatOptions, MemberSpec, SentMessage } from "./fake-telegram/state.ts";
export { MESSAGE_LIMIT } from "./fake-telegram/text.ts";
export type {
  ApiCall,
  CallbackAnswer,
  ChatAction,
  CommandSet,
  WebhookState,
} from "./fake-telegram/types.ts";
