CREATE TABLE "deploy_deployments" (
	"name" text PRIMARY KEY NOT NULL,
	"spec" jsonb NOT NULL,
	"model_name" text NOT NULL,
	"alias" text,
	"status" text NOT NULL,
	"endpoint" text,
	"webhook_secret" text,
	"generation" integer DEFAULT 1 NOT NULL,
	"created_time" bigint NOT NULL,
	"updated_time" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deploy_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"deployment" text NOT NULL,
	"at" bigint NOT NULL,
	"action" text NOT NULL,
	"from_version" integer,
	"to_version" integer,
	"reason" text,
	"details" jsonb
);
--> statement-breakpoint
CREATE TABLE "deploy_revisions" (
	"deployment" text NOT NULL,
	"revision" integer NOT NULL,
	"model_version" integer NOT NULL,
	"weight" real NOT NULL,
	"status" text NOT NULL,
	"step" integer DEFAULT 0 NOT NULL,
	"step_started_time" bigint,
	"analysis_rounds" integer DEFAULT 0 NOT NULL,
	"created_time" bigint NOT NULL,
	"updated_time" bigint NOT NULL,
	CONSTRAINT "deploy_revisions_deployment_revision_pk" PRIMARY KEY("deployment","revision")
);
--> statement-breakpoint
ALTER TABLE "deploy_history" ADD CONSTRAINT "deploy_history_deployment_deploy_deployments_name_fk" FOREIGN KEY ("deployment") REFERENCES "public"."deploy_deployments"("name") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deploy_revisions" ADD CONSTRAINT "deploy_revisions_deployment_deploy_deployments_name_fk" FOREIGN KEY ("deployment") REFERENCES "public"."deploy_deployments"("name") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "deploy_history_deployment_idx" ON "deploy_history" USING btree ("deployment","id");