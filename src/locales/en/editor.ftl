# Editors: /post, /edit and the editors' view of /sources

cmd-post = Editors: publish an article by hand
cmd-edit = Editors: correct an article's title or summary

## /post

post-ask-link = 📝 <b>New article</b>, step 1 of 6: send the link to the original report (https://…). /cancel stops at any step.
post-link-invalid = “{ $input }” is not a link I can use. Send the full address of the article, starting with https://
post-link-exists =
    This link is already published as “{ $title }” (id <code>{ $id }</code>).
    To correct it, send /edit { $id }
post-ask-title = Step 2 of 6: send the <b>title</b> (1–250 characters).
post-title-too-long = That title has { $count } characters; at most 250. Send a shorter one.
post-ask-summary =
    Step 3 of 6: send a <b>summary</b> in our own words, at most 500 characters.
    Or paste the article's text and I'll offer to summarise it.
post-summary-too-long = That's { $count } characters; a summary may have at most 500. Shorten it and send it again — or, if you pasted the article's text, let me summarise it.
post-btn-summarise = ✂️ Summarise pasted text
post-summary-proposed =
    Proposed summary ({ $count } characters):

    { $summary }
post-btn-use-summary = ✅ Use this summary
post-btn-own-summary = ✏️ Write my own
post-summary-failed = I found no sentences to summarise in that text. Send a summary of at most 500 characters.
post-ask-own-summary = Send your summary (at most 500 characters).
post-ask-topics =
    Step 4 of 6: <b>topics</b>. I marked the ones I found in the text. Tap a topic to add or remove it, then press Done.
post-btn-topics-done = Done ➡️
post-ask-urgency = Step 5 of 6: how <b>urgent</b> is it?
post-btn-normal = 📰 Normal: in the next digests
post-btn-flash = ⚡ Flash: push it to subscribers now
post-ask-source = Step 6 of 6: the <b>source</b>, as readers will see it. Pick one or type the publisher's name.
post-source-too-long = A source name may have at most 100 characters. Pick one or type a shorter name.
post-preview-intro = 👀 <b>Preview</b>: this is exactly what subscribers will see. Publish it?
post-preview-flash = ⚡ It is a flash: subscribers with flash alerts get it right away.
post-preview-lang = 🌐 Check the article's <b>language</b> under the preview: readers get news only in the languages they chose.
post-btn-publish = ✅ Publish
post-btn-cancel = ✖️ Cancel
post-published =
    ✅ Published. Id: <code>{ $id }</code>
    To correct it: /edit { $id }
post-hook-failed = ⚠️ Stored, but passing it on to subscribers failed. Try /flash { $id } in a minute.
post-published-meanwhile =
    Someone published this link while you were writing (id <code>{ $id }</code>). Nothing was changed.
    To correct it, send /edit { $id }
post-cancelled = Cancelled. Nothing was published.
post-expect-link = Send the article's link as a message, or /cancel to stop.
post-expect-text = Send it as a text message, or /cancel to stop.
post-expect-button = Press one of the buttons above, or /cancel to stop.
post-expect-text-or-button = Send a text message or press one of the buttons above; /cancel stops.
post-closed = That /post is over. Send /post to start a new one.
post-stale-button = That button is from an earlier step; use the newest message.
post-timed-out = That /post timed out and nothing was published. Send /post to start again.
post-left = Stopped writing the article; nothing was published.

## /edit

edit-usage = Send /edit with the article's link or id, for example: /edit https://example.org/news/1
edit-unknown = No article has the link or id “{ $input }”. Check it, or find the article with /search.
edit-card-intro = ✏️ <b>Editing</b> article <code>{ $id }</code>. What do you want to change?
edit-btn-title = ✏️ Title
edit-btn-summary = ✏️ Summary
edit-ask-title = Send the new <b>title</b> (1–250 characters). /cancel keeps the current one.
edit-ask-summary = Send the new <b>summary</b> (at most 500 characters). /cancel keeps the current one.
edit-title-too-long = That title has { $count } characters; at most 250. Send a shorter one.
edit-summary-too-long = That summary has { $count } characters; at most 500. Shorten it and send it again.
edit-title-saved = ✅ Title corrected. Readers see the new one from now on, in /latest and in digests:
edit-summary-saved = ✅ Summary corrected. Readers see the new one from now on, in /latest and in digests:
edit-btn-link = 🔗 Link
edit-ask-link = Send the new <b>link</b> to the article: its full address, starting with https:// or http://. /cancel keeps the current one.
edit-link-invalid = “{ $input }” is not a link I can use. Send the article's full address, starting with https:// or http://, for example https://example.org/news/1; no other kind of link is allowed.
edit-link-taken = That link belongs to another article (id <code>{ $id }</code>). Send a different one, or /cancel to keep the current link.
edit-link-saved = ✅ Link changed. Readers get the new one from now on, in /latest and in digests:
edit-unchanged = That is what it says already; nothing changed.
edit-gone = That article no longer exists.
edit-cancelled = Cancelled. The article is unchanged.
edit-timed-out = That correction timed out; the article is unchanged. Send /edit again to correct it.
edit-expect-text = Send the new text as a message, or /cancel to keep the article as it is.

## /sources for editors

editor-sources-header = 🛠 <b>Sources</b>: editors' view (times in { $zone })
editor-sources-empty = No sources are configured in sources.json.
editor-sources-status-active = ✅ Polled every { $minutes } min
editor-sources-status-paused = ⏸ Paused: not polled until an editor resumes it
editor-sources-status-disabled = ⛔ Switched off in sources.json
editor-sources-last-success = Last successful fetch: { $when }
editor-sources-never = Last successful fetch: never
editor-sources-items = Articles in the last 24 h: { $count }
editor-sources-failures = ⚠️ { $count ->
    [one] 1 failed fetch
   *[other] { $count } failed fetches in a row
}. Last error: { $error }
editor-sources-btn-pause = ⏸ Pause { $name }
editor-sources-btn-resume = ▶️ Resume { $name }
editor-sources-paused = { $name } is paused.
editor-sources-resumed = { $name } is polled again.
editor-sources-unknown = That source is no longer in sources.json.
