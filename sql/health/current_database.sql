-- Name of the open database (which file the page reads).
SELECT current_database()
