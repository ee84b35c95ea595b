CREATE TABLE "data_lineage" (
	"run_id" text NOT NULL,
	"version_id" bigint NOT NULL,
	"role" text NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "data_lineage_run_id_version_id_role_pk" PRIMARY KEY("run_id","version_id","role")
);
--> statement-breakpoint
CREATE TABLE "data_tags" (
	"dataset_id" bigint NOT NULL,
	"name" text NOT NULL,
	"version_id" bigint NOT NULL,
	"updated_by" text DEFAULT '' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "data_tags_dataset_id_name_pk" PRIMARY KEY("dataset_id","name")
);
--> statement-breakpoint
CREATE TABLE "data_versions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"dataset_id" bigint NOT NULL,
	"version" integer NOT NULL,
	"root_hash" text NOT NULL,
	"size" bigint NOT NULL,
	"nfiles" integer NOT NULL,
	"path" text NOT NULL,
	"format" text,
	"schema" jsonb,
	"source" jsonb,
	"message" text DEFAULT '' NOT NULL,
	"created_by" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "data_versions_dataset_version_unique" UNIQUE("dataset_id","version"),
	CONSTRAINT "data_versions_dataset_hash_unique" UNIQUE("dataset_id","root_hash")
);
--> statement-breakpoint
CREATE TABLE "data_datasets" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"created_by" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "data_datasets_name_unique" UNIQUE("name")
);
--> statement-breakpoint
ALTER TABLE "data_lineage" ADD CONSTRAINT "data_lineage_version_id_data_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."data_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_tags" ADD CONSTRAINT "data_tags_dataset_id_data_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."data_datasets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_tags" ADD CONSTRAINT "data_tags_version_id_data_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."data_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_versions" ADD CONSTRAINT "data_versions_dataset_id_data_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."data_datasets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "data_lineage_version_idx" ON "data_lineage" USING btree ("version_id");--> statement-breakpoint
CREATE INDEX "data_tags_version_idx" ON "data_tags" USING btree ("version_id");