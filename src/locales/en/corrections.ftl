cmd-withdraw = Withdraw an article: strike it through where it was sent
correction-withdrawn = <i>⚠️ Withdrawn by the editors.</i>
withdraw-usage = Send /withdraw with the article's link or id. Every message that carried it in the last 48 hours is struck through with a note.
withdraw-unknown = No article with the link or id “{ $input }”.
withdraw-done = “{ $title }” is withdrawn: { $count ->
    [one] 1 sent message will be struck through.
   *[other] { $count } sent messages will be struck through.
}
