-- 0002 is reserved for the data-safety branch's migration (issue 13); this placeholder only keeps the
-- numbers contiguous on the stock branch. Delete it when that migration lands (it changes nothing).
SELECT 1;
