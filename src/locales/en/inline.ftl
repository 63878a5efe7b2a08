inline-nothing = Nothing found. Open the latest news
