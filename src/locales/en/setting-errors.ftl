# Why a setting was refused, and what is allowed — English

setting-error-invalid-language = { $value } is not a supported language — choose one of: { $allowed }
setting-error-invalid-timezone = { $value } is not a time zone — send a city like Kyiv or a zone like Europe/Berlin
setting-error-invalid-time = { $value } is not a time — write times like 07:30 or 7:30, from 00:00 to 23:59, separated by commas
setting-error-no-times = No time given — send 1 to { $max } times as HH:MM, e.g. 08:00, 19:30
setting-error-too-many-times = { $count } times is too many — choose at most { $max } digest times a day
setting-error-invalid-topics = { $value } is not a list of topics — choose any of: { $allowed }, or none for every topic
setting-error-unknown-topic = { $value } is not a topic — choose from: { $allowed }
setting-error-items-out-of-range = { $value } is not a number of items — choose a whole number from { $min } to { $max }
setting-error-invalid-quiet-hours = { $value } is not a quiet period — send two different times as HH:MM-HH:MM, e.g. 23:00-07:00, or off
setting-error-invalid-switch = { $value } is not on or off — { $field } can only be turned on or off
setting-error-invalid-thread = { $value } is not a forum topic id — use a positive whole number
setting-error-invalid-news = { $value } is not a choice of news languages — choose { $allowed }, or both

setting-field-lang = Language
setting-field-tz = Time zone
setting-field-times = Digest times
setting-field-topics = Topics
setting-field-maxItems = Items per digest
setting-field-previews = Link previews
setting-field-quiet = Quiet hours
setting-field-flash = Flash alerts
setting-field-threadId = Forum topic
setting-field-news = News languages
