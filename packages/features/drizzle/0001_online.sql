CREATE TABLE "features_online" (
	"view" text NOT NULL,
	"entity_key" text NOT NULL,
	"event_ts" bigint NOT NULL,
	"values" jsonb NOT NULL,
	"written_at" bigint NOT NULL,
	CONSTRAINT "features_online_view_entity_key_pk" PRIMARY KEY("view","entity_key")
);
--> statement-breakpoint
CREATE TABLE "features_online_watermarks" (
	"view" text PRIMARY KEY NOT NULL,
	"watermark" bigint NOT NULL,
	"version" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
