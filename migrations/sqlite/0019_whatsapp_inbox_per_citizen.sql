-- The WhatsApp inbox's unprocessed messages, indexed for several inbox workers at once: only a
-- citizen's oldest unprocessed message may be claimed (see bot/src/whatsapp/store.rs), so the
-- claim walks the waiting messages oldest first (whatsapp_inbox_next, in the claim's order: no
-- sort, it stops at the first it may take) and asks for each whether it is its citizen's
-- oldest (whatsapp_inbox_waiting). Both partial: processed messages, most of the table, are in
-- neither. whatsapp_inbox_next replaces whatsapp_inbox_pending (0012), which made the claim
-- sort every waiting message.
-- Keep in step with ../postgres/0019_whatsapp_inbox_per_citizen.sql.

CREATE INDEX whatsapp_inbox_next ON whatsapp_inbox (received_at, message_id)
    WHERE processed_at IS NULL;

CREATE INDEX whatsapp_inbox_waiting ON whatsapp_inbox (wa_id, received_at, message_id)
    WHERE processed_at IS NULL;

DROP INDEX whatsapp_inbox_pending;
