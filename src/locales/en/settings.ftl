# /settings and /topics — English

cmd-settings = Language, topics, digest times, time zone and more
cmd-topics = Choose the topics of this chat's digest

settings-title = <b>⚙️ Settings</b>
settings-title-of = <b>⚙️ Settings: { $title }</b>
settings-status-active = ✅ Subscribed: digests arrive at the times below.
settings-status-paused = ⏸ Not subscribed yet. You can change everything now; send /subscribe to start getting digests.
settings-status-paused-linked = ⏸ Not subscribed yet. You can change everything now; subscribe it from /channels.
settings-status-gone = ⛔ I can no longer post there, so no digests are sent.

settings-line-language = 🌐 Language: { $value }
settings-line-topics = 🗂 Topics: { $value }
settings-line-times = 🕗 Digest times: { $value }
settings-line-zone = 🌍 Time zone: { $value }
settings-line-items = 🔢 Items per digest: { $value }
settings-line-previews = 🔗 Link previews: { $value }
settings-line-flash = ⚡ Flash alerts: { $value }
settings-line-quiet = 🌙 Quiet hours: { $value }
settings-line-news = 📰 News in: { $value }

settings-on = on
settings-off = off
settings-all-topics = All topics
settings-topics-count = { $count } topics

settings-btn-language = 🌐 { $value }
settings-btn-topics = 🗂 { $value }
settings-btn-times = 🕗 { $value }
settings-btn-zone = 🌍 { $value }
settings-btn-items = 🔢 { $value } per digest
settings-btn-quiet = 🌙 Quiet: { $value }
settings-btn-previews = 🔗 Previews: { $value }
settings-btn-flash = ⚡ Alerts: { $value }
settings-btn-news = 📰 News: { $value }
settings-news-title = <b>📰 News languages</b>
    Which news this chat gets: in English, in Ukrainian, or both. /latest, /search, digests and alerts follow it.
news-langs-en = English
news-langs-uk = Ukrainian
news-langs-both = English and Ukrainian
settings-btn-done = ✔️ Done
settings-btn-back = « Back
settings-btn-type-times = ⌨️ Type times
settings-btn-type-zone = ⌨️ Type a city or zone
settings-btn-type-quiet = ⌨️ Type hours

settings-city-kyiv = Kyiv
settings-city-london = London
settings-city-berlin = Berlin
settings-city-warsaw = Warsaw
settings-city-new-york = New York
settings-city-los-angeles = Los Angeles

settings-ask-times = Send the digest times, for example 08:00, 19:30 (up to { $max } a day).
settings-ask-zone = Send your city or time zone, for example Kyiv, Berlin or Europe/Warsaw.
settings-ask-quiet = Send quiet hours as HH:MM-HH:MM, for example 23:00-07:00, or “off”.
settings-try-again = Send it again, or open /settings to choose from the buttons.
settings-saved = ✅ Saved.
settings-outdated = This menu was out of date — here is the current one.
settings-closed = Settings saved.
settings-not-manager = You don't manage that chat, so you can't change its settings.

topics-toggle-title = <b>🗂 Digest topics</b>
topics-toggle-title-of = <b>🗂 Digest topics: { $title }</b>
topics-toggle-now = Now: { $value }
topics-toggle-hint = Tap a topic to add or remove it. With none chosen, the digest covers every topic.
topics-toggle-hint-group = Admins can tap a topic to add or remove it. With none chosen, the digest covers every topic.
