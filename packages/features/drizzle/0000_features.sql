CREATE TABLE "features_entities" (
	"name" text NOT NULL,
	"version" bigint NOT NULL,
	"join_keys" jsonb NOT NULL,
	"description" text,
	"fingerprint" text NOT NULL,
	"applied_by" text NOT NULL,
	"created_at" bigint NOT NULL,
	CONSTRAINT "features_entities_name_version_pk" PRIMARY KEY("name","version")
);
--> statement-breakpoint
CREATE TABLE "features_offline_loads" (
	"view" text NOT NULL,
	"version" bigint NOT NULL,
	"rows" bigint NOT NULL,
	"source_state" jsonb NOT NULL,
	"loaded_at" bigint NOT NULL,
	CONSTRAINT "features_offline_loads_view_version_pk" PRIMARY KEY("view","version")
);
--> statement-breakpoint
CREATE TABLE "features_on_demand" (
	"name" text NOT NULL,
	"version" bigint NOT NULL,
	"definition" jsonb NOT NULL,
	"fingerprint" text NOT NULL,
	"applied_by" text NOT NULL,
	"created_at" bigint NOT NULL,
	CONSTRAINT "features_on_demand_name_version_pk" PRIMARY KEY("name","version")
);
--> statement-breakpoint
CREATE TABLE "features_views" (
	"name" text NOT NULL,
	"version" bigint NOT NULL,
	"definition" jsonb NOT NULL,
	"fingerprint" text NOT NULL,
	"applied_by" text NOT NULL,
	"created_at" bigint NOT NULL,
	CONSTRAINT "features_views_name_version_pk" PRIMARY KEY("name","version")
);
