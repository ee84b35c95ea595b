-- Stages become a column of their own, independent of aliases (as in MLflow). Until now a version's
-- stage was read from the `production` and `staging` aliases (Production winning), so that is what
-- each version starts with; the aliases stay, and from now on neither moves the other.
ALTER TABLE "registry_versions" ADD COLUMN "current_stage" text DEFAULT 'None' NOT NULL;--> statement-breakpoint
UPDATE "registry_versions" v SET "current_stage" = 'Production' FROM "registry_aliases" a
	WHERE a."model_id" = v."model_id" AND a."version" = v."version" AND a."alias" = 'production';--> statement-breakpoint
UPDATE "registry_versions" v SET "current_stage" = 'Staging' FROM "registry_aliases" a
	WHERE a."model_id" = v."model_id" AND a."version" = v."version" AND a."alias" = 'staging' AND v."current_stage" = 'None';--> statement-breakpoint
CREATE INDEX "registry_versions_stage_idx" ON "registry_versions" USING btree ("model_id","current_stage","version");--> statement-breakpoint
ALTER TABLE "registry_versions" ADD CONSTRAINT "registry_versions_stage_check" CHECK ("registry_versions"."current_stage" in ('None', 'Staging', 'Production', 'Archived'));