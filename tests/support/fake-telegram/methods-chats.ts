import type { ChatFullInfo } from "grammy/types";
import { myChatMemberUpdate } from "../updates.ts";
import { badRequest, forbidden } from "./errors.ts";
import type { ChatRecord } from "./state.ts";
import type { Handler } from "./types.ts";

function fullInfo(record: ChatRecord): ChatFullInfo {
  const info: Record<string, unknown> = {
    ...record.chat,
    accent_color_id: 0,
    max_reaction_count: 11,
    accepted_gift_types: {
      unlimited_gifts: false,
      limited_gifts: false,
      unique_gifts: false,
      premium_subscription: false,
      gifts_from_channels: false,
    },
  };
  if (record.description) info.description = record.description;
  return info as unknown as ChatFullInfo;
}

const getChat: Handler = (fake, p) => fullInfo(fake.world.resolve(p.raw.chat_id));

const getChatMember: Handler = (fake, p) => {
  const record = fake.world.resolve(p.raw.chat_id);
  const userId = p.int("user_id");
  if (userId === undefined || !fake.world.users.has(userId)) throw badRequest("user not found");
  return fake.world.memberOf(record, userId);
};

const getChatAdministrators: Handler = (fake, p) => {
  const record = fake.world.resolve(p.raw.chat_id);
  if (record.chat.type === "private") {
    throw badRequest("there are no administrators in the private chat");
  }
  return [...record.members.values()].filter(
    (m) => m.status === "creator" || m.status === "administrator",
  );
};

const getChatMemberCount: Handler = (fake, p) => {
  const record = fake.world.resolve(p.raw.chat_id);
  return [...record.members.values()].filter((m) => m.status !== "left" && m.status !== "kicked")
    .length;
};

const leaveChat: Handler = (fake, p) => {
  const record = fake.world.resolve(p.raw.chat_id);
  const chat = record.chat;
  if (chat.type === "private") {
    throw badRequest("chat member status can't be changed in private chats");
  }
  const old = fake.world.memberOf(record, fake.world.bot.id);
  if (old.status === "left" || old.status === "kicked") {
    throw forbidden(`bot is not a member of the ${chat.type} chat`);
  }
  fake.world.setMember(chat.id, fake.world.bot.id, "left");
  const left = fake.world.memberOf(record, fake.world.bot.id);
  fake.queue.push(
    myChatMemberUpdate(chat, fake.world.botUser, old, left, { bot: fake.world.botUser }),
  );
  return true;
};

export const chatMethods: Record<string, Handler> = {
  getChat,
  getChatMember,
  getChatAdministrators,
  getChatMemberCount,
  leaveChat,
};
