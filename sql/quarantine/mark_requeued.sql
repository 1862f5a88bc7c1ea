-- Stamp the rows a requeue wrote to the inbox.
UPDATE quarantine SET requeued_at = now() WHERE list_contains($ids, quarantine_id)
