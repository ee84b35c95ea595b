CREATE TABLE "validate_expectation_results" (
	"validation_id" text NOT NULL,
	"position" integer NOT NULL,
	"type" text NOT NULL,
	"severity" text NOT NULL,
	"success" boolean NOT NULL,
	"column_name" text,
	"unexpected_count" bigint,
	"unexpected_percent" double precision,
	"exception" text,
	CONSTRAINT "validate_expectation_results_validation_id_position_pk" PRIMARY KEY("validation_id","position")
);
--> statement-breakpoint
CREATE TABLE "validate_validations" (
	"validation_id" text PRIMARY KEY NOT NULL,
	"suite_name" text NOT NULL,
	"success" boolean NOT NULL,
	"evaluated" integer NOT NULL,
	"successful" integer NOT NULL,
	"unsuccessful" integer NOT NULL,
	"success_percent" double precision,
	"row_count" bigint NOT NULL,
	"engine" text NOT NULL,
	"source" text NOT NULL,
	"dataset_version" text,
	"run_id" text,
	"started_at" bigint NOT NULL,
	"duration_ms" double precision NOT NULL,
	"result" jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "validate_expectation_results" ADD CONSTRAINT "validate_expectation_results_validation_id_validate_validations_validation_id_fk" FOREIGN KEY ("validation_id") REFERENCES "public"."validate_validations"("validation_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "validate_expectation_results_type_idx" ON "validate_expectation_results" USING btree ("type","success");--> statement-breakpoint
CREATE INDEX "validate_validations_dataset_idx" ON "validate_validations" USING btree ("dataset_version","started_at");--> statement-breakpoint
CREATE INDEX "validate_validations_run_idx" ON "validate_validations" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "validate_validations_suite_idx" ON "validate_validations" USING btree ("suite_name","started_at");