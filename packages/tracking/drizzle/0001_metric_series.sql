-- Metric history moves to a narrow table keyed by an integer series id (one per run and key, kept
-- on the latest-metrics row); existing points are carried over before the old table goes.
ALTER TABLE "tracking_latest_metrics" ADD COLUMN "series_id" integer NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "tracking_latest_metrics_series_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1);--> statement-breakpoint
ALTER TABLE "tracking_latest_metrics" ADD CONSTRAINT "tracking_latest_metrics_series_id_unique" UNIQUE("series_id");--> statement-breakpoint
CREATE TABLE "tracking_metric_points" (
	"series_id" integer NOT NULL,
	"step" bigint NOT NULL,
	"timestamp" bigint NOT NULL,
	"value" double precision,
	"is_nan" boolean NOT NULL
);
--> statement-breakpoint
INSERT INTO "tracking_metric_points" ("series_id", "step", "timestamp", "value", "is_nan")
	SELECT l."series_id", m."step", m."timestamp", m."value", m."is_nan"
	FROM "tracking_metrics" m JOIN "tracking_latest_metrics" l ON l."run_id" = m."run_id" AND l."key" = m."key"
	ORDER BY m."id";--> statement-breakpoint
DROP TABLE "tracking_metrics" CASCADE;--> statement-breakpoint
CREATE INDEX "tracking_metric_points_history_idx" ON "tracking_metric_points" USING btree ("series_id","step","timestamp");
