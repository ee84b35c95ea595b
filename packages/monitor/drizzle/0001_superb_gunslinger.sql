CREATE TABLE "monitor_alerts" (
	"alert_id" text PRIMARY KEY NOT NULL,
	"monitor" text NOT NULL,
	"rule" text NOT NULL,
	"key" text NOT NULL,
	"column" text,
	"severity" text NOT NULL,
	"state" text NOT NULL,
	"value" double precision,
	"active_since" bigint NOT NULL,
	"fired_at" bigint,
	"resolved_at" bigint,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "monitor_alerts_open_idx" ON "monitor_alerts" USING btree ("monitor","key") WHERE resolved_at is null;--> statement-breakpoint
CREATE INDEX "monitor_alerts_monitor_idx" ON "monitor_alerts" USING btree ("monitor","active_since");