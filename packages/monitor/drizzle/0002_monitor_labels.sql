CREATE TABLE "monitor_labels" (
	"deployment" text NOT NULL,
	"request_id" text NOT NULL,
	"label" jsonb NOT NULL,
	"at" bigint,
	"created_at" bigint NOT NULL,
	CONSTRAINT "monitor_labels_deployment_request_id_pk" PRIMARY KEY("deployment","request_id")
);
--> statement-breakpoint
CREATE INDEX "monitor_labels_created_idx" ON "monitor_labels" USING btree ("deployment","created_at");