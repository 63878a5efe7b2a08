# Digests on demand and search

cmd-digest = Everything new since your last digest
cmd-search = Find articles by words: /search Kursk

digest-header = 📰 <b>Digest</b> — { $from } – { $to }
digest-more = …and { $count } more { $count ->
    [one] story
   *[other] stories
} — /digest
digest-more-channel = …and { $count } more { $count ->
    [one] story
   *[other] stories
}
digest-nothing-new = Nothing new since { $since }. The last article arrived { $last }.
digest-nothing-yet = Nothing new since { $since }. No articles have arrived yet.

search-header = 🔎 <b>Search: { $words }</b>
search-usage = Send /search with the words to look for, for example /search Kursk. Each word needs at least two letters.
search-word-too-long = A word in your search is too long: “{ $word }” has { $length } letters, and I look up words of at most { $max }. Send shorter words, for example /search Kursk.
search-nothing = Nothing found for “{ $words }”. Try fewer words or other ones.
digest-elsewhere = ℹ️ This group's digest goes to <a href="{ $link }">its own topic</a>. This copy leaves it as it is: the digest there still brings these stories.
