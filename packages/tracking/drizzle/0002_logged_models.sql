-- MLflow 3 logged models: the models, their params, tags and linked metric points, and the runs that output them.
CREATE TABLE "tracking_logged_model_metrics" (
	"model_id" text NOT NULL,
	"key" text NOT NULL,
	"value" double precision,
	"is_nan" boolean NOT NULL,
	"timestamp" bigint NOT NULL,
	"step" bigint NOT NULL,
	"run_id" text NOT NULL,
	"dataset_name" text DEFAULT '' NOT NULL,
	"dataset_digest" text DEFAULT '' NOT NULL,
	CONSTRAINT "tracking_logged_model_metrics_pk" PRIMARY KEY("model_id","key","timestamp","step","run_id","dataset_name","dataset_digest")
);
--> statement-breakpoint
CREATE TABLE "tracking_logged_model_params" (
	"model_id" text NOT NULL,
	"key" text NOT NULL,
	"value" text NOT NULL,
	CONSTRAINT "tracking_logged_model_params_model_id_key_pk" PRIMARY KEY("model_id","key")
);
--> statement-breakpoint
CREATE TABLE "tracking_logged_model_tags" (
	"model_id" text NOT NULL,
	"key" text NOT NULL,
	"value" text NOT NULL,
	CONSTRAINT "tracking_logged_model_tags_model_id_key_pk" PRIMARY KEY("model_id","key")
);
--> statement-breakpoint
CREATE TABLE "tracking_logged_models" (
	"model_id" text PRIMARY KEY NOT NULL,
	"experiment_id" bigint NOT NULL,
	"name" text NOT NULL,
	"artifact_location" text NOT NULL,
	"creation_timestamp_ms" bigint NOT NULL,
	"last_updated_timestamp_ms" bigint NOT NULL,
	"status" text NOT NULL,
	"status_message" text,
	"model_type" text,
	"source_run_id" text,
	"lifecycle_stage" text DEFAULT 'active' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tracking_run_outputs" (
	"run_id" text NOT NULL,
	"model_id" text NOT NULL,
	"step" bigint NOT NULL,
	CONSTRAINT "tracking_run_outputs_run_id_model_id_step_pk" PRIMARY KEY("run_id","model_id","step")
);
--> statement-breakpoint
ALTER TABLE "tracking_logged_model_metrics" ADD CONSTRAINT "tracking_logged_model_metrics_model_id_tracking_logged_models_model_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."tracking_logged_models"("model_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tracking_logged_model_params" ADD CONSTRAINT "tracking_logged_model_params_model_id_tracking_logged_models_model_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."tracking_logged_models"("model_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tracking_logged_model_tags" ADD CONSTRAINT "tracking_logged_model_tags_model_id_tracking_logged_models_model_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."tracking_logged_models"("model_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tracking_logged_models" ADD CONSTRAINT "tracking_logged_models_experiment_id_tracking_experiments_experiment_id_fk" FOREIGN KEY ("experiment_id") REFERENCES "public"."tracking_experiments"("experiment_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tracking_run_outputs" ADD CONSTRAINT "tracking_run_outputs_run_id_tracking_runs_run_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."tracking_runs"("run_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tracking_run_outputs" ADD CONSTRAINT "tracking_run_outputs_model_id_tracking_logged_models_model_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."tracking_logged_models"("model_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "tracking_logged_models_experiment_idx" ON "tracking_logged_models" USING btree ("experiment_id","creation_timestamp_ms" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "tracking_run_outputs_model_idx" ON "tracking_run_outputs" USING btree ("model_id");