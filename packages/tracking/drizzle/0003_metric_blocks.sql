-- The metric rollup kept by logBatch (per series, level and block of steps: count, first, last, extremes,
-- first non-finite point). Series logged before it have rollup_level NULL and are summarised from their
-- points, as before; only series created from now on get blocks.
CREATE TABLE "tracking_metric_blocks" (
	"series_id" integer NOT NULL,
	"level" smallint NOT NULL,
	"block" bigint NOT NULL,
	"n" integer NOT NULL,
	"first" double precision[] NOT NULL,
	"last" double precision[] NOT NULL,
	"low" double precision[],
	"high" double precision[],
	"odd" double precision[],
	CONSTRAINT "tracking_metric_blocks_series_id_level_block_pk" PRIMARY KEY("series_id","level","block")
);
--> statement-breakpoint
ALTER TABLE "tracking_latest_metrics" ADD COLUMN "rollup_level" smallint;--> statement-breakpoint
ALTER TABLE "tracking_metric_blocks" ADD CONSTRAINT "tracking_metric_blocks_series_id_tracking_latest_metrics_series_id_fk" FOREIGN KEY ("series_id") REFERENCES "public"."tracking_latest_metrics"("series_id") ON DELETE cascade ON UPDATE no action;