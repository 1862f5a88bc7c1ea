-- The alias the lake is attached (and in use) as.
SELECT current_database()
