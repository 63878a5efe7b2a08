# /subscribe, /unsubscribe, /cancel і /status — українська

cmd-subscribe = Отримувати дайджести тут: теми, час і часовий пояс
cmd-unsubscribe = Зупинити дайджести (налаштування збережуться)
cmd-status = Підписка цього чату і наступний дайджест
cmd-cancel = Перервати розпочате налаштування

subscribe-for-chat = Підписка для <b>{ $title }</b>
subscribe-editing = Підписку вже оформлено — змініть що потрібно й підтвердьте.
subscribe-step-topics =
    <b>Крок 1 з 3 — Теми</b>
    Позначте потрібні теми; повторне натискання знімає позначку. Якщо не обрати жодної, надходитимуть усі теми.
subscribe-step-schedule =
    <b>Крок 2 з 3 — Час</b>
    Коли надсилати дайджест? Часовий пояс оберете далі.
subscribe-step-times =
    <b>Крок 2 з 3 — Свій час</b>
    Надішліть до { $max } значень часу, наприклад: 7:30, 19:00
subscribe-step-zone =
    <b>Крок 3 з 3 — Часовий пояс</b>
    Дайджест надходитиме о { $times } за часом цього поясу.
subscribe-step-zone-typed =
    <b>Крок 3 з 3 — Часовий пояс</b>
    Надішліть назву міста (Київ, Торонто) або часового поясу (Europe/Berlin).
subscribe-reply-here = Дайте відповідь на це повідомлення.
subscribe-step-confirm = <b>Перевірте й підтвердьте</b>

subscribe-summary-topics = 🗂 Теми: { $topics }
subscribe-summary-times = 🕗 Час: { $times }
subscribe-summary-zone = 🌍 Часовий пояс: { $zone }
subscribe-summary-news = 📰 Новини: { $news }
subscribe-summary-next = ⏭ Наступний дайджест: { $next }
subscribe-all-topics = усі теми

subscribe-done =
    ✅ <b>Підписку оформлено.</b> Наступний дайджест: { $next }.
    /status показує налаштування; /unsubscribe зупиняє дайджести.
subscribe-done-channel = ✅ <b>{ $title }</b> підписано. Наступний дайджест: { $next }.

subscribe-btn-all-topics = Усі теми
subscribe-btn-done = Готово ➡️
subscribe-btn-confirm = ✅ Підтвердити
subscribe-btn-change = ✏️ Змінити
subscribe-btn-custom = ✏️ Свій час…
subscribe-btn-other-zone = 🌍 Інший…
subscribe-btn-back = « Назад
subscribe-preset-morning = Зранку 08:00
subscribe-preset-twice = Зранку й увечері 08:00 і 20:00
subscribe-preset-three = Тричі 08:00 / 14:00 / 20:00
subscribe-city-kyiv = Київ
subscribe-city-london = Лондон
subscribe-city-berlin = Берлін
subscribe-city-warsaw = Варшава
subscribe-city-new-york = Нью-Йорк
subscribe-city-los-angeles = Лос-Анджелес

subscribe-hint-topics = Оберіть теми кнопками вище й натисніть «Готово». /cancel перериває налаштування.
subscribe-hint-schedule = Оберіть час кнопками вище. /cancel перериває налаштування.
subscribe-hint-times = Надішліть час текстом, наприклад 7:30, 19:00. /cancel перериває налаштування.
subscribe-hint-zone = Оберіть часовий пояс кнопками вище або натисніть «Інший…», щоб написати місто. /cancel перериває налаштування.
subscribe-hint-zone-typed = Надішліть текстом місто або часовий пояс, наприклад Київ чи Europe/Berlin. /cancel перериває налаштування.
subscribe-hint-confirm = Натисніть «Підтвердити», щоб підписатися, або «Змінити», щоб повернутися. /cancel перериває налаштування.
subscribe-stale-button = Ця кнопка з попереднього кроку — користуйтеся найновішим повідомленням.
subscribe-not-yours = Цими кнопками може користуватися лише адміністратор, який розпочав налаштування.
subscribe-not-admin = Ви більше не адміністратор каналу «{ $title }», тож не можете змінювати його підписку.
subscribe-closed = Це меню вже закрите. Надішліть /subscribe, щоб почати знову.
subscribe-cancelled = Скасовано — нічого не змінилося.
subscribe-nothing-to-cancel = Немає чого скасовувати.
subscribe-left = Налаштування підписки перервано — нічого не змінилося.
subscribe-timed-out = Час на /subscribe вичерпано; надішліть /subscribe, щоб почати знову.

unsubscribe-done = ⏸ Підписку скасовано — дайджести сюди більше не надходитимуть. Теми, час і часовий пояс збережено: /subscribe поверне їх.
unsubscribe-not-subscribed = Цей чат не підписаний, тож зупиняти нічого. /subscribe вмикає дайджести.

status-active = ✅ <b>Підписано</b>
status-inactive = ⏸ <b>Не підписано.</b> /subscribe увімкне дайджести з такими налаштуваннями:
status-none = ⏸ <b>Не підписано.</b> Надішліть /subscribe, щоб обрати теми й час.
status-last = 📨 Останній дайджест: { $last }
status-last-none = 📨 Останній дайджест: ще не було
