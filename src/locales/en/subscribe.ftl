# /subscribe, /unsubscribe, /cancel and /status — English

cmd-subscribe = Get digests here: choose topics, times and time zone
cmd-unsubscribe = Stop the digests (your settings are kept)
cmd-status = This chat's subscription and its next digest
cmd-cancel = Stop a setup you started

subscribe-for-chat = Subscribing <b>{ $title }</b>
subscribe-editing = Already subscribed — change anything below, then confirm.
subscribe-step-topics =
    <b>Step 1 of 3 — Topics</b>
    Tap the topics you want; tap one again to drop it. Choosing none means every topic.
subscribe-step-schedule =
    <b>Step 2 of 3 — Times</b>
    When should the digest arrive? You choose the time zone next.
subscribe-step-times =
    <b>Step 2 of 3 — Your own times</b>
    Send up to { $max } times of day, for example: 7:30, 19:00
subscribe-step-zone =
    <b>Step 3 of 3 — Time zone</b>
    Digests arrive at { $times } in this zone.
subscribe-step-zone-typed =
    <b>Step 3 of 3 — Time zone</b>
    Send a city (Kyiv, Toronto) or a time zone (Europe/Berlin).
subscribe-reply-here = Reply to this message with your answer.
subscribe-step-confirm = <b>Check and confirm</b>

subscribe-summary-topics = 🗂 Topics: { $topics }
subscribe-summary-times = 🕗 Times: { $times }
subscribe-summary-zone = 🌍 Time zone: { $zone }
subscribe-summary-news = 📰 News in: { $news }
subscribe-summary-next = ⏭ Next digest: { $next }
subscribe-all-topics = all topics

subscribe-done =
    ✅ <b>Subscribed.</b> Next digest: { $next }.
    /status shows the settings; /unsubscribe stops the digests.
subscribe-done-channel = ✅ <b>{ $title }</b> is subscribed. Next digest: { $next }.

subscribe-btn-all-topics = All topics
subscribe-btn-done = Done ➡️
subscribe-btn-confirm = ✅ Confirm
subscribe-btn-change = ✏️ Change
subscribe-btn-custom = ✏️ My own times…
subscribe-btn-other-zone = 🌍 Other…
subscribe-btn-back = « Back
subscribe-preset-morning = Morning 08:00
subscribe-preset-twice = Morning + evening 08:00 & 20:00
subscribe-preset-three = Three times 08:00 / 14:00 / 20:00
subscribe-city-kyiv = Kyiv
subscribe-city-london = London
subscribe-city-berlin = Berlin
subscribe-city-warsaw = Warsaw
subscribe-city-new-york = New York
subscribe-city-los-angeles = Los Angeles

subscribe-hint-topics = Choose topics with the buttons above, then tap “Done”. /cancel stops the setup.
subscribe-hint-schedule = Pick the times with the buttons above. /cancel stops the setup.
subscribe-hint-times = Send the times as text, for example 7:30, 19:00. /cancel stops the setup.
subscribe-hint-zone = Pick a time zone with the buttons above, or “Other…” to type a city. /cancel stops the setup.
subscribe-hint-zone-typed = Send a city or a time zone as text, for example Kyiv or Europe/Berlin. /cancel stops the setup.
subscribe-hint-confirm = Tap “Confirm” to subscribe or “Change” to go back. /cancel stops the setup.
subscribe-stale-button = That button is from an earlier step — use the newest message.
subscribe-not-yours = Only the admin who started this setup can use these buttons.
subscribe-not-admin = You are no longer an admin of { $title }, so you can't change its subscription.
subscribe-closed = This menu is closed. Send /subscribe to start again.
subscribe-cancelled = Cancelled — nothing changed.
subscribe-nothing-to-cancel = There is nothing to cancel.
subscribe-left = Subscription setup stopped — nothing changed.
subscribe-timed-out = That /subscribe timed out; send /subscribe to start again.

unsubscribe-done = ⏸ Unsubscribed — no more digests here. Your topics, times and time zone are kept: /subscribe brings them back.
unsubscribe-not-subscribed = This chat isn't subscribed, so there is nothing to stop. /subscribe starts the digests.

status-active = ✅ <b>Subscribed</b>
status-inactive = ⏸ <b>Not subscribed.</b> /subscribe starts the digests with these settings:
status-none = ⏸ <b>Not subscribed.</b> Send /subscribe to choose topics and times.
status-last = 📨 Last digest: { $last }
status-last-none = 📨 Last digest: none yet
