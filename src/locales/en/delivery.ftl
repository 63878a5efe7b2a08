# Delivery: editors' /flash and /stats

cmd-flash = Editors: push an urgent article to subscribers now
cmd-stats = Editors: delivery figures

delivery-off = Delivery is not running in this deployment, so nothing can be sent now.

## /flash

delivery-flash-usage =
    Send /flash with the article's link or id, for example:
    <code>/flash https://example.org/report</code>
delivery-flash-withdrawn = “{ $title }” is withdrawn: it is offered to no reader, so it is not pushed either.
delivery-flash-unknown = I have no article for “{ $input }”. Send its full link or its id (16 characters, shown by /post and /edit).
delivery-flash-queued = ⚡ “{ $title }” is marked urgent and queued for { $count ->
        [one] { $count } chat
       *[other] { $count } chats
    }.
delivery-flash-already = { $count ->
        [one] { $count } chat already had it as a flash and won't get it again.
       *[other] { $count } chats already had it as a flash and won't get it again.
    }
delivery-flash-nobody = No subscribed chat with flash alerts on follows its topics, so nothing was sent.

## /stats

delivery-stats-title = 📊 <b>Delivery</b>
delivery-stats-sent = Messages sent: { $count }
delivery-stats-retried = Attempts retried: { $count }
delivery-stats-rate-limited = Seconds waited on Telegram's limits: { $count }
delivery-stats-blocked = Chats that blocked the bot: { $count }
delivery-stats-left = Chats that are gone: { $count }
delivery-stats-migrated = Groups moved to supergroups: { $count }
delivery-stats-bad-messages = Messages Telegram refused: { $count }
delivery-stats-failed = Jobs that gave up: { $count }
delivery-stats-queue-title = <b>Queue</b>
delivery-stats-queue = Waiting: { $waiting } · sending: { $active } · delayed: { $delayed }
delivery-stats-queue-off = Not connected in this process.
delivery-stats-audience-title = <b>Audience and content</b>
delivery-stats-subscribed = Subscribed chats: { $count }
delivery-stats-articles = Articles stored: { $count }
