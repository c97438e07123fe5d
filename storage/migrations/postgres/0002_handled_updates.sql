-- PostgreSQL twin of ../0002_handled_updates.sql. SQLite stores a handled update's id and
-- the state it produced through a view with an INSTEAD OF trigger; PostgreSQL does it with
-- one writable CTE (storage/pg/dialect.py, SAVE_HANDLED), which needs no schema object.
-- This file only keeps the version numbers of both engines alike.
SELECT 1;
