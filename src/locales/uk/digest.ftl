# Дайджест на запит і пошук

cmd-digest = Усе нове від останнього дайджесту
cmd-search = Пошук статей за словами: /search Курськ

digest-header = 📰 <b>Дайджест</b> — { $from } – { $to }
digest-more = …і ще { $count } { $count ->
    [one] новина
    [few] новини
   *[many] новин
} — /digest
digest-more-channel = …і ще { $count } { $count ->
    [one] новина
    [few] новини
   *[many] новин
}
digest-nothing-new = Нічого нового з { $since }. Остання стаття надійшла { $last }.
digest-nothing-yet = Нічого нового з { $since }. Статей ще немає.

search-header = 🔎 <b>Пошук: { $words }</b>
search-usage = Надішліть /search і слова для пошуку, наприклад /search Курськ. Кожне слово — щонайменше дві літери.
search-word-too-long = Слово в запиті задовге: «{ $word }» має { $length } літер, а я шукаю слова щонайбільше з { $max } літер. Надішліть коротші слова, наприклад /search Курськ.
search-nothing = За запитом «{ $words }» нічого не знайдено. Спробуйте менше слів або інші.
digest-elsewhere = ℹ️ Дайджест цієї групи надходить в <a href="{ $link }">окрему тему</a>. Ця копія його не змінює: дайджест там усе одно принесе ці новини.
