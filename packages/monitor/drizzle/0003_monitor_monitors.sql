CREATE TABLE "monitor_results" (
	"monitor" text NOT NULL,
	"window_start" bigint NOT NULL,
	"window_end" bigint NOT NULL,
	"rows" bigint NOT NULL,
	"dataset_drift" boolean NOT NULL,
	"drift_share" double precision NOT NULL,
	"result" jsonb NOT NULL,
	"computed_at" bigint NOT NULL,
	CONSTRAINT "monitor_results_monitor_window_start_window_end_pk" PRIMARY KEY("monitor","window_start","window_end")
);
--> statement-breakpoint
CREATE TABLE "monitor_ticks" (
	"monitor" text NOT NULL,
	"tick" bigint NOT NULL,
	"claimed_at" bigint NOT NULL,
	"claimed_by" text NOT NULL,
	CONSTRAINT "monitor_ticks_monitor_tick_pk" PRIMARY KEY("monitor","tick")
);
--> statement-breakpoint
CREATE TABLE "monitor_monitors" (
	"name" text PRIMARY KEY NOT NULL,
	"spec" jsonb NOT NULL,
	"webhook_secret" text,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE INDEX "monitor_results_end_idx" ON "monitor_results" USING btree ("monitor","window_end");