# Frontline Digest — українська

welcome =
    👋 <b>Frontline Digest</b> — короткі підсумки новин про війну в Україні, кожен із посиланням на першоджерело.

    Попросіть найсвіжіші новини будь-коли або відкрийте тему нижче.
btn-latest = 📰 Найсвіжіше
btn-topics = 🗂 Теми
btn-subscribe = 🔔 Отримувати щоденний дайджест
btn-help = ❓ Довідка
btn-sources = 📚 Джерела

help-title = <b>Що я вмію</b>
help-footer = У групах додавайте моє ім'я до команди: /latest@{ $botname }

cmd-start = Привітання та головні кнопки
cmd-help = Усі команди, по рядку на кожну
cmd-latest = Найновіші статті: /latest 5 (1–10)
cmd-sources = Звідки беруться матеріали

latest-header = <b>Найсвіжіші новини</b>
latest-topic-header = <b>Найсвіжіше: { $topic }</b>
latest-usage = Надішліть /latest із числом від 1 до 10, наприклад /latest 5. Без числа ви отримаєте { $default } найновіші.
latest-empty = Статей ще немає. Спробуйте трохи згодом.
latest-topic-empty = На тему «{ $topic }» ще нічого немає. /latest показує всі теми.
topics-pick = Оберіть тему, щоб побачити найновіші статті:
deep-link-unknown = Це посилання веде на щось незнайоме мені. Ось найсвіжіші новини.

sources-intro = Кожен матеріал — це короткий підсумок нашими словами з посиланням на повний текст. Ми ніколи не копіюємо статті.
sources-outlets = <b>Видання</b>
sources-empty = Видань ще немає.

also-reported-by = Також повідомляють
flash-label = ⚡ ТЕРМІНОВО
date-locale = uk-UA

error-generic = У нас щось пішло не так. Спробуйте ще раз за хвилину.

only-admins = Лише адміністратори цієї групи можуть змінювати її підписку.
only-editors = Ця команда лише для редакторів.

fallback-unknown-command = Команди { $command } я не знаю. Надішліть { $help }, щоб побачити, що я вмію.
fallback-private-only = Команда { $command } працює лише в особистому чаті зі мною: відкрийте @{ $botname } і надішліть її там.

flood-wait = Забагато запитів — зачекайте { $seconds } с.
