CREATE TABLE "tracking_dataset_inputs" (
	"run_id" text NOT NULL,
	"name" text NOT NULL,
	"digest" text NOT NULL,
	"source_type" text NOT NULL,
	"source" text NOT NULL,
	"schema" text,
	"profile" text,
	"context" text,
	CONSTRAINT "tracking_dataset_inputs_run_id_name_digest_pk" PRIMARY KEY("run_id","name","digest")
);
--> statement-breakpoint
CREATE TABLE "tracking_experiment_tags" (
	"experiment_id" bigint NOT NULL,
	"key" text NOT NULL,
	"value" text NOT NULL,
	CONSTRAINT "tracking_experiment_tags_experiment_id_key_pk" PRIMARY KEY("experiment_id","key")
);
--> statement-breakpoint
CREATE TABLE "tracking_experiments" (
	"experiment_id" bigserial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"artifact_location" text NOT NULL,
	"lifecycle_stage" text DEFAULT 'active' NOT NULL,
	"creation_time" bigint NOT NULL,
	"last_update_time" bigint NOT NULL,
	CONSTRAINT "tracking_experiments_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "tracking_latest_metrics" (
	"run_id" text NOT NULL,
	"key" text NOT NULL,
	"value" double precision,
	"is_nan" boolean NOT NULL,
	"timestamp" bigint NOT NULL,
	"step" bigint NOT NULL,
	CONSTRAINT "tracking_latest_metrics_run_id_key_pk" PRIMARY KEY("run_id","key")
);
--> statement-breakpoint
CREATE TABLE "tracking_metrics" (
	"id" bigserial NOT NULL,
	"run_id" text NOT NULL,
	"key" text NOT NULL,
	"value" double precision,
	"is_nan" boolean NOT NULL,
	"timestamp" bigint NOT NULL,
	"step" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tracking_params" (
	"run_id" text NOT NULL,
	"key" text NOT NULL,
	"value" text NOT NULL,
	CONSTRAINT "tracking_params_run_id_key_pk" PRIMARY KEY("run_id","key")
);
--> statement-breakpoint
CREATE TABLE "tracking_runs" (
	"run_id" text PRIMARY KEY NOT NULL,
	"experiment_id" bigint NOT NULL,
	"name" text NOT NULL,
	"status" text NOT NULL,
	"start_time" bigint NOT NULL,
	"end_time" bigint,
	"lifecycle_stage" text DEFAULT 'active' NOT NULL,
	"user_id" text DEFAULT '' NOT NULL,
	"artifact_uri" text NOT NULL,
	"parent_run_id" text,
	"heartbeat_time" bigint,
	"heartbeat_timeout_ms" bigint,
	"deleted_time" bigint
);
--> statement-breakpoint
CREATE TABLE "tracking_tags" (
	"run_id" text NOT NULL,
	"key" text NOT NULL,
	"value" text NOT NULL,
	CONSTRAINT "tracking_tags_run_id_key_pk" PRIMARY KEY("run_id","key")
);
--> statement-breakpoint
ALTER TABLE "tracking_dataset_inputs" ADD CONSTRAINT "tracking_dataset_inputs_run_id_tracking_runs_run_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."tracking_runs"("run_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tracking_experiment_tags" ADD CONSTRAINT "tracking_experiment_tags_experiment_id_tracking_experiments_experiment_id_fk" FOREIGN KEY ("experiment_id") REFERENCES "public"."tracking_experiments"("experiment_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tracking_latest_metrics" ADD CONSTRAINT "tracking_latest_metrics_run_id_tracking_runs_run_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."tracking_runs"("run_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tracking_params" ADD CONSTRAINT "tracking_params_run_id_tracking_runs_run_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."tracking_runs"("run_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tracking_runs" ADD CONSTRAINT "tracking_runs_experiment_id_tracking_experiments_experiment_id_fk" FOREIGN KEY ("experiment_id") REFERENCES "public"."tracking_experiments"("experiment_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tracking_tags" ADD CONSTRAINT "tracking_tags_run_id_tracking_runs_run_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."tracking_runs"("run_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "tracking_metrics_history_idx" ON "tracking_metrics" USING btree ("run_id","key","step","timestamp","id");--> statement-breakpoint
CREATE INDEX "tracking_runs_experiment_start_idx" ON "tracking_runs" USING btree ("experiment_id","start_time" DESC NULLS LAST,"run_id");--> statement-breakpoint
CREATE INDEX "tracking_runs_running_idx" ON "tracking_runs" USING btree ("heartbeat_time") WHERE status = 'RUNNING' and heartbeat_time is not null;--> statement-breakpoint
CREATE INDEX "tracking_runs_parent_idx" ON "tracking_runs" USING btree ("parent_run_id");
--> statement-breakpoint
INSERT INTO "tracking_experiments" ("experiment_id", "name", "artifact_location", "creation_time", "last_update_time")
VALUES (0, 'Default', 'mlflow-artifacts:/0', (extract(epoch from now()) * 1000)::bigint, (extract(epoch from now()) * 1000)::bigint);
