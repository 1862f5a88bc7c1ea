-- Hash of the view files a lake's views were last created from.
SELECT views_hash FROM writer_token
