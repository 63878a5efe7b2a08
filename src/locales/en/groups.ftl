# Groups, supergroups and channels

cmd-channel = Link a channel you run: /channel @name
cmd-channels = Your linked channels and their digests

groups-welcome =
    👋 <b>Frontline Digest</b> is here: short summaries of the war in Ukraine, each with a link to the original report.

    Admins: send /subscribe@{ $botname } to get a daily digest here.
    Everyone: /latest@{ $botname } shows the newest stories, /digest@{ $botname } catches up.

channels-usage =
    To get digests in your channel:
    1. Add me to the channel as an admin allowed to post messages.
    2. Send /channel @channelname here, or forward me any post from the channel.
channels-none =
    You haven't linked a channel yet.
    Add me to your channel as an admin allowed to post messages, then send /channel @channelname here or forward me any post from the channel.
channels-not-found = I can't find { $name } — check the name, and add me to the channel as an admin first.
channels-not-a-channel-user = { $name } is a person's account, not a channel.
channels-not-a-channel-group = { $name } is a group, not a channel. Add me to the group and send /subscribe@{ $botname } there.
channels-bot-not-admin = I'm not an admin of <b>{ $title }</b> allowed to post messages. Add me in the channel's Administrators with “Post messages” on, then try again.
channels-user-not-admin = Only the admins of <b>{ $title }</b> can link it, and you are not one of them.
channels-linked = ✅ <b>{ $title }</b> is linked. Subscribe it to choose topics and times, or open its settings first.
channels-linked-active = ✅ <b>{ $title }</b> is linked. It is already subscribed: next digest { $next }.

channels-list-header = <b>Your channels</b>: { $count }
channels-status-active = ✅ Subscribed — next digest { $next }
channels-status-paused = ⏸ Not subscribed
channels-status-left = ⚠️ I can't post there any more — add me back as an admin, then subscribe again
channels-btn-subscribe = ✅ Subscribe this channel
channels-btn-settings = ⚙️ Settings
channels-btn-unsubscribe = ⏸ Unsubscribe
channels-btn-unlink = ✖️ Unlink

channels-not-linked = This channel isn't linked to your chat. /channels shows the ones that are.
channels-bot-lost-access = I can't reach { $title } any more. Add me back as an admin allowed to post, then try again.
channels-no-longer-admin = You are no longer an admin of { $title }, so I unlinked it from your chat.
channels-unsubscribed = Unsubscribed. The settings are kept.
channels-unlinked = <b>{ $title }</b> is unlinked from this chat.
channels-unlinked-stopped = <b>{ $title }</b> is unlinked. Nobody manages it from a chat with me any more, so its digests stopped.
channels-removed-notice = I can no longer post in <b>{ $title }</b> — I was removed or lost the right to post — so its digests stopped. Add me back as an admin, then press Subscribe in /channels.
