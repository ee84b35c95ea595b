CREATE TABLE "monitor_profiles" (
	"profile_id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"model" text,
	"window_start" bigint,
	"window_end" bigint,
	"rows" bigint NOT NULL,
	"profile" jsonb NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "monitor_profiles_window_idx" ON "monitor_profiles" USING btree ("name","window_start","window_end") WHERE role = 'window';--> statement-breakpoint
CREATE UNIQUE INDEX "monitor_profiles_reference_idx" ON "monitor_profiles" USING btree ("name") WHERE role = 'reference';--> statement-breakpoint
CREATE INDEX "monitor_profiles_name_idx" ON "monitor_profiles" USING btree ("name","window_start");