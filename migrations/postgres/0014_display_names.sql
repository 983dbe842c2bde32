-- The citizen's display name on every channel (issue 15): a WhatsApp message carries its
-- sender's profile name (the webhook's `contacts`), kept with the message in the inbox until
-- the conversation core handles it, so a complaint filed from WhatsApp shows the handler who
-- filed it, unless anonymous (complaints.citizen_name, migration 0011). NULL when Meta sent none.
-- Keep in step with ../sqlite/0014_display_names.sql.

ALTER TABLE whatsapp_inbox ADD COLUMN profile_name TEXT;
