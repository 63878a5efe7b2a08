# Чому налаштування не прийнято і що дозволено — українська

setting-error-invalid-language = { $value } — непідтримувана мова. Оберіть одну з: { $allowed }
setting-error-invalid-timezone = { $value } — це не часовий пояс. Надішліть місто, як-от Київ, або пояс, як-от Europe/Berlin
setting-error-invalid-time = { $value } — це не час. Пишіть час як 07:30 або 7:30, від 00:00 до 23:59, через кому
setting-error-no-times = Час не вказано. Надішліть від 1 до { $max } значень у форматі ГГ:ХХ, наприклад 08:00, 19:30
setting-error-too-many-times = Забагато значень часу ({ $count }). Дайджест можна отримувати щонайбільше { $max } { $max ->
        [one] раз
        [few] рази
       *[many] разів
    } на день
setting-error-invalid-topics = { $value } — це не список тем. Оберіть будь-які з: { $allowed } або жодної, щоб отримувати всі теми
setting-error-unknown-topic = Теми «{ $value }» немає. Оберіть із: { $allowed }
setting-error-items-out-of-range = { $value } — неприпустима кількість матеріалів. Оберіть ціле число від { $min } до { $max }
setting-error-invalid-quiet-hours = { $value } — це не тихі години. Надішліть два різні часи у форматі ГГ:ХХ-ГГ:ХХ, наприклад 23:00-07:00, або «вимк»
setting-error-invalid-switch = { $value } — це не «увімк.» чи «вимк.»: { $field } можна лише увімкнути або вимкнути
setting-error-invalid-thread = { $value } — це не номер теми форуму. Вкажіть додатне ціле число
setting-error-invalid-news = { $value } — це не вибір мов новин. Виберіть { $allowed } або обидві

setting-field-lang = Мову
setting-field-tz = Часовий пояс
setting-field-times = Час дайджестів
setting-field-topics = Теми
setting-field-maxItems = Кількість матеріалів у дайджесті
setting-field-previews = Попередній перегляд посилань
setting-field-quiet = Тихі години
setting-field-flash = Термінові сповіщення
setting-field-threadId = Тему форуму
setting-field-news = Мови новин
