"""Getting the news in: feeds, pages, the WARC archive, replay and de-duplication."""
