# Frontline Digest — English

welcome =
    👋 <b>Frontline Digest</b> — short summaries of the war in Ukraine, each with a link to the original report.

    Ask for the latest news any time, or open a topic below.
btn-latest = 📰 Latest news
btn-topics = 🗂 Topics
btn-subscribe = 🔔 Get a daily digest
btn-help = ❓ Help
btn-sources = 📚 Sources

help-title = <b>What I can do</b>
help-footer = In groups, add my name to a command: /latest@{ $botname }

cmd-start = Welcome and main buttons
cmd-help = Every command, one line each
cmd-latest = The newest articles: /latest 5 (1–10)
cmd-sources = Where the content comes from

latest-header = <b>Latest news</b>
latest-topic-header = <b>Latest: { $topic }</b>
latest-usage = Send /latest with a number from 1 to 10, for example /latest 5. Without a number you get the { $default } newest.
latest-empty = There are no articles yet. Try again a little later.
latest-topic-empty = Nothing on { $topic } yet. /latest shows every topic.
topics-pick = Pick a topic to see its newest articles:
deep-link-unknown = That link points to something I don't know. Here is the latest news instead.

sources-intro = Every item is a short summary written by us, with a link to the full report. We never copy articles.
sources-outlets = <b>Outlets</b>
sources-empty = No outlets yet.

also-reported-by = Also reported by
flash-label = ⚡ URGENT
date-locale = en-GB

error-generic = Something went wrong on our side. Please try again in a minute.
error-unavailable = The bot is temporarily unavailable, try again in a minute.

only-admins = Only this group's admins can change its subscription.
only-editors = This command is for editors.

fallback-unknown-command = I don't know the command { $command }. Send { $help } to see what I can do.
fallback-private-only = The command { $command } works only in a private chat with me: open @{ $botname } and send it there.

flood-wait = Too many requests — wait { $seconds } s.
