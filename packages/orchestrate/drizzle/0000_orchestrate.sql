CREATE TABLE "orchestrate_attempts" (
	"task_id" text NOT NULL,
	"attempt" integer NOT NULL,
	"run_id" text NOT NULL,
	"status" text NOT NULL,
	"executor" text NOT NULL,
	"lease_owner" text,
	"lease_expires_at" bigint,
	"fence" integer NOT NULL,
	"error" jsonb,
	"started_time" bigint NOT NULL,
	"ended_time" bigint,
	CONSTRAINT "orchestrate_attempts_task_id_attempt_pk" PRIMARY KEY("task_id","attempt")
);
--> statement-breakpoint
CREATE TABLE "orchestrate_logs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"task_id" text NOT NULL,
	"attempt" integer NOT NULL,
	"time" bigint NOT NULL,
	"level" text NOT NULL,
	"message" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "orchestrate_outputs" (
	"task_id" text PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"kind" text NOT NULL,
	"value" jsonb,
	"blob_key" text,
	"size" integer NOT NULL,
	"cache_key" text,
	"created_time" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "orchestrate_pipelines" (
	"name" text PRIMARY KEY NOT NULL,
	"module_path" text NOT NULL,
	"source_hash" text NOT NULL,
	"steps" jsonb NOT NULL,
	"schedule" jsonb,
	"triggers" jsonb,
	"description" text,
	"created_time" bigint NOT NULL,
	"updated_time" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "orchestrate_runs" (
	"run_id" text PRIMARY KEY NOT NULL,
	"pipeline_name" text NOT NULL,
	"module_path" text NOT NULL,
	"source_hash" text NOT NULL,
	"params" jsonb NOT NULL,
	"status" text NOT NULL,
	"trigger_kind" text NOT NULL,
	"trigger_key" text,
	"logical_time" bigint,
	"retry_of" text,
	"executor" text NOT NULL,
	"owner" text,
	"lease_expires_at" bigint,
	"cancel_requested" boolean DEFAULT false NOT NULL,
	"error" text,
	"created_time" bigint NOT NULL,
	"started_time" bigint,
	"ended_time" bigint
);
--> statement-breakpoint
CREATE TABLE "orchestrate_tasks" (
	"task_id" text PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"step" text NOT NULL,
	"map_index" integer DEFAULT -1 NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"fence" integer DEFAULT 0 NOT NULL,
	"cached" boolean DEFAULT false NOT NULL,
	"cache_key" text,
	"not_before" bigint,
	"error" jsonb,
	"started_time" bigint,
	"ended_time" bigint
);
--> statement-breakpoint
ALTER TABLE "orchestrate_attempts" ADD CONSTRAINT "orchestrate_attempts_task_id_orchestrate_tasks_task_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."orchestrate_tasks"("task_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orchestrate_outputs" ADD CONSTRAINT "orchestrate_outputs_task_id_orchestrate_tasks_task_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."orchestrate_tasks"("task_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orchestrate_tasks" ADD CONSTRAINT "orchestrate_tasks_run_id_orchestrate_runs_run_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."orchestrate_runs"("run_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "orchestrate_attempts_lease_idx" ON "orchestrate_attempts" USING btree ("status","lease_expires_at");--> statement-breakpoint
CREATE INDEX "orchestrate_logs_run_idx" ON "orchestrate_logs" USING btree ("run_id","id");--> statement-breakpoint
CREATE INDEX "orchestrate_outputs_cache_idx" ON "orchestrate_outputs" USING btree ("cache_key","created_time");--> statement-breakpoint
CREATE UNIQUE INDEX "orchestrate_runs_trigger_key_idx" ON "orchestrate_runs" USING btree ("pipeline_name","trigger_key");--> statement-breakpoint
CREATE INDEX "orchestrate_runs_pipeline_idx" ON "orchestrate_runs" USING btree ("pipeline_name","created_time");--> statement-breakpoint
CREATE INDEX "orchestrate_runs_status_idx" ON "orchestrate_runs" USING btree ("status");--> statement-breakpoint
CREATE UNIQUE INDEX "orchestrate_tasks_step_idx" ON "orchestrate_tasks" USING btree ("run_id","step","map_index");