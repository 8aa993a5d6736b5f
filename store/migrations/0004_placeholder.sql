-- 0004: a placeholder in the branch that adds 0005_serial.sql. Number 4 is the job table's
-- migration (0004_jobs_subject.sql), made on another branch at the same time; migrations must be
-- numbered 1, 2, 3… without a gap, so this empty file holds the number until that one arrives.
-- When both branches meet, delete this file (the numbering check in loadMigrations fails while
-- two files claim number 4).
SELECT 1;
