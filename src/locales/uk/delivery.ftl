# Доставка: редакторські /flash і /stats

cmd-flash = Для редакторів: негайно надіслати термінову статтю підписникам
cmd-stats = Для редакторів: показники доставки

delivery-off = Доставка в цьому розгортанні не працює, тож зараз нічого не можна надіслати.

## /flash

delivery-flash-usage =
    Надішліть /flash із посиланням на статтю або її ідентифікатором, наприклад:
    <code>/flash https://example.org/report</code>
delivery-flash-withdrawn = «{ $title }» відкликано: її не пропонують жодному читачеві, тож і не надсилають.
delivery-flash-unknown = Статті «{ $input }» у мене немає. Надішліть повне посилання або ідентифікатор (16 символів, його показують /post і /edit).
delivery-flash-queued = ⚡ Статтю «{ $title }» позначено як термінову й поставлено в чергу для { $count ->
        [one] { $count } чату
       *[other] { $count } чатів
    }.
delivery-flash-already = { $count ->
        [one] { $count } чат уже отримав її як термінову й не отримає вдруге.
        [few] { $count } чати вже отримали її як термінову й не отримають вдруге.
       *[other] { $count } чатів уже отримали її як термінову й не отримають вдруге.
    }
delivery-flash-nobody = Жоден підписаний чат з увімкненими терміновими сповіщеннями не стежить за її темами, тож нічого не надіслано.

## /stats

delivery-stats-title = 📊 <b>Доставка</b>
delivery-stats-sent = Надіслано повідомлень: { $count }
delivery-stats-retried = Повторних спроб: { $count }
delivery-stats-rate-limited = Секунд очікування через обмеження Telegram: { $count }
delivery-stats-blocked = Чатів, що заблокували бота: { $count }
delivery-stats-left = Чатів, яких більше немає: { $count }
delivery-stats-migrated = Груп, переведених у супергрупи: { $count }
delivery-stats-bad-messages = Повідомлень, які Telegram відхилив: { $count }
delivery-stats-failed = Завдань, що завершилися невдачею: { $count }
delivery-stats-queue-title = <b>Черга</b>
delivery-stats-queue = Очікують: { $waiting } · надсилаються: { $active } · відкладені: { $delayed }
delivery-stats-queue-off = У цьому процесі черга не підключена.
delivery-stats-audience-title = <b>Аудиторія та матеріали</b>
delivery-stats-subscribed = Підписаних чатів: { $count }
delivery-stats-articles = Збережених статей: { $count }
