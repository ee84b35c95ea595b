CREATE TABLE "registry_aliases" (
	"model_id" bigint NOT NULL,
	"alias" text NOT NULL,
	"version" integer NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL,
	"updated_time" bigint NOT NULL,
	CONSTRAINT "registry_aliases_model_id_alias_pk" PRIMARY KEY("model_id","alias")
);
--> statement-breakpoint
CREATE TABLE "registry_audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"model_name" text NOT NULL,
	"version" integer,
	"action" text NOT NULL,
	"actor" text NOT NULL,
	"reason" text,
	"details" jsonb NOT NULL,
	"time" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "registry_gates" (
	"model_id" bigint PRIMARY KEY NOT NULL,
	"gates" jsonb NOT NULL,
	"updated_time" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "registry_model_tags" (
	"model_id" bigint NOT NULL,
	"key" text NOT NULL,
	"value" text NOT NULL,
	CONSTRAINT "registry_model_tags_model_id_key_pk" PRIMARY KEY("model_id","key")
);
--> statement-breakpoint
CREATE TABLE "registry_versions" (
	"model_id" bigint NOT NULL,
	"version" integer NOT NULL,
	"source" text NOT NULL,
	"run_id" text,
	"signature" text,
	"status" text NOT NULL,
	"status_message" text,
	"description" text DEFAULT '' NOT NULL,
	"user_id" text DEFAULT '' NOT NULL,
	"content_hash" text,
	"manifest" jsonb,
	"creation_time" bigint NOT NULL,
	"last_updated_time" bigint NOT NULL,
	CONSTRAINT "registry_versions_model_id_version_pk" PRIMARY KEY("model_id","version")
);
--> statement-breakpoint
CREATE TABLE "registry_models" (
	"model_id" bigserial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"next_version" integer DEFAULT 1 NOT NULL,
	"creation_time" bigint NOT NULL,
	"last_updated_time" bigint NOT NULL,
	CONSTRAINT "registry_models_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "registry_traffic_splits" (
	"model_id" bigint NOT NULL,
	"name" text NOT NULL,
	"weights" jsonb NOT NULL,
	"updated_time" bigint NOT NULL,
	CONSTRAINT "registry_traffic_splits_model_id_name_pk" PRIMARY KEY("model_id","name")
);
--> statement-breakpoint
CREATE TABLE "registry_version_tags" (
	"model_id" bigint NOT NULL,
	"version" integer NOT NULL,
	"key" text NOT NULL,
	"value" text NOT NULL,
	CONSTRAINT "registry_version_tags_model_id_version_key_pk" PRIMARY KEY("model_id","version","key")
);
--> statement-breakpoint
CREATE TABLE "registry_webhook_deliveries" (
	"delivery_id" bigserial PRIMARY KEY NOT NULL,
	"webhook_id" bigint NOT NULL,
	"event_id" text NOT NULL,
	"event_type" text NOT NULL,
	"body" text NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_time" bigint NOT NULL,
	"last_status_code" integer,
	"last_error" text,
	"creation_time" bigint NOT NULL,
	"delivered_time" bigint
);
--> statement-breakpoint
CREATE TABLE "registry_webhooks" (
	"webhook_id" bigserial PRIMARY KEY NOT NULL,
	"url" text NOT NULL,
	"secret" text NOT NULL,
	"model_name" text,
	"events" jsonb NOT NULL,
	"active" integer DEFAULT 1 NOT NULL,
	"creation_time" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "registry_aliases" ADD CONSTRAINT "registry_aliases_model_id_registry_models_model_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."registry_models"("model_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registry_gates" ADD CONSTRAINT "registry_gates_model_id_registry_models_model_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."registry_models"("model_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registry_model_tags" ADD CONSTRAINT "registry_model_tags_model_id_registry_models_model_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."registry_models"("model_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registry_versions" ADD CONSTRAINT "registry_versions_model_id_registry_models_model_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."registry_models"("model_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registry_traffic_splits" ADD CONSTRAINT "registry_traffic_splits_model_id_registry_models_model_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."registry_models"("model_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registry_version_tags" ADD CONSTRAINT "registry_version_tags_model_id_registry_models_model_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."registry_models"("model_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registry_webhook_deliveries" ADD CONSTRAINT "registry_webhook_deliveries_webhook_id_registry_webhooks_webhook_id_fk" FOREIGN KEY ("webhook_id") REFERENCES "public"."registry_webhooks"("webhook_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "registry_audit_log_model_idx" ON "registry_audit_log" USING btree ("model_name","id");--> statement-breakpoint
CREATE INDEX "registry_versions_run_idx" ON "registry_versions" USING btree ("run_id");--> statement-breakpoint
CREATE UNIQUE INDEX "registry_webhook_deliveries_event_idx" ON "registry_webhook_deliveries" USING btree ("webhook_id","event_id");--> statement-breakpoint
CREATE INDEX "registry_webhook_deliveries_due_idx" ON "registry_webhook_deliveries" USING btree ("status","next_attempt_time");--> statement-breakpoint
-- The audit log is append-only: history cannot be rewritten, even by a bug.
CREATE FUNCTION "registry_audit_log_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'registry_audit_log is append-only';
END;
$$;--> statement-breakpoint
CREATE TRIGGER "registry_audit_log_no_change" BEFORE UPDATE OR DELETE ON "registry_audit_log"
  FOR EACH ROW EXECUTE FUNCTION "registry_audit_log_append_only"();
