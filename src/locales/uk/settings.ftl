# /settings і /topics — українська

cmd-settings = Мова, теми, час дайджестів, часовий пояс тощо
cmd-topics = Оберіть теми дайджесту для цього чату

settings-title = <b>⚙️ Налаштування</b>
settings-title-of = <b>⚙️ Налаштування: { $title }</b>
settings-status-active = ✅ Підписку оформлено: дайджести надходять у вказаний нижче час.
settings-status-paused = ⏸ Підписки ще немає. Усе можна змінити вже зараз; надішліть /subscribe, щоб отримувати дайджести.
settings-status-paused-linked = ⏸ Підписки ще немає. Усе можна змінити вже зараз; оформіть підписку через /channels.
settings-status-gone = ⛔ Я більше не можу туди писати, тож дайджести не надсилаються.

settings-line-language = 🌐 Мова: { $value }
settings-line-topics = 🗂 Теми: { $value }
settings-line-times = 🕗 Час дайджестів: { $value }
settings-line-zone = 🌍 Часовий пояс: { $value }
settings-line-items = 🔢 Матеріалів у дайджесті: { $value }
settings-line-previews = 🔗 Попередній перегляд посилань: { $value }
settings-line-flash = ⚡ Термінові сповіщення: { $value }
settings-line-quiet = 🌙 Тихі години: { $value }
settings-line-news = 📰 Новини: { $value }

settings-on = увімк.
settings-off = вимк.
settings-all-topics = Усі теми
settings-topics-count =
    { $count ->
        [one] { $count } тема
        [few] { $count } теми
       *[many] { $count } тем
    }

settings-btn-language = 🌐 { $value }
settings-btn-topics = 🗂 { $value }
settings-btn-times = 🕗 { $value }
settings-btn-zone = 🌍 { $value }
settings-btn-items = 🔢 { $value } у дайджесті
settings-btn-quiet = 🌙 Тиша: { $value }
settings-btn-previews = 🔗 Прев'ю: { $value }
settings-btn-flash = ⚡ Сповіщення: { $value }
settings-btn-news = 📰 Новини: { $value }
settings-news-title = <b>📰 Мови новин</b>
    Які новини отримує цей чат: англійською, українською чи обома мовами. Це стосується /latest, /search, дайджестів і сповіщень.
news-langs-en = англійською
news-langs-uk = українською
news-langs-both = українською та англійською
settings-btn-done = ✔️ Готово
settings-btn-back = « Назад
settings-btn-type-times = ⌨️ Ввести час
settings-btn-type-zone = ⌨️ Ввести місто чи пояс
settings-btn-type-quiet = ⌨️ Ввести години

settings-city-kyiv = Київ
settings-city-london = Лондон
settings-city-berlin = Берлін
settings-city-warsaw = Варшава
settings-city-new-york = Нью-Йорк
settings-city-los-angeles = Лос-Анджелес

settings-ask-times = Надішліть час дайджестів, наприклад 08:00, 19:30 (щонайбільше { $max } на день).
settings-ask-zone = Надішліть своє місто або часовий пояс, наприклад Київ, Берлін чи Europe/Warsaw.
settings-ask-quiet = Надішліть тихі години у форматі ГГ:ХХ-ГГ:ХХ, наприклад 23:00-07:00, або «вимк».
settings-try-again = Надішліть ще раз або відкрийте /settings, щоб вибрати кнопкою.
settings-saved = ✅ Збережено.
settings-outdated = Це меню застаріло — ось актуальне.
settings-closed = Налаштування збережено.
settings-not-manager = Ви не керуєте цим чатом, тому не можете змінити його налаштування.

topics-toggle-title = <b>🗂 Теми дайджесту</b>
topics-toggle-title-of = <b>🗂 Теми дайджесту: { $title }</b>
topics-toggle-now = Зараз: { $value }
topics-toggle-hint = Торкніться теми, щоб додати або прибрати її. Якщо не вибрано жодної, дайджест охоплює всі теми.
topics-toggle-hint-group = Адміністратори можуть торкнутися теми, щоб додати або прибрати її. Якщо не вибрано жодної, дайджест охоплює всі теми.
