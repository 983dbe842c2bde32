-- Open311 intake (issue 5): a complaint may come from an Open311 GeoReport v2 client instead of a
-- Telegram chat. `channel` says which; such complaints keep chat_id = 0 (Telegram never uses 0)
-- and carry the contact details the client sent (JSON), a point and a media URL. Public listing
-- (GET /open311/v2/requests.json) reads non-confidential complaints newest first.
-- Keep in step with ../sqlite/0004_open311.sql.
ALTER TABLE complaints ADD COLUMN channel TEXT NOT NULL DEFAULT 'telegram';
ALTER TABLE complaints ADD COLUMN contact TEXT;
ALTER TABLE complaints ADD COLUMN latitude DOUBLE PRECISION;
ALTER TABLE complaints ADD COLUMN longitude DOUBLE PRECISION;
ALTER TABLE complaints ADD COLUMN media_url TEXT;
CREATE INDEX complaints_public ON complaints (confidential, created_at);
